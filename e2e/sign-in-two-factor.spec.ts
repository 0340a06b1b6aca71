import { expect, test, type Page } from "@playwright/test";
import { randomEmail, signInThroughUi, STRONG_PASSWORD } from "./helpers/accounts";
import { expectNoSeriousA11yViolations } from "./helpers/axe";
import { closeDb, createUser, query, sessionsFor } from "./helpers/db";
import { gotoHydrated } from "./helpers/page";
import { enableTwoFactorThroughUi, freshTotp, notATotpFor } from "./helpers/two-factor";

test.afterAll(closeDb);
// Turning 2FA on first, and sometimes waiting for the authenticator's next 30-second step.
test.describe.configure({ timeout: 150_000 });

const SESSION_COOKIE = "authjs.session-token";

async function passwordStep(page: Page, credentials: { email: string; password: string }): Promise<void> {
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await expect(page).toHaveURL(/\/login/);
  await gotoHydrated(page, "/login");
  await page.getByLabel("Email address").fill(credentials.email);
  await page.getByLabel("Password").fill(credentials.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/login\/two-factor$/);
  await expect(page.getByRole("heading", { name: "Two-step verification" })).toBeVisible();
}

const hasSessionCookie = async (page: Page) => (await page.context().cookies()).some((cookie) => cookie.name === SESSION_COOKIE);

test("with 2FA on, the password alone signs nobody in; the authenticator code does, and a wrong one is counted", async ({
  page,
  request,
}) => {
  const user = await createUser({ email: randomEmail("2fa-sign-in"), password: STRONG_PASSWORD });
  await signInThroughUi(page, user);
  const { secret, usedStep } = await enableTwoFactorThroughUi(page, request, user.email);

  await passwordStep(page, user);
  expect(await hasSessionCookie(page)).toBe(false);
  expect((await sessionsFor(user.id)).filter((session) => session.revoked_at === null)).toHaveLength(0);
  const secondFactorCookie = (await page.context().cookies()).find((cookie) => cookie.name === "second_factor_sign_in");
  expect(secondFactorCookie).toMatchObject({ httpOnly: true, sameSite: "Lax" });
  expect(page.url()).not.toContain(secondFactorCookie?.value ?? "-");
  await expectNoSeriousA11yViolations(page);

  const field = page.getByLabel("Code from your authenticator app");
  await expect(field).toBeFocused();
  await field.fill(notATotpFor(secret));
  await page.getByRole("button", { name: "Verify and sign in" }).click();
  await expect(
    page.getByRole("alert").filter({ hasText: "That authenticator or recovery code is incorrect. 4 attempts left." }),
  ).toBeVisible();
  await expect(page).toHaveURL(/\/login\/two-factor$/);

  const totp = await freshTotp(secret, usedStep);
  await field.fill(totp.code);
  await page.getByRole("button", { name: "Verify and sign in" }).click();
  await expect(page).toHaveURL(/\/settings$/);
  expect(await hasSessionCookie(page)).toBe(true);
  const [event] = await query<{ reason: string }>(
    "SELECT reason FROM audit_events WHERE actor_id = $1 AND type = 'auth.sign_in' ORDER BY id DESC LIMIT 1",
    [user.id],
  );
  expect(event?.reason).toBe("two_factor:totp");
});

test("a recovery code instead: shows how many are left, warns at 3 or fewer, and is spent", async ({ page, request }) => {
  const user = await createUser({ email: randomEmail("2fa-recovery"), password: STRONG_PASSWORD });
  await signInThroughUi(page, user);
  const { recoveryCodes } = await enableTwoFactorThroughUi(page, request, user.email);

  await passwordStep(page, user);
  await page.getByRole("button", { name: "Use a recovery code instead" }).click();
  const field = page.getByLabel("Recovery code");
  await expect(field).toBeFocused();
  await expect(page.getByText("You have 10 recovery codes left.")).toBeVisible();
  await expectNoSeriousA11yViolations(page);
  const [first] = recoveryCodes;
  if (!first) throw new Error("no recovery codes shown");
  await field.fill(first);
  await page.getByRole("button", { name: "Verify and sign in" }).click();
  await expect(page).toHaveURL(/\/settings$/);
  const unused = await query<{ count: string }>("SELECT count(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL", [user.id]);
  expect(unused[0]?.count).toBe("9");

  // As if six more had been used since: three left.
  await query(
    "UPDATE recovery_codes SET used_at = now() WHERE id IN (SELECT id FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL LIMIT 6)",
    [user.id],
  );
  await passwordStep(page, user);
  await page.getByRole("button", { name: "Use a recovery code instead" }).click();
  await expect(page.getByText("You have 3 recovery codes left. After signing in, create new ones on the security page.")).toBeVisible();
  await page.getByLabel("Recovery code").fill(first);
  await page.getByRole("button", { name: "Verify and sign in" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "That authenticator or recovery code is incorrect." })).toBeVisible();
  expect(await hasSessionCookie(page)).toBe(false);
});

test("the second page without a pending sign-in says it has expired", async ({ page }) => {
  await page.goto("/login/two-factor");
  await expect(page.getByRole("heading", { name: "This sign-in has expired" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Sign in again" })).toHaveAttribute("href", "/login");
});
