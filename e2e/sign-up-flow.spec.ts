import { expect, test } from "@playwright/test";
import { randomEmail, STRONG_PASSWORD } from "./helpers/accounts";
import { auditEventsFor, closeDb, query } from "./helpers/db";
import { waitForCode } from "./helpers/mailbox";
import { gotoHydrated, waitForHydration } from "./helpers/page";

test.afterAll(closeDb);

test("sign up, verify the email, sign in, see the security page, sign out", async ({ page, request }) => {
  const email = randomEmail("signup");
  const [local = "", domain = ""] = email.split("@");

  await test.step("sign up", async () => {
    await gotoHydrated(page, "/signup");
    await page.getByLabel("Email address").fill(email);
    await page.getByLabel("Password").fill(STRONG_PASSWORD);
    await page.getByRole("button", { name: "Create account" }).click();
    await expect(page).toHaveURL(/\/verify-email$/);
    // The page names the address, masked: first two characters of the local part, then dots.
    await expect(page.getByText(`${local.slice(0, 2)}${"•".repeat(local.length - 2)}@${domain}`)).toBeVisible();
    await expect(page.getByText(email)).toHaveCount(0);
  });

  await test.step("verify with the emailed code, pasted with a space", async () => {
    const code = await waitForCode(request, email);
    await waitForHydration(page);
    const input = page.getByLabel("Verification code");
    await input.focus();
    // insertText delivers the whole string in one input event, as a paste does.
    await page.keyboard.insertText(`${code.slice(0, 3)} ${code.slice(3)}`);
    await expect(input).toHaveValue(code);
    await page.getByRole("button", { name: "Verify email" }).click();
    await expect(page).toHaveURL(/\/login\?verified=1$/);
    await expect(page.getByText("Your email address is verified. Sign in to continue.")).toBeVisible();
  });

  await test.step("sign in", async () => {
    await waitForHydration(page);
    await page.getByLabel("Email address").fill(email);
    await page.getByLabel("Password").fill(STRONG_PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).toHaveURL(/\/settings$/);
    await expect(page.getByRole("region", { name: "Account", exact: true })).toContainText(email);
  });

  await test.step("the security page lists every section", async () => {
    await page.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: "Security" }).click();
    await expect(page).toHaveURL(/\/settings\/security$/);
    await expect(page.getByRole("heading", { level: 1, name: "Security" })).toBeVisible();
    for (const section of ["API tokens", "Two-step verification", "Email address", "Password", "Active sessions"]) {
      await expect(page.getByRole("region", { name: section })).toBeVisible();
    }
  });

  await test.step("sign out", async () => {
    await page.getByRole("button", { name: "Sign out", exact: true }).click();
    await expect(page).toHaveURL(/\/login\?signedOut=1$/);
    await expect(page.getByText("You have been signed out.")).toBeVisible();
    await page.goto("/settings");
    await expect(page).toHaveURL(/\/login(\?|$)/);
    await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();
  });

  await test.step("the database holds the verified user and the audit trail", async () => {
    const users = await query<{ email_verified_at: Date | null }>("SELECT email_verified_at FROM users WHERE email = $1", [email]);
    expect(users).toHaveLength(1);
    expect(users[0]?.email_verified_at).toBeInstanceOf(Date);

    const journey = ["auth.sign_up", "auth.email_verified", "auth.sign_in", "auth.sign_out"];
    // Other event types may join the trail later; these four must each appear once, in this order.
    const events = (await auditEventsFor(email)).filter((event) => journey.includes(event.type));
    expect(events.map((event) => [event.type, event.outcome])).toEqual(journey.map((type) => [type, "SUCCESS"]));
    for (const event of events) {
      expect(event.ip, `${event.type} ip`).toBeTruthy();
      expect(event.user_agent, `${event.type} user agent`).toContain("Chrome");
    }
    expect(await query("SELECT 1 FROM sign_up_requests WHERE email = $1", [email])).toHaveLength(0);
  });
});
