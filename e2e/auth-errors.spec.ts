import { expect, test, type Page } from "@playwright/test";
import { randomEmail, STRONG_PASSWORD } from "./helpers/accounts";
import { auditEventsFor, closeDb, createUser, query } from "./helpers/db";
import { waitForCode } from "./helpers/mailbox";
import { gotoHydrated, waitForHydration } from "./helpers/page";

test.afterAll(closeDb);

/** Submits the login form and waits for the server action's response, so each attempt is complete. */
async function submitSignIn(page: Page, email: string, password: string) {
  await page.getByLabel("Email address").fill(email);
  await page.getByLabel("Password").fill(password);
  const response = page.waitForResponse(
    // The form's POST, not the page's own request for passkey options.
    (candidate) =>
      candidate.request().method() === "POST" &&
      new URL(candidate.url()).pathname === "/login" &&
      (candidate.request().postData() ?? "").includes(email),
  );
  await page.getByRole("button", { name: "Sign in" }).click();
  expect((await response).status()).toBe(200);
}

test("a wrong password and an unknown email get the same generic, announced error", async ({ page }) => {
  const user = await createUser({ email: randomEmail("wrong-pw"), password: STRONG_PASSWORD });
  await gotoHydrated(page, "/login");
  const alert = page.getByRole("main").getByRole("alert");

  await submitSignIn(page, user.email, "not-the-right-password");
  await expect(alert).toHaveText("Incorrect email or password.");
  await expect(page).toHaveURL(/\/login$/);

  const unknown = randomEmail("nobody");
  await submitSignIn(page, unknown, "not-the-right-password");
  // The same words for both, so the form does not reveal which addresses have accounts.
  await expect(alert).toHaveText("Incorrect email or password.");
  await expect(page).toHaveURL(/\/login$/);

  expect((await auditEventsFor(user.email)).map((event) => [event.type, event.reason])).toEqual([
    ["auth.sign_in_failed", "wrong_password"],
  ]);
  expect((await auditEventsFor(unknown)).map((event) => [event.type, event.reason])).toEqual([["auth.sign_in_failed", "unknown_email"]]);
  expect(await query("SELECT 1 FROM sessions WHERE user_id = $1", [user.id])).toHaveLength(0);
});

test("after five wrong passwords even the right one is refused for a while", async ({ page }) => {
  const user = await createUser({ email: randomEmail("lockout"), password: STRONG_PASSWORD });
  await gotoHydrated(page, "/login");
  const alert = page.getByRole("main").getByRole("alert");

  for (let attempt = 1; attempt <= 5; attempt++) {
    await submitSignIn(page, user.email, `wrong-password-number-${attempt}`);
    await expect(alert).toHaveText("Incorrect email or password.");
    expect(await auditEventsFor(user.email)).toHaveLength(attempt);
  }

  await submitSignIn(page, user.email, user.password);
  await expect(alert).toHaveText(/^Too many attempts\. Try again in \d+ minutes?\.$/);
  await expect(page).toHaveURL(/\/login$/);
  expect(await query("SELECT 1 FROM sessions WHERE user_id = $1", [user.id])).toHaveLength(0);
  const last = (await auditEventsFor(user.email)).at(-1);
  expect([last?.type, last?.outcome, last?.reason]).toEqual(["auth.sign_in_failed", "BLOCKED", "rate_limited"]);
});

test("sign-up validates the password in the browser, linked to the field, without a request", async ({ page }) => {
  await gotoHydrated(page, "/signup");
  const posts: string[] = [];
  page.on("request", (request) => {
    if (request.method() !== "GET") posts.push(`${request.method()} ${request.url()}`);
  });

  const email = randomEmail("short-pw");
  await page.getByLabel("Email address").fill(email);
  const password = page.getByLabel("Password");
  await password.fill("short");
  // Errors appear on submit, not on blur: a message appearing on blur would move the button away from the click.
  await page.getByLabel("Email address").focus();
  await expect(password).not.toHaveAttribute("aria-invalid", "true");
  await page.getByRole("button", { name: "Create account" }).click();

  await expect(password).toHaveAttribute("aria-invalid", "true");
  // aria-describedby points at the error text (and the hint), so screen readers read it with the field.
  await expect(password).toHaveAccessibleDescription(/Use at least 12 characters/);
  const errorId = (await password.getAttribute("aria-describedby"))?.split(" ").find((id) => id.endsWith("-error"));
  expect(errorId, "aria-describedby names an error element").toBeTruthy();
  await expect(page.locator(`[id="${errorId}"]`)).toHaveText("Use at least 12 characters");
  // The submit ran through the client-side validation, which moves focus to the first invalid field.
  await expect(password).toBeFocused();

  await expect(page).toHaveURL(/\/signup$/);
  expect(posts).toEqual([]);
  expect(await query("SELECT 1 FROM sign_up_requests WHERE email = $1", [email])).toHaveLength(0);
});

test("a wrong verification code says how many attempts are left", async ({ page, request }) => {
  const email = randomEmail("wrong-code");
  await gotoHydrated(page, "/signup");
  await page.getByLabel("Email address").fill(email);
  await page.getByLabel("Password").fill(STRONG_PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/verify-email$/);

  const code = await waitForCode(request, email);
  const wrongCode = String((Number(code) + 1) % 1_000_000).padStart(6, "0");
  await waitForHydration(page);
  await page.getByLabel("Verification code").fill(wrongCode);
  await page.getByRole("button", { name: "Verify email" }).click();

  await expect(page.getByRole("main").getByRole("alert").filter({ hasText: "code" })).toHaveText(
    "That code is incorrect. 4 attempts left.",
  );
  await expect(page).toHaveURL(/\/verify-email$/);
  expect(await query("SELECT 1 FROM users WHERE email = $1", [email])).toHaveLength(0);
  const attempts = await query<{ attempts: number }>(
    "SELECT c.attempts FROM one_time_codes c JOIN sign_up_requests r ON r.code_id = c.id WHERE r.email = $1",
    [email],
  );
  expect(attempts).toEqual([{ attempts: 1 }]);
});
