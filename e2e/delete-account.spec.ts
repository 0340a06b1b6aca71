import { expect, test, type Page } from "@playwright/test";
import { randomEmail, signInThroughUi, STRONG_PASSWORD } from "./helpers/accounts";
import { codeEmails, enterCode, stepUpDialog, waitForCodeEmail } from "./helpers/api-tokens";
import { expectNoSeriousA11yViolations } from "./helpers/axe";
import { closeDb, createUser, query } from "./helpers/db";
import { waitForMessage } from "./helpers/mailbox";
import { gotoHydrated } from "./helpers/page";

/**
 * Deleting the account through the real UI: the danger zone on /settings, the address typed again,
 * the code modal, and then the browser signed out on /login with the account gone for good.
 */

test.afterAll(closeDb);

const dangerZone = (page: Page) => page.getByRole("region", { name: "Delete account" });
const confirmDialog = (page: Page) => page.getByRole("dialog", { name: "Delete your account?" });

test("delete the account end to end: typed address, emailed code, signed out everywhere, the old password no longer signs in", async ({
  page,
  browser,
  request,
}) => {
  const user = await createUser({ email: randomEmail("delete"), password: STRONG_PASSWORD });
  const otherContext = await browser.newContext();
  const other = await otherContext.newPage();
  await signInThroughUi(other, user);
  await signInThroughUi(page, user);
  await gotoHydrated(page, "/settings");
  const section = dangerZone(page);

  await test.step("the danger zone says what goes and that it cannot be undone", async () => {
    await expect(section).toContainText("every API token");
    await expect(section).toContainText("This cannot be undone.");
    await expect(section).toContainText(user.email);
    await expectNoSeriousA11yViolations(page);
  });

  const dialog = confirmDialog(page);
  const typedAddress = dialog.getByLabel(`Type ${user.email} to confirm`);

  await test.step("another address is refused in the dialog, before any code", async () => {
    await section.getByRole("button", { name: "Delete account…" }).click();
    await expect(dialog).toBeVisible();
    await expect(typedAddress).toBeFocused();
    await expectNoSeriousA11yViolations(page);
    await typedAddress.fill(randomEmail("someone-else"));
    await dialog.getByRole("button", { name: "Delete my account" }).click();
    await expect(dialog).toContainText("That is not your account's email address");
    await expect(typedAddress).toHaveAttribute("aria-invalid", "true");
    await expect(stepUpDialog(page)).toHaveCount(0);
    expect(await codeEmails(request, user.email)).toEqual([]);
  });

  await test.step("Cancel closes the dialog and changes nothing", async () => {
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await expect(dialog).toHaveCount(0);
    await expect(section.getByRole("button", { name: "Delete account…" })).toBeFocused();
  });

  await test.step("the address (any case) and the emailed code delete the account and land on /login", async () => {
    await section.getByRole("button", { name: "Delete account…" }).click();
    await typedAddress.fill(` ${user.email.toUpperCase()} `);
    await typedAddress.press("Enter");
    const modal = stepUpDialog(page);
    await expect(modal).toContainText("To delete your account, enter the 6-digit code");
    const email = await waitForCodeEmail(request, user.email);
    expect(email.subject).toBe("Your code to delete your account");
    await enterCode(page, email.code);
    await expect(page).toHaveURL(/\/login\?deleted=1$/);
    await expect(page.getByText("Your account was deleted.")).toBeVisible();
    await expectNoSeriousA11yViolations(page);
  });

  await test.step("the account is anonymised, and its old address is told once", async () => {
    const rows = await query<{ email: string; password_hash: string | null; deleted_at: Date | null }>(
      "SELECT email, password_hash, deleted_at FROM users WHERE id = $1",
      [user.id],
    );
    expect(rows[0]).toMatchObject({ email: `deleted-${user.id}@deleted.invalid`, password_hash: null });
    expect(rows[0]?.deleted_at).not.toBeNull();
    expect(await query("SELECT 1 FROM sessions WHERE user_id = $1", [user.id])).toEqual([]);
    const notice = await waitForMessage(request, user.email, { match: (message) => message.subject === "Your account was deleted" });
    expect(notice.text).toContain("If this wasn't you, contact your administrator");
  });

  await test.step("both browsers are signed out", async () => {
    for (const browserPage of [page, other]) {
      await browserPage.goto("/settings");
      await expect(browserPage).toHaveURL(/\/login(\?|$)/);
    }
  });

  await test.step("the old password no longer signs in", async () => {
    await gotoHydrated(page, "/login");
    await page.getByLabel("Email address").fill(user.email);
    await page.getByLabel("Password").fill(user.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByText("Incorrect email or password.")).toBeVisible();
    await expect(page).toHaveURL(/\/login/);
  });
  await otherContext.close();
});
