import { readFile } from "node:fs/promises";
import { verify } from "@node-rs/argon2";
import { expect, test, type Page } from "@playwright/test";
import { randomEmail, signInThroughUi, STRONG_PASSWORD } from "./helpers/accounts";
import { enterCode, stepUpDialog, waitForCodeEmail } from "./helpers/api-tokens";
import { expectNoSeriousA11yViolations } from "./helpers/axe";
import { closeDb, createUser, query, type TestUser } from "./helpers/db";
import { waitForMessage } from "./helpers/mailbox";
import { gotoHydrated } from "./helpers/page";
import {
  confirmSaved,
  enableTwoFactorThroughUi,
  enterBothProofs,
  freshTotp,
  notATotpFor,
  proofFields,
  RECOVERY_CODE_PATTERN,
  recoveryCodesDialog,
  secretFromManualKey,
  setUpDialog,
  shownRecoveryCodes,
  twoFactorSection,
} from "./helpers/two-factor";

/**
 * Two-step verification through the real UI: turning it on with a code computed from the key the
 * dialog shows, saving the recovery codes, and the high-risk changes that then need both proofs
 * (the emailed code and an authenticator or recovery code). Every test has its own user.
 */

test.afterAll(closeDb);
// Turning 2FA on first, and sometimes waiting for the authenticator's next 30-second step.
test.describe.configure({ timeout: 150_000 });

async function signedInOnSecurityPage(page: Page, label: string): Promise<TestUser> {
  const user = await createUser({ email: randomEmail(label), password: STRONG_PASSWORD });
  await signInThroughUi(page, user);
  await gotoHydrated(page, "/settings/security");
  await expect(twoFactorSection(page)).toContainText("Off");
  return user;
}

type UserRow = { two_factor_secret: string | null; two_factor_enabled_at: Date | null; password_hash: string };

async function userRow(userId: string): Promise<UserRow> {
  const [row] = await query<UserRow>("SELECT two_factor_secret, two_factor_enabled_at, password_hash FROM users WHERE id = $1", [userId]);
  if (!row) throw new Error(`no user ${userId}`);
  return row;
}

function recoveryCodeRows(userId: string) {
  return query<{ code_hash: string; used_at: Date | null }>("SELECT code_hash, used_at FROM recovery_codes WHERE user_id = $1", [userId]);
}

function focusedText(page: Page): Promise<string> {
  return page.evaluate(() => document.activeElement?.textContent ?? "");
}

async function auditTypes(userId: string): Promise<string[][]> {
  const rows = await query<{ type: string; outcome: string; reason: string | null }>(
    "SELECT type, outcome, reason FROM audit_events WHERE actor_id = $1 AND type NOT LIKE 'auth.%' ORDER BY id",
    [userId],
  );
  return rows.map((row) => [row.type, row.outcome, row.reason ?? ""]);
}

test("turn on two-step verification with the key shown, then save the recovery codes: copy, download and print", async ({
  page,
  request,
  context,
}) => {
  const user = await signedInOnSecurityPage(page, "2fa-enable");
  const section = twoFactorSection(page);
  let secret = "";
  let codes: string[] = [];

  await test.step("the section says it is off; turning it on asks for the emailed code only", async () => {
    await expect(section).toContainText("Two-step verification is off.");
    await expectNoSeriousA11yViolations(page);
    await section.getByRole("button", { name: "Turn on" }).click();
    const modal = stepUpDialog(page);
    await expect(modal).toContainText("To turn on two-step verification, enter the 6-digit code we just emailed to");
    await expect(modal.getByLabel("6-digit code")).toBeFocused();
    // 2FA is not on yet, so there is no second proof to give.
    await expect(modal.getByLabel(/^2\./)).toHaveCount(0);
    const email = await waitForCodeEmail(request, user.email);
    expect(email.subject).toBe("Your code to turn on two-step verification");
    await enterCode(page, email.code);
    await expect(modal).toHaveCount(0);
  });

  await test.step("the set-up dialog shows a QR code and the key, grouped, with a copy button", async () => {
    const dialog = setUpDialog(page);
    await expect(dialog).toBeVisible();
    const qr = dialog.getByRole("img", { name: /^QR code that adds this account to an authenticator app/ });
    await expect(qr.locator("svg")).toHaveCount(1);
    const key = await dialog.getByRole("figure", { name: "Setup key" }).locator("code").innerText();
    expect(key).toMatch(/^([A-Z2-7]{4} )+[A-Z2-7]{1,4}$/);
    secret = secretFromManualKey(key);
    // 160 bits of base32.
    expect(secret).toHaveLength(32);
    await context.grantPermissions(["clipboard-read", "clipboard-write"]);
    await dialog.getByRole("button", { name: "Copy key" }).click();
    await expect(dialog.getByRole("status").filter({ hasText: "Copied" })).toBeVisible();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
    await expectNoSeriousA11yViolations(page);
    // Nothing is on until a code from the new secret comes back.
    expect((await userRow(user.id)).two_factor_enabled_at).toBeNull();
  });

  await test.step("a wrong code is refused with the attempts left; the right one turns it on", async () => {
    const dialog = setUpDialog(page);
    const field = dialog.getByLabel("6-digit code from the app");
    await field.fill(notATotpFor(secret));
    await dialog.getByRole("button", { name: "Turn on" }).click();
    await expect(dialog.getByRole("alert")).toContainText(
      "That code doesn't match. Check the app shows this account and try the current code. 4 attempts left.",
    );
    await expect(field).toBeFocused();
    await expect(field).toHaveValue("");
    expect((await userRow(user.id)).two_factor_enabled_at).toBeNull();

    await field.fill((await freshTotp(secret)).code);
    await field.press("Enter");
    await expect(dialog).toHaveCount(0);
  });

  await test.step("10 recovery codes are shown once, and the dialog stays until they are saved", async () => {
    const dialog = recoveryCodesDialog(page);
    await expect(dialog).toBeVisible();
    await expect(dialog).toContainText("Save these codes now — you won't be able to see them again.");
    codes = await shownRecoveryCodes(dialog);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(code).toMatch(RECOVERY_CODE_PATTERN);
    await expect(dialog.getByRole("list", { name: "Recovery codes" })).toBeFocused();
    await expectNoSeriousA11yViolations(page);

    // Escape does not throw the codes away.
    await page.keyboard.press("Escape");
    await expect(dialog).toBeVisible();
  });

  await test.step("copy puts all 10 on the clipboard", async () => {
    const dialog = recoveryCodesDialog(page);
    await dialog.getByRole("button", { name: "Copy codes" }).click();
    await expect(dialog.getByRole("status").filter({ hasText: "Copied" })).toBeVisible();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(codes.join("\n"));
  });

  await test.step("download saves a .txt file with every code", async () => {
    const dialog = recoveryCodesDialog(page);
    const [download] = await Promise.all([page.waitForEvent("download"), dialog.getByRole("button", { name: "Download .txt" }).click()]);
    expect(download.suggestedFilename()).toBe("account-security-recovery-codes.txt");
    const text = await readFile(await download.path(), "utf8");
    expect(text).toContain(`Account: ${user.email}`);
    expect(text.split("\n").filter((line) => RECOVERY_CODE_PATTERN.test(line))).toEqual(codes);
  });

  await test.step("print opens the print dialog, and on paper only the codes appear", async () => {
    const dialog = recoveryCodesDialog(page);
    await page.evaluate(() => {
      (window as unknown as { printed: number }).printed = 0;
      window.print = () => {
        (window as unknown as { printed: number }).printed++;
      };
    });
    await dialog.getByRole("button", { name: "Print" }).click();
    expect(await page.evaluate(() => (window as unknown as { printed: number }).printed)).toBe(1);

    await page.emulateMedia({ media: "print" });
    await expect(dialog.getByRole("listitem").first()).toBeVisible();
    await expect(dialog.getByText(`Account Security recovery codes for ${user.email}`)).toBeVisible();
    await expect(dialog.getByRole("button", { name: "Print" })).toBeHidden();
    // By CSS, not by role: behind a modal dialog the page is hidden from the accessibility tree anyway.
    await expect(page.locator("header")).toBeHidden();
    await expect(page.locator("main h1")).toBeHidden();
    await page.emulateMedia({ media: "screen" });
    await expect(dialog.getByRole("button", { name: "Print" })).toBeVisible();
    await expect(page.locator("main h1")).toBeVisible();
  });

  await test.step("Done needs the 'I have saved these codes' box; then the section shows it is on", async () => {
    const dialog = recoveryCodesDialog(page);
    await dialog.getByRole("button", { name: "Done" }).click();
    await expect(dialog.getByRole("alert")).toHaveText("Save the codes, then tick the box. They can't be shown again.");
    const checkbox = dialog.getByRole("checkbox", { name: "I have saved these codes" });
    await expect(checkbox).toBeFocused();
    await expect(checkbox).toHaveAttribute("aria-invalid", "true");
    await expect(dialog).toBeVisible();
    await confirmSaved(dialog);

    await expect(section.getByRole("status")).toHaveText(
      "Two-step verification is on. Signing in now asks for a code from your authenticator app.",
    );
    await expect(section).toContainText(/On since \w{3} \d{1,2}, \d{4}/);
    await expect(section).toContainText("10 codes left");
    await expect(section.getByRole("button", { name: "Create new recovery codes" })).toBeVisible();
    await expect(section.getByRole("button", { name: "Turn off" })).toBeVisible();
    // The codes are gone from the page.
    expect(await page.content()).not.toContain(codes[0]);
    await expectNoSeriousA11yViolations(page);
  });

  await test.step("the database holds an encrypted secret and hashed codes; the audit trail and a notice", async () => {
    const row = await userRow(user.id);
    expect(row.two_factor_enabled_at).toBeInstanceOf(Date);
    expect(row.two_factor_secret).toBeTruthy();
    expect(row.two_factor_secret).not.toContain(secret);
    const stored = await recoveryCodeRows(user.id);
    expect(stored).toHaveLength(10);
    for (const code of codes) {
      expect(stored.some((entry) => entry.code_hash.includes(code) || entry.code_hash.includes(code.replace("-", "")))).toBe(false);
    }
    expect(await auditTypes(user.id)).toEqual(
      expect.arrayContaining([
        ["two_factor.enrolment_started", "SUCCESS", ""],
        ["two_factor.enrolment_failed", "FAILURE", "code_invalid"],
        ["two_factor.enabled", "SUCCESS", ""],
      ]),
    );
    await waitForMessage(request, user.email, { match: (message) => message.subject === "Two-step verification is on" });
  });
});

test("with two-step verification on, a password change asks for both proofs: a replayed authenticator code is refused, the next one works", async ({
  page,
  request,
}) => {
  const user = await signedInOnSecurityPage(page, "2fa-password");
  const enabled = await enableTwoFactorThroughUi(page, request, user.email);
  const newPassword = "amber-glacier-trumpet-77";

  await test.step("the code modal asks for the emailed code, then the authenticator code, in that order", async () => {
    const passwordSection = page.getByRole("region", { name: "Password" });
    await passwordSection.getByLabel("Current password").fill(user.password);
    await passwordSection.getByLabel("New password").fill(newPassword);
    await passwordSection.getByRole("button", { name: "Change password" }).click();
    const fields = proofFields(page);
    await expect(fields.modal).toContainText("To change your password, enter two codes: the one we just emailed to");
    await expect(fields.modal).toContainText("then one from your authenticator app or a recovery code.");
    await expect(fields.emailCode).toBeFocused();
    await expect(fields.authenticatorCode).toHaveAttribute("inputmode", "numeric");
    await expect(fields.authenticatorCode).toHaveAttribute("autocomplete", "one-time-code");
    const labels = await fields.modal.locator("label").allInnerTexts();
    expect(labels.findIndex((text) => text.startsWith("1. Code we emailed to"))).toBeLessThan(
      labels.indexOf("2. Code from your authenticator app"),
    );
    await expectNoSeriousA11yViolations(page);
  });

  const { code: emailCode } = await waitForCodeEmail(request, user.email, 1);

  await test.step("the emailed code alone is not enough: the form asks for the second code", async () => {
    const fields = proofFields(page);
    await fields.emailCode.fill(emailCode);
    await fields.verify.click();
    await expect(fields.modal).toContainText("Enter the 6-digit code from your authenticator app");
    await expect(fields.authenticatorCode).toBeFocused();
    await expect(fields.authenticatorCode).toHaveAttribute("aria-invalid", "true");
  });

  await test.step("the authenticator code already used to turn 2FA on is refused; the emailed code stays", async () => {
    const fields = proofFields(page);
    await fields.authenticatorCode.fill(enabled.usedCode);
    await fields.verify.click();
    await expect(fields.modal.getByRole("alert")).toHaveText("That authenticator or recovery code is incorrect. 4 attempts left.");
    await expect(fields.authenticatorCode).toBeFocused();
    await expect(fields.authenticatorCode).toHaveValue("");
    await expect(fields.emailCode).toHaveValue(emailCode);
    await expect(fields.modal).toContainText("4 attempts left.");
    expect(await verify((await userRow(user.id)).password_hash, user.password)).toBe(true);
  });

  await test.step("a code from the next time step changes the password", async () => {
    const next = await freshTotp(enabled.secret, enabled.usedStep);
    await enterBothProofs(page, emailCode, { method: "totp", code: next.code });
    await expect(stepUpDialog(page)).toHaveCount(0);
    const passwordSection = page.getByRole("region", { name: "Password" });
    await expect(passwordSection.getByRole("status")).toHaveText("Password changed.");
    expect(await verify((await userRow(user.id)).password_hash, newPassword)).toBe(true);
    const audit = await auditTypes(user.id);
    expect(audit).toEqual(
      expect.arrayContaining([
        ["step_up.verify_failed", "FAILURE", "second_factor_invalid"],
        ["step_up.verified", "SUCCESS", "single_use+second_factor"],
        ["password.changed", "SUCCESS", ""],
      ]),
    );
  });
});

test("new recovery codes replace the old set; turning off takes the emailed code and a recovery code, and an old code is refused", async ({
  page,
  request,
}) => {
  const user = await signedInOnSecurityPage(page, "2fa-off");
  const enabled = await enableTwoFactorThroughUi(page, request, user.email);
  const section = twoFactorSection(page);
  let fresh: string[] = [];

  await test.step("create new recovery codes: a confirmation, the emailed code, then the new set shown once", async () => {
    await section.getByRole("button", { name: "Create new recovery codes" }).click();
    const confirm = page.getByRole("dialog", { name: "Create new recovery codes?" });
    await expect(confirm).toContainText("Your current recovery codes stop working as soon as the new ones are created.");
    await expectNoSeriousA11yViolations(page);
    await confirm.getByRole("button", { name: "Create new codes" }).click();
    // New recovery codes could stand in for the authenticator, so creating them takes both proofs.
    await expect(proofFields(page).modal).toContainText("To create new recovery codes, enter two codes");
    const totp = await freshTotp(enabled.secret, enabled.usedStep);
    await enterBothProofs(page, (await waitForCodeEmail(request, user.email, 1)).code, { method: "totp", code: totp.code });
    const dialog = recoveryCodesDialog(page, "Save your new recovery codes");
    await expect(dialog).toBeVisible();
    fresh = await shownRecoveryCodes(dialog);
    expect(fresh.filter((code) => enabled.recoveryCodes.includes(code))).toEqual([]);
    await expectNoSeriousA11yViolations(page);
    await confirmSaved(dialog);
    await expect(section.getByRole("status")).toHaveText("New recovery codes created. The old ones no longer work.");
    // Focus is on the outcome, not left on the page body.
    expect(await focusedText(page)).toContain("New recovery codes created.");
    expect(await recoveryCodeRows(user.id)).toHaveLength(10);
  });

  await test.step("turn off: a confirmation, then the code modal asks for both proofs", async () => {
    await section.getByRole("button", { name: "Turn off" }).click();
    const confirm = page.getByRole("dialog", { name: "Turn off two-step verification?" });
    await expect(confirm).toContainText("your recovery codes will stop working");
    await expectNoSeriousA11yViolations(page);
    await confirm.getByRole("button", { name: "Turn off" }).click();
    await expect(proofFields(page).modal).toContainText("To turn off two-step verification, enter two codes");
  });

  const { code: emailCode } = await waitForCodeEmail(request, user.email, 2);

  await test.step("'Use a recovery code instead' switches the field, its label, keyboard and autofill, and back", async () => {
    const fields = proofFields(page);
    await fields.modal.getByRole("button", { name: "Use a recovery code instead" }).click();
    await expect(fields.recoveryCode).toBeFocused();
    await expect(fields.authenticatorCode).toHaveCount(0);
    await expect(fields.recoveryCode).not.toHaveAttribute("inputmode", "numeric");
    await expect(fields.recoveryCode).toHaveAttribute("autocomplete", "off");
    await expectNoSeriousA11yViolations(page);
    await fields.modal.getByRole("button", { name: "Use your authenticator app instead" }).click();
    await expect(fields.authenticatorCode).toBeFocused();
    await fields.modal.getByRole("button", { name: "Use a recovery code instead" }).click();
    await expect(fields.recoveryCode).toBeFocused();
  });

  await test.step("a code from the replaced set is refused", async () => {
    const oldCode = enabled.recoveryCodes[0] ?? "";
    await enterBothProofs(page, emailCode, { method: "recovery_code", code: oldCode });
    const fields = proofFields(page);
    await expect(fields.modal.getByRole("alert")).toHaveText("That authenticator or recovery code is incorrect. 4 attempts left.");
    await expect(fields.recoveryCode).toBeFocused();
    expect((await userRow(user.id)).two_factor_enabled_at).toBeInstanceOf(Date);
  });

  await test.step("a code from the new set turns it off, and is announced by email", async () => {
    await enterBothProofs(page, emailCode, { method: "recovery_code", code: (fresh[3] ?? "").toUpperCase() });
    await expect(stepUpDialog(page)).toHaveCount(0);
    await expect(page.getByRole("dialog")).toHaveCount(0);
    await expect(section.getByRole("status")).toHaveText("Two-step verification is off.");
    expect(await focusedText(page)).toContain("Two-step verification is off.");
    await expect(section).toContainText("Two-step verification is off. Turn it on");
    await expect(section.getByRole("button", { name: "Turn on" })).toBeVisible();

    const row = await userRow(user.id);
    expect(row.two_factor_enabled_at).toBeNull();
    expect(row.two_factor_secret).toBeNull();
    expect(await recoveryCodeRows(user.id)).toEqual([]);
    expect(await auditTypes(user.id)).toEqual(
      expect.arrayContaining([
        ["recovery_codes.regenerated", "SUCCESS", ""],
        ["recovery_code.used", "SUCCESS", JSON.stringify({ key: "phrases.twoFactorDisable" })],
        ["two_factor.disabled", "SUCCESS", ""],
      ]),
    );
    const notice = await waitForMessage(request, user.email, { match: (message) => message.subject === "A recovery code was used" });
    expect(notice.text).toContain("9 codes are left");
    await waitForMessage(request, user.email, { match: (message) => message.subject === "Two-step verification is off" });
  });
});
