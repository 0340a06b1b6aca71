import { randomBytes } from "node:crypto";
import { expect, test } from "@playwright/test";
import { randomEmail, STRONG_PASSWORD } from "../helpers/accounts";
import { closeDb, createUser } from "../helpers/db";
import { freshTotp, secretFromManualKey } from "../helpers/two-factor";
import {
  addApiToken,
  addOtherSession,
  addPasskey,
  addPendingEmailChange,
  closeDialog,
  codeEmailCount,
  headingButton,
  hydrated,
  linkInEmail,
  makeAdmin,
  markTwoFactorOn,
  nextCode,
  open,
  section,
  signIn,
  submitPassword,
  topDialog,
} from "./arrange";
import { comboName, comboOptions, COMBOS, startTour, TIME_ZONES } from "./checks";

/**
 * The visual tour (`npm run test:visual`): every screen and dialog, in each combination of width,
 * theme and language of the pairwise set in ./checks.ts (4 instead of all 8: each width in both
 * themes and both languages, each theme in both languages). Every state gets axe (colour contrast
 * included), the missing-message, overflow and (at 390 px) target-size checks, and a full-page
 * screenshot: attached to the report and written to test-results/visual/.
 *
 * One test per area and combination, so the two workers share them; each signs in once.
 */

test.describe.configure({ mode: "parallel", timeout: 180_000 });
test.afterAll(closeDb);

for (const combo of COMBOS) {
  test.describe(comboName(combo), () => {
    test.use(comboOptions(combo));
    // The browser's time zone is known to the server from the start, as on a return visit.
    test.beforeEach(async ({ context, baseURL }) => {
      await context.addCookies([{ name: "tz", value: TIME_ZONES[combo.lang], url: baseURL }]);
    });

    test("security: tokens, sessions and passkeys", async ({ page, request }, testInfo) => {
      const { snap } = startTour(page, testInfo, "security", combo);
      const user = await createUser({ email: randomEmail("tour-security"), password: STRONG_PASSWORD });
      await addOtherSession(user.id);
      await signIn(page, user);
      await open(page, "/settings/security");
      await snap("page");

      // Signing out the other session asks for a code first; its email carries the "This wasn't me" link.
      let codes = await codeEmailCount(request, user.email);
      await headingButton(page, "sessions").click();
      await expect(topDialog(page).locator('input[name="code"]')).toBeVisible();
      await snap("sign-out-others-code-modal");
      await nextCode(request, user.email, codes);
      await open(page, await linkInEmail(request, user.email, "/step-up/cancel"));
      await snap("step-up-cancel");

      await open(page, "/settings/security");
      await headingButton(page, "api-tokens").click();
      const create = topDialog(page);
      await expect(create.locator('input[name="name"]')).toBeVisible();
      await snap("create-token");
      await create.locator('input[name="name"]').fill("CI deploy");
      await create.locator('input[type="checkbox"]').first().check();
      codes = await codeEmailCount(request, user.email);
      await create.locator('button[type="submit"]').click();
      const codeField = topDialog(page).locator('input[name="code"]');
      await expect(codeField).toBeVisible();
      await snap("code-modal");
      await codeField.fill((await nextCode(request, user.email, codes)).code);
      await codeField.press("Enter");
      await expect(topDialog(page).locator("input[readonly]")).toHaveValue(/^asec_/);
      await snap("token-created");
      await closeDialog(page);

      await section(page, "api-tokens").locator("tbody button").first().click();
      await expect(topDialog(page)).toBeVisible();
      await snap("revoke-token");
      await closeDialog(page);

      // Everything filled in: a passkey, an email change waiting for its code (arranged directly).
      await addPasskey(user.id, "MacBook Touch ID");
      await addPendingEmailChange(user.id, user.email, randomEmail("tour-new-address"));
      await open(page, "/settings/security");
      await expect(section(page, "passkeys").locator("li")).toHaveCount(1);
      await snap("page-filled");

      await section(page, "passkeys").locator("li button").nth(0).click();
      await expect(topDialog(page).locator('input[name="name"]')).toBeVisible();
      await snap("rename-passkey");
      await closeDialog(page);
      await section(page, "passkeys").locator("li button").nth(1).click();
      await expect(topDialog(page)).toBeVisible();
      await snap("remove-passkey");
      await closeDialog(page);

      // With a passkey, the code modal offers it first (turning on 2FA is outside the sudo window).
      await section(page, "two-step").locator("button").first().click();
      await expect(topDialog(page).locator('button[type="submit"]')).toBeEnabled();
      await snap("code-modal-passkey");
      await closeDialog(page);
    });

    test("security: two-step verification", async ({ page, request }, testInfo) => {
      const { snap } = startTour(page, testInfo, "two-factor", combo);
      const user = await createUser({ email: randomEmail("tour-2fa"), password: STRONG_PASSWORD });
      await signIn(page, user);
      await open(page, "/settings/security");
      const codes = await codeEmailCount(request, user.email);
      await section(page, "two-step").locator("button").first().click();
      const codeField = topDialog(page).locator('input[name="code"]');
      await expect(codeField).toBeVisible();
      await codeField.fill((await nextCode(request, user.email, codes)).code);
      await codeField.press("Enter");

      const setUp = topDialog(page);
      await expect(setUp.locator("figure code")).toBeVisible();
      await snap("set-up");
      const totp = await freshTotp(secretFromManualKey(await setUp.locator("figure code").innerText()));
      await setUp.locator('input[name="code"]').fill(totp.code);
      await setUp.locator('input[name="code"]').press("Enter");
      const saveCodes = topDialog(page);
      await expect(saveCodes.locator("ol li")).toHaveCount(10);
      await snap("recovery-codes");
      await saveCodes.locator('input[type="checkbox"]').check();
      await saveCodes.getByRole("button").last().click();
      await expect(topDialog(page)).toHaveCount(0);

      const buttons = section(page, "two-step").locator("button");
      await expect(buttons).toHaveCount(2);
      await snap("on");
      await buttons.nth(0).click();
      await expect(topDialog(page)).toBeVisible();
      await snap("regenerate-codes");
      await closeDialog(page);
      await buttons.nth(1).click();
      await expect(topDialog(page)).toBeVisible();
      await snap("turn-off");
      await topDialog(page).getByRole("button").last().click();
      // Turning it off asks for both proofs: the emailed code and one from the app.
      await expect(topDialog(page).locator('input[name="secondCode"]')).toBeVisible();
      await snap("code-modal-two-proofs");
      await closeDialog(page, { open: 1 });
      // The confirmation stays open (and can't be closed) until the cancelled action has returned.
      await expect(topDialog(page).locator("button:disabled")).toHaveCount(0);
      await closeDialog(page);
    });

    test("admin pages", async ({ page }, testInfo) => {
      const { snap } = startTour(page, testInfo, "admin", combo);
      // One prefix for both accounts, so the filtered lists show this test's rows only.
      const prefix = `e2e-tour-${randomBytes(4).toString("hex")}`;
      const admin = await createUser({ email: `${prefix}-admin@example.com`, password: STRONG_PASSWORD });
      const member = await createUser({ email: `${prefix}-member@example.com`, password: STRONG_PASSWORD });
      await makeAdmin(admin.id);
      await markTwoFactorOn(member.id);
      await addApiToken(member.id, "Nightly backup", ["profile:read", "audit:read"]);
      await addOtherSession(member.id);
      await signIn(page, admin);

      await open(page, `/admin/audit?email=${prefix}`);
      await snap("audit");
      await open(page, `/admin/users?email=${prefix}`);
      await expect(page.locator("#main tbody tr")).toHaveCount(2);
      await snap("users");

      await open(page, `/admin/users/${member.id}`);
      await snap("user");
      const actions = page.locator('section[aria-labelledby="actions-heading"] li button');
      await actions.nth(0).click();
      await expect(topDialog(page)).toBeVisible();
      await snap("user-sign-out");
      await closeDialog(page);
      await actions.nth(4).click();
      await expect(topDialog(page).locator('input[name="newEmail"]')).toBeVisible();
      await snap("user-change-email");
      await closeDialog(page);

      await open(page, `/admin/tokens?owner=${prefix}`);
      await snap("tokens");
      const selection = page.getByRole("group").filter({ has: page.locator('input[type="checkbox"]') });
      await selection.locator('input[type="checkbox"]').check();
      await selection.getByRole("button").click();
      await expect(topDialog(page)).toBeVisible();
      await snap("tokens-revoke-selected");
      await closeDialog(page);

      await open(page, "/admin/streaming");
      await snap("streaming");
      await page.locator("#main button").first().click();
      await expect(topDialog(page)).toBeVisible();
      await snap("streaming-add");
      await closeDialog(page);

      await open(page, "/admin/jobs");
      await snap("jobs");
    });

    test("signed-out screens", async ({ page, request }, testInfo) => {
      const { snap } = startTour(page, testInfo, "signed-out", combo);
      const user = await createUser({ email: randomEmail("tour-signed-out"), password: STRONG_PASSWORD });
      await markTwoFactorOn(user.id);

      await open(page, "/login");
      await snap("login");
      await page.locator('form button[type="submit"]').click();
      await expect(page.locator('input[aria-invalid="true"]')).toHaveCount(2);
      await snap("login-invalid");

      await open(page, "/login/two-factor");
      await snap("two-factor-expired");
      await open(page, "/login");
      await submitPassword(page, user);
      await expect(page).toHaveURL(/\/login\/two-factor$/);
      await hydrated(page);
      await snap("two-factor");
      await page.locator('#main form button[type="button"]').click();
      await expect(page.locator('input[name="code"][autocomplete="off"]')).toBeVisible();
      await snap("two-factor-recovery");

      await open(page, "/verify-email");
      await snap("verify-email-nothing");
      await open(page, "/signup");
      await snap("signup");
      await submitPassword(page, { email: randomEmail("tour-sign-up"), password: STRONG_PASSWORD });
      await expect(page).toHaveURL(/\/verify-email$/);
      await hydrated(page);
      await expect(page.locator('input[name="code"]')).toBeVisible();
      await snap("verify-email");

      // A reset from start to end: the code from its email, then the notice's "This wasn't me" link.
      await open(page, "/reset-password");
      await snap("reset-password-nothing");
      const resetting = await createUser({ email: randomEmail("tour-reset"), password: STRONG_PASSWORD });
      await open(page, "/forgot-password");
      await snap("forgot-password");
      const codes = await codeEmailCount(request, resetting.email);
      await page.locator('input[name="email"]').fill(resetting.email);
      await page.locator('input[name="email"]').press("Enter");
      await expect(page).toHaveURL(/\/reset-password$/);
      await hydrated(page);
      await expect(page.locator('input[name="code"]')).toBeVisible();
      await snap("reset-password");
      await page.locator('input[name="code"]').fill((await nextCode(request, resetting.email, codes)).code);
      await page.locator('input[name="newPassword"]').fill("copper-harbour-meadow-19");
      await page.locator('input[name="newPassword"]').press("Enter");
      await expect(page).toHaveURL(/\/login\?reset=1$/);
      await hydrated(page);
      await snap("login-after-reset");
      await open(page, await linkInEmail(request, resetting.email, "/password-reset/report"));
      await snap("password-reset-report");

      // Links from emails that have expired or were used.
      for (const [state, path] of [
        ["link-expired", "/password-reset/report?token=expired"],
        ["step-up-cancel-expired", "/step-up/cancel?token=expired"],
        ["secure-account-expired", "/secure-account?token=expired"],
      ] as const) {
        await open(page, path);
        await snap(state);
      }
      const missing = await page.goto("/no-such-page");
      expect(missing?.status()).toBe(404);
      await hydrated(page);
      await snap("not-found");
    });

    test("profile and activity", async ({ page }, testInfo) => {
      const { snap } = startTour(page, testInfo, "settings", combo);
      const user = await createUser({ email: randomEmail("tour-settings"), password: STRONG_PASSWORD });
      await signIn(page, user);
      await snap("profile");
      await section(page, "delete-account").getByRole("button").click();
      await expect(topDialog(page).locator('input[name="confirmEmail"]')).toBeVisible();
      await snap("delete-account");
      await closeDialog(page);

      await open(page, "/settings/activity");
      const report = page.locator('#main a[href^="/settings/activity/report"]').first();
      await expect(report).toBeVisible();
      await snap("activity");
      await report.click();
      await expect(page).toHaveURL(/\/settings\/activity\/report\?event=/);
      await hydrated(page);
      await snap("activity-report");
      await page.locator('#main form button[type="submit"]').click();
      await expect(page).toHaveURL(/\/settings\/activity\/secured$/);
      await hydrated(page);
      await snap("activity-secured");
    });
  });
}
