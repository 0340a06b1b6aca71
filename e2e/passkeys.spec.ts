import { expect, test } from "@playwright/test";
import { randomEmail, signInThroughUi, STRONG_PASSWORD } from "./helpers/accounts";
import { codeEmails, enterCode, shownToken, stepUpDialog, submitCreateToken, waitForCodeEmail } from "./helpers/api-tokens";
import { expectNoSeriousA11yViolations } from "./helpers/axe";
import { auditEventsFor, closeDb, createUser } from "./helpers/db";
import { gotoHydrated, waitForHydration, watchForPolicyReports } from "./helpers/page";
import {
  addVirtualAuthenticator,
  challengeCodeSent,
  passkeyAutofillSwitch,
  passkeysFor,
  passkeysSection,
  type VirtualAuthenticator,
} from "./helpers/passkeys";
import {
  enableTwoFactorThroughUi,
  enterBothProofs,
  freshTotp,
  proofFields,
  recoveryCodesDialog,
  twoFactorSection,
} from "./helpers/two-factor";

/**
 * Passkeys through the real UI, with Chromium's virtual authenticator standing in for a fingerprint
 * reader: added behind the code modal, then signing in on its own, confirming a sudo change without
 * any email (or with one, when asked for), renamed and removed. No CSP or Permissions-Policy report
 * all along, and axe finds nothing serious with each passkey dialog open.
 */

test.afterAll(closeDb);
test.describe.configure({ timeout: 240_000 });

test("add a passkey, sign in with it, confirm changes with it or with an emailed code instead, rename and remove it", async ({
  page,
  request,
}) => {
  const reports = watchForPolicyReports(page);
  const user = await createUser({ email: randomEmail("passkeys"), password: STRONG_PASSWORD });
  let authenticator: VirtualAuthenticator | undefined;
  const setAutofill = await passkeyAutofillSwitch(page);
  const passkeySignIns = async () =>
    (await auditEventsFor(user.email)).filter((event) => event.type === "auth.sign_in" && event.reason === "passkey").length;
  let name = "";
  const section = passkeysSection(page);

  await test.step("the security page explains passkeys; none yet", async () => {
    await signInThroughUi(page, user);
    authenticator = await addVirtualAuthenticator(page);
    await gotoHydrated(page, "/settings/security");
    await expect(section.getByText("No passkeys yet")).toBeVisible();
    await expect(section).toContainText("without a password");
    await expectNoSeriousA11yViolations(page);
  });

  await test.step("a refused browser prompt is a calm message, and nothing is stored", async () => {
    await authenticator?.setUserVerified(false);
    await section.getByRole("button", { name: "Add a passkey" }).click();
    await expect(section.getByRole("status")).toHaveText(
      "No passkey was added: the browser's prompt was closed. You can try again at any time.",
    );
    await expect(section.getByRole("alert")).toBeEmpty();
    await expect(stepUpDialog(page)).toHaveCount(0);
    expect(await passkeysFor(user.id)).toEqual([]);
    await authenticator?.setUserVerified(true);
  });

  await test.step("adding one asks for the emailed code, like turning on two-step verification", async () => {
    await section.getByRole("button", { name: "Add a passkey" }).click();
    const modal = stepUpDialog(page);
    await expect(modal).toBeVisible();
    await expect(modal).toContainText("To add the passkey");
    await expect(modal).toContainText("enter the 6-digit code we just emailed to");
    await expect(modal.getByRole("button", { name: "Use your passkey", exact: true })).toHaveCount(0);
    const email = await waitForCodeEmail(request, user.email);
    expect(email.subject).toMatch(/^Your code to add the passkey "/);
    await enterCode(page, email.code);
    await expect(modal).toHaveCount(0);
    await expect(section.getByRole("status")).toHaveText("Passkey added.");

    const [stored] = await passkeysFor(user.id);
    expect(stored).toBeDefined();
    name = stored?.name ?? "";
    expect(name).toMatch(/^Passkey on /);
    const credentials = (await authenticator?.credentials()) ?? [];
    expect(credentials.map((credential) => credential.isResidentCredential)).toEqual([true]);
    expect(stored?.credential_id).toBe(credentials[0]?.credentialId.replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, ""));

    const row = section.getByRole("listitem").filter({ hasText: name });
    await expect(row).toContainText("This device only");
    await expect(row).toContainText("Never used");
    await expect(row).toContainText(/Added \w{3} \d{1,2}, \d{4}/);
  });

  await test.step("signed out, the button signs in with the passkey alone", async () => {
    await setAutofill(false);
    await page.getByRole("button", { name: "Sign out", exact: true }).click();
    await expect(page.getByRole("heading", { name: "Sign in to your account" })).toBeVisible();
    await waitForHydration(page);
    await expect(page.getByLabel("Email address")).toHaveAttribute("autocomplete", "username webauthn");
    await expectNoSeriousA11yViolations(page);
    await page.getByRole("button", { name: "Continue with a passkey" }).click();
    await expect(page).toHaveURL(/\/settings$/);
    await expect.poll(async () => (await passkeysFor(user.id))[0]?.last_used_at ?? null).not.toBeNull();
    expect(await passkeySignIns()).toBe(1);
  });

  await test.step("creating a token opens on the passkey, and no code is emailed", async () => {
    await gotoHydrated(page, "/settings/security");
    const codesBefore = (await codeEmails(request, user.email)).length;
    await submitCreateToken(page, { name: "passkey-confirmed" });
    const modal = stepUpDialog(page);
    await expect(modal).toBeVisible();
    await expect(modal).toContainText('To create API token "passkey-confirmed", use your passkey');
    // Nothing was emailed, and the dialog does not say otherwise.
    await expect(modal).not.toContainText("emailed");
    await expect(modal.getByLabel("6-digit code")).toHaveCount(0);
    const usePasskey = modal.getByRole("button", { name: "Use your passkey", exact: true });
    await expect(usePasskey).toBeFocused();
    await expect(modal.getByRole("button", { name: "Email me a code instead" })).toBeVisible();
    await expect(modal.getByText(/^This request expires in \d+:\d\d$/)).toBeVisible();
    await expectNoSeriousA11yViolations(page);

    // A refused prompt keeps the dialog and the challenge: a calm word, then the button again.
    await authenticator?.setUserVerified(false);
    await usePasskey.click();
    await expect(modal.getByRole("status").filter({ hasText: "passkey prompt" })).toHaveText(
      "The passkey prompt closed before it finished. Nothing was sent: try again, or email yourself a code instead.",
    );
    await expect(modal.getByRole("alert")).toBeEmpty();
    await expect(usePasskey).toBeFocused();
    await authenticator?.setUserVerified(true);

    await usePasskey.click();
    const shown = await shownToken(page, "passkey-confirmed");
    await shown.dialog.getByRole("button", { name: "Done" }).click();
    expect(await challengeCodeSent(user.id, "api_token.create")).toEqual([false]);
    expect(await codeEmails(request, user.email)).toHaveLength(codesBefore);
    await expect(section.getByRole("listitem").filter({ hasText: name })).toContainText("Last used");
  });

  await test.step("signed out with autofill available, the browser's passkey suggestion signs in without a click", async () => {
    await setAutofill(true);
    // The login page starts a conditional request on load, which the virtual authenticator answers.
    await page.getByRole("button", { name: "Sign out", exact: true }).click();
    await expect(page).toHaveURL(/\/settings$/);
    await expect.poll(passkeySignIns).toBe(2);
  });

  await test.step("in the new session, 'Email me a code instead' sends the code, which creates the token", async () => {
    // The sudo window belongs to the session: this one asks again.
    await gotoHydrated(page, "/settings/security");
    const codesBefore = (await codeEmails(request, user.email)).length;
    await submitCreateToken(page, { name: "code-confirmed" });
    const modal = stepUpDialog(page);
    await expect(modal.getByRole("button", { name: "Use your passkey", exact: true })).toBeFocused();
    await modal.getByRole("button", { name: "Email me a code instead" }).click();

    const email = await waitForCodeEmail(request, user.email, codesBefore);
    expect(email.subject).toBe('Your code to create API token "code-confirmed"');
    await expect(modal.getByRole("status").filter({ hasText: "We emailed" })).toHaveText(/^We emailed a code to .+@example\.com\.$/);
    await expect(modal).toContainText("enter the 6-digit code we just emailed to");
    await expect(modal.getByLabel("6-digit code")).toBeFocused();
    await expect(modal.getByRole("button", { name: "Use your passkey instead" })).toBeVisible();
    await expectNoSeriousA11yViolations(page);
    await enterCode(page, email.code);
    const shown = await shownToken(page, "code-confirmed");
    await shown.dialog.getByRole("button", { name: "Done" }).click();
    expect(await challengeCodeSent(user.id, "api_token.create")).toEqual([false, true]);
  });

  await test.step("rename: a small dialog, no step-up", async () => {
    await section.getByRole("button", { name: `Rename passkey ${name}` }).click();
    const dialog = page.getByRole("dialog", { name: "Rename passkey" });
    const field = dialog.getByLabel("Name");
    await expect(field).toBeFocused();
    await expect(field).toHaveValue(name);
    await expectNoSeriousA11yViolations(page);

    await field.fill("   ");
    await dialog.getByRole("button", { name: "Save name" }).click();
    await expect(dialog.getByText("Enter a name")).toBeVisible();
    await expect(field).toHaveAttribute("aria-invalid", "true");

    await field.fill("Work laptop");
    await dialog.getByRole("button", { name: "Save name" }).click();
    await expect(dialog).toHaveCount(0);
    await expect(stepUpDialog(page)).toHaveCount(0);
    await expect(section.getByRole("status")).toHaveText("Passkey renamed.");
    await expect(section.getByRole("listitem").filter({ hasText: "Work laptop" })).toBeVisible();
    await expect(section.getByRole("button", { name: `Rename passkey ${name}` })).toHaveCount(0);
    await expect(section.getByRole("button", { name: "Rename passkey Work laptop" })).toBeFocused();
    expect((await passkeysFor(user.id)).map((passkey) => passkey.name)).toEqual(["Work laptop"]);
  });

  await test.step("remove: a confirmation, then gone (the code from the step before opened the sudo window)", async () => {
    await section.getByRole("button", { name: "Remove passkey Work laptop" }).click();
    const confirm = page.getByRole("dialog", { name: 'Remove passkey "Work laptop"?' });
    await expect(confirm).toContainText("Your password and emailed codes still work.");
    await expectNoSeriousA11yViolations(page);
    await confirm.getByRole("button", { name: "Remove passkey" }).click();
    await expect(confirm).toHaveCount(0);
    await expect(section.getByRole("status")).toHaveText("Passkey removed.");
    // The row's button is gone: focus is on the announcement.
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent ?? "")).toBe("Passkey removed.");
    await expect(section.getByText("No passkeys yet")).toBeVisible();
    expect(await passkeysFor(user.id)).toEqual([]);
  });

  expect(reports).toEqual([]);
});

test("with two-step verification on, the passkey can be the second factor of a high-risk change", async ({ page, request }) => {
  const reports = watchForPolicyReports(page);
  const user = await createUser({ email: randomEmail("passkeys-2fa"), password: STRONG_PASSWORD });
  await signInThroughUi(page, user);
  const authenticator = await addVirtualAuthenticator(page);
  const enabled = await enableTwoFactorThroughUi(page, request, user.email);

  await test.step("adding the passkey takes the emailed code and the authenticator", async () => {
    await passkeysSection(page).getByRole("button", { name: "Add a passkey" }).click();
    const fields = proofFields(page);
    await expect(fields.modal).toContainText("To add the passkey");
    // No passkey yet, so none is offered.
    await expect(fields.modal.getByRole("button", { name: /passkey/ })).toHaveCount(0);
    const totp = await freshTotp(enabled.secret, enabled.usedStep);
    enabled.usedStep = totp.step;
    await enterBothProofs(page, (await waitForCodeEmail(request, user.email, 1)).code, { method: "totp", code: totp.code });
    await expect(passkeysSection(page).getByRole("status")).toHaveText("Passkey added.");
    expect(await authenticator.credentials()).toHaveLength(1);
  });

  await test.step("new recovery codes: the emailed code, then the passkey instead of the authenticator", async () => {
    await twoFactorSection(page).getByRole("button", { name: "Create new recovery codes" }).click();
    await page.getByRole("dialog", { name: "Create new recovery codes?" }).getByRole("button", { name: "Create new codes" }).click();
    const fields = proofFields(page);
    await expect(fields.modal).toContainText("To create new recovery codes, enter two codes");
    await expect(fields.authenticatorCode).toBeVisible();
    // The high-risk step always takes the emailed code; the passkey stands in for the second factor only.
    await expect(fields.modal.getByRole("button", { name: "Email me a code instead" })).toHaveCount(0);
    await fields.modal.getByRole("button", { name: "Use your passkey instead" }).click();
    await expect(fields.authenticatorCode).toHaveCount(0);
    await expect(fields.modal.getByText("2. Your passkey")).toBeVisible();
    await expect(fields.modal.getByRole("button", { name: "Use your authenticator app instead" })).toBeVisible();
    await expect(fields.modal.getByRole("button", { name: "Use a recovery code instead" })).toBeVisible();
    await expect(fields.modal).toContainText("then use your passkey");
    await expectNoSeriousA11yViolations(page);

    await fields.emailCode.fill((await waitForCodeEmail(request, user.email, 2)).code);
    await fields.modal.getByRole("button", { name: "Use your passkey", exact: true }).click();
    await expect(recoveryCodesDialog(page, "Save your new recovery codes")).toBeVisible();
    await expect.poll(async () => (await passkeysFor(user.id))[0]?.last_used_at ?? null).not.toBeNull();
  });

  expect(reports).toEqual([]);
});
