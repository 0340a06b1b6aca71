import { verify } from "@node-rs/argon2";
import { expect, test, type Page } from "@playwright/test";
import { randomEmail, signInThroughUi, STRONG_PASSWORD } from "./helpers/accounts";
import { codeEmails, enterCode, stepUpDialog, waitForCodeEmail } from "./helpers/api-tokens";
import { expectNoSeriousA11yViolations } from "./helpers/axe";
import { closeDb, createUser, query, sessionsFor } from "./helpers/db";
import { waitForMessage } from "./helpers/mailbox";
import { gotoHydrated } from "./helpers/page";

/**
 * Changing the password through the real UI: the current password is checked before any code is
 * sent, then step-up, then the change; "Sign out my other sessions" (ticked by default) signs out
 * every other browser.
 */

test.afterAll(closeDb);

const NEW_PASSWORD = "copper-meadow-lantern-19";

const passwordSection = (page: Page) => page.getByRole("region", { name: "Password" });

async function passwordHash(userId: string): Promise<string> {
  return (await query<{ password_hash: string }>("SELECT password_hash FROM users WHERE id = $1", [userId]))[0]?.password_hash ?? "";
}

test("change the password: a wrong current password is refused before any code; then the code changes it and the other browser is signed out", async ({
  page,
  browser,
  request,
}) => {
  const user = await createUser({ email: randomEmail("password"), password: STRONG_PASSWORD });
  const otherContext = await browser.newContext();
  const other = await otherContext.newPage();
  await signInThroughUi(other, user);
  await signInThroughUi(page, user);
  await gotoHydrated(page, "/settings/security");
  const section = passwordSection(page);

  await test.step("the form: sign-up's password rules, and 'Sign out my other sessions' ticked", async () => {
    await expect(section.getByLabel("New password")).toHaveAttribute("autocomplete", "new-password");
    await expect(section.getByLabel("Current password")).toHaveAttribute("autocomplete", "current-password");
    await expect(section).toContainText("At least 12 characters.");
    await expect(section.getByRole("checkbox", { name: "Sign out my other sessions" })).toBeChecked();
    await expectNoSeriousA11yViolations(page);
  });

  await test.step("too short a new password is caught in the form", async () => {
    await section.getByLabel("Current password").fill(user.password);
    await section.getByLabel("New password").fill("short");
    await section.getByRole("button", { name: "Change password" }).click();
    await expect(section).toContainText("Use at least 12 characters");
    await expect(section.getByLabel("New password")).toBeFocused();
    await expect(stepUpDialog(page)).toHaveCount(0);
  });

  await test.step("a wrong current password is refused without a code, and recorded", async () => {
    await section.getByLabel("Current password").fill("not-my-password-at-all");
    await section.getByLabel("New password").fill(NEW_PASSWORD);
    await section.getByRole("button", { name: "Change password" }).click();
    await expect(section.getByRole("alert")).toContainText("Your current password is incorrect.");
    const current = section.getByLabel("Current password");
    await expect(current).toBeFocused();
    await expect(current).toHaveAttribute("aria-invalid", "true");
    await expect(stepUpDialog(page)).toHaveCount(0);
    expect(await codeEmails(request, user.email)).toEqual([]);
    expect(
      await query("SELECT 1 FROM audit_events WHERE actor_id = $1 AND type = 'password.change_failed' AND reason = 'wrong_password'", [
        user.id,
      ]),
    ).toHaveLength(1);
    await expectNoSeriousA11yViolations(page);
  });

  await test.step("the right one opens the code modal; the code changes the password", async () => {
    await section.getByLabel("Current password").fill(user.password);
    await section.getByRole("button", { name: "Change password" }).click();
    const modal = stepUpDialog(page);
    await expect(modal).toContainText("To change your password, enter the 6-digit code");
    const email = await waitForCodeEmail(request, user.email);
    expect(email.subject).toBe("Your code to change your password");
    expect(email.text).not.toContain(NEW_PASSWORD);
    await enterCode(page, email.code);
    await expect(modal).toHaveCount(0);
    await expect(section.getByRole("status")).toHaveText("Password changed. 1 other session was signed out.");
    expect(await page.evaluate(() => document.activeElement?.textContent ?? "")).toContain("Password changed.");
    await expect(section.getByLabel("Current password")).toHaveValue("");
    await expect(section.getByLabel("New password")).toHaveValue("");
    expect(await verify(await passwordHash(user.id), NEW_PASSWORD)).toBe(true);
    await waitForMessage(request, user.email, { match: (message) => message.subject === "Your password was changed" });
  });

  await test.step("the other browser lands on /login; this one stays signed in", async () => {
    await other.goto("/settings");
    await expect(other).toHaveURL(/\/login(\?|$)/);
    const sessions = await sessionsFor(user.id);
    expect(sessions.filter((session) => session.revoked_at === null)).toHaveLength(1);
    await page.goto("/settings");
    await expect(page).toHaveURL(/\/settings$/);
  });

  await test.step("the new password signs in", async () => {
    await signInThroughUi(other, { email: user.email, password: NEW_PASSWORD });
    await expect(other.getByRole("button", { name: "Sign out", exact: true })).toBeVisible();
  });
  await otherContext.close();
});

test("with 'Sign out my other sessions' unticked, the other browser stays signed in", async ({ page, browser, request }) => {
  const user = await createUser({ email: randomEmail("password-keep"), password: STRONG_PASSWORD });
  const otherContext = await browser.newContext();
  const other = await otherContext.newPage();
  await signInThroughUi(other, user);
  await signInThroughUi(page, user);
  await gotoHydrated(page, "/settings/security");
  const section = passwordSection(page);

  await section.getByLabel("Current password").fill(user.password);
  await section.getByLabel("New password").fill(NEW_PASSWORD);
  await section.getByRole("checkbox", { name: "Sign out my other sessions" }).uncheck();
  await section.getByRole("button", { name: "Change password" }).click();
  await expect(stepUpDialog(page)).toBeVisible();
  await enterCode(page, (await waitForCodeEmail(request, user.email)).code);
  await expect(section.getByRole("status")).toHaveText("Password changed.");

  expect((await sessionsFor(user.id)).every((session) => session.revoked_at === null)).toBe(true);
  await other.goto("/settings");
  await expect(other).toHaveURL(/\/settings$/);
  await otherContext.close();
});
