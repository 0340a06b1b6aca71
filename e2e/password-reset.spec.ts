import { expect, test, type Page } from "@playwright/test";
import { randomEmail, signInThroughUi, STRONG_PASSWORD } from "./helpers/accounts";
import { expectNoSeriousA11yViolations } from "./helpers/axe";
import { auditEventsFor, closeDb, createUser } from "./helpers/db";
import { waitForMessage, type MailboxMessage } from "./helpers/mailbox";
import { gotoHydrated } from "./helpers/page";

/**
 * Forgot password through the real UI and the dev mailbox: the email's link (opened on another
 * device, the code filled from its fragment) and the code typed where the reset was asked for.
 */

test.afterAll(closeDb);

const NEW_PASSWORD = "copper-harbour-meadow-19";
const isResetEmail = (message: MailboxMessage) => /^Reset your .* password$/.test(message.subject);
const isResetNotice = (message: MailboxMessage) => message.subject === "Your password was reset";

/** The code, read from the link's fragment: the reset id before it may hold six digits in a row too. */
function resetCodeFrom(text: string): string {
  const code = /#code=(\d{6})/.exec(text)?.[1];
  if (!code) throw new Error(`no reset link with a code in:\n${text}`);
  return code;
}

async function askForReset(page: Page, email: string): Promise<void> {
  await gotoHydrated(page, "/login");
  await page.getByRole("link", { name: "Forgot password?" }).click();
  await expect(page).toHaveURL(/\/forgot-password$/);
  await page.getByLabel("Email address").fill(email);
  await page.getByRole("button", { name: "Send reset code" }).click();
  await expect(page).toHaveURL(/\/reset-password$/);
}

test("the emailed link, opened on another device, fills the code; the reset signs every browser out", async ({
  page,
  browser,
  request,
}) => {
  const user = await createUser({ email: randomEmail("reset-link"), password: STRONG_PASSWORD });
  const signedInContext = await browser.newContext();
  const signedIn = await signedInContext.newPage();
  await signInThroughUi(signedIn, user);

  await test.step("asking: the page says only that an account, if there is one, got the email", async () => {
    await askForReset(page, user.email);
    await expect(page.getByText(/has an account, we sent it a 6-digit code/)).toBeVisible();
    await expectNoSeriousA11yViolations(page);
  });

  const email = await waitForMessage(request, user.email, { match: isResetEmail });
  const link = /https?:\/\/\S+\/reset-password\?id=[0-9a-f-]{36}#code=\d{6}/.exec(email.text)?.[0] ?? "";
  expect(link).not.toBe("");

  const phoneContext = await browser.newContext();
  const phone = await phoneContext.newPage();
  await test.step("the link fills the code and drops it from the address bar", async () => {
    await gotoHydrated(phone, new URL(link).pathname + new URL(link).search + new URL(link).hash);
    await expect(phone.getByLabel("Code from the email")).toHaveValue(resetCodeFrom(email.text));
    await expect.poll(() => new URL(phone.url()).hash).toBe("");
    await expect(phone.getByLabel("New password")).toBeFocused();
    await expectNoSeriousA11yViolations(phone);
  });

  await test.step("a weak password is refused, then a strong one resets", async () => {
    await phone.getByLabel("New password").fill("short");
    await phone.getByRole("button", { name: "Reset password" }).click();
    await expect(phone.getByText("Use at least 12 characters")).toBeVisible();
    await phone.getByLabel("New password").fill(NEW_PASSWORD);
    await phone.getByRole("button", { name: "Reset password" }).click();
    await expect(phone).toHaveURL(/\/login\?reset=1$/);
    await expect(phone.getByText("Your password was reset and every session was signed out.")).toBeVisible();
  });

  await test.step("the browser that was signed in is signed out on its next request; the new password works", async () => {
    await signedIn.goto("/settings/security");
    await expect(signedIn).toHaveURL(/\/login/);
    await signInThroughUi(phone, { email: user.email, password: NEW_PASSWORD });
  });

  await test.step("the notice's 'this wasn't me' explains on opening, and its button signs every session out", async () => {
    const notice = await waitForMessage(request, user.email, { match: isResetNotice });
    expect(notice.text).toContain("Your API tokens still work.");
    const reportPath = /\/password-reset\/report\?token=[A-Za-z0-9_%-]+/.exec(notice.text)?.[0] ?? "";
    const reporter = await (await browser.newContext()).newPage();
    await gotoHydrated(reporter, reportPath);
    await expect(reporter.getByRole("heading", { name: "Didn't reset your password?" })).toBeVisible();
    await expectNoSeriousA11yViolations(reporter);
    // Opening the link changed nothing: the phone is still signed in.
    await gotoHydrated(phone, "/settings/security");
    await expect(phone.getByText("Some changes are on hold until")).toBeVisible();
    await expectNoSeriousA11yViolations(phone);
    await reporter.getByRole("button", { name: "Report and sign out every session" }).click();
    await expect(reporter.getByRole("heading", { name: "What happens next" })).toBeFocused();
    await phone.goto("/settings/security");
    await expect(phone).toHaveURL(/\/login/);
  });

  expect((await auditEventsFor(user.email)).map((event) => event.type)).toEqual(
    expect.arrayContaining(["password.reset_requested", "password.reset", "password.reset_reported"]),
  );
  await Promise.all([signedInContext.close(), phoneContext.close()]);
});

test("the code typed where it was asked for works too; an unknown address gets the same page", async ({ page, request }) => {
  await test.step("an address without an account: the same page, and no code anywhere", async () => {
    const nobody = randomEmail("reset-nobody");
    await askForReset(page, nobody);
    await expect(page.getByText(/has an account, we sent it a 6-digit code/)).toBeVisible();
    const email = await waitForMessage(request, nobody, { match: isResetEmail });
    expect(email.text).not.toMatch(/\d{6}/);
  });

  const user = await createUser({ email: randomEmail("reset-typed"), password: STRONG_PASSWORD });
  await askForReset(page, user.email);
  const email = await waitForMessage(request, user.email, { match: isResetEmail });
  const code = resetCodeFrom(email.text);
  await page.getByLabel("Code from the email").fill(code === "000000" ? "000001" : "000000");
  await page.getByLabel("New password").fill(NEW_PASSWORD);
  await page.getByRole("button", { name: "Reset password" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "incorrect" })).toHaveText("That code is incorrect. 4 attempts left.");
  await page.getByLabel("Code from the email").fill(code);
  await page.getByRole("button", { name: "Reset password" }).click();
  await expect(page).toHaveURL(/\/login\?reset=1$/);
  await signInThroughUi(page, { email: user.email, password: NEW_PASSWORD });
});
