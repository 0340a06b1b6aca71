import { expect, test, type Locator } from "@playwright/test";
import { randomEmail, signInThroughUi, STRONG_PASSWORD } from "./helpers/accounts";
import { enterCode, stepUpDialog, waitForCodeEmail } from "./helpers/api-tokens";
import { expectNoSeriousA11yViolations } from "./helpers/axe";
import { closeDb, createUser, query, type TestUser } from "./helpers/db";
import { waitForMessage } from "./helpers/mailbox";
import { gotoHydrated } from "./helpers/page";

test.afterAll(closeDb);

// A fresh admin per run rather than the seeded one: each run spends one step-up code, and the
// seeded account's hourly budget (5) would run out over a few runs against a reused server.
async function createAdmin(): Promise<TestUser> {
  const admin = await createUser({ email: randomEmail("console-admin"), password: STRONG_PASSWORD });
  await query("UPDATE users SET role = 'ADMIN' WHERE id = $1", [admin.id]);
  return admin;
}

/** The account page has no form to wait for: a button is live once React has hydrated it. */
async function waitForReact(button: Locator): Promise<void> {
  await expect
    .poll(() => button.evaluate((element) => Object.keys(element).some((key) => key.startsWith("__reactProps$"))), {
      message: "waiting for hydration",
    })
    .toBe(true);
}

test("an admin finds a user and disables them behind their own code; the user's browser is sent to sign in", async ({ page, browser }) => {
  const member = await createUser({ email: randomEmail("member"), password: STRONG_PASSWORD });
  const memberContext = await browser.newContext();
  const memberPage = await memberContext.newPage();
  await signInThroughUi(memberPage, member);

  const admin = await createAdmin();
  await signInThroughUi(page, admin);
  await gotoHydrated(page, "/admin/audit");
  await page.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: "Users" }).click();
  await expect(page).toHaveURL(/\/admin\/users$/);
  await expect(page.getByRole("heading", { name: "Users", level: 1 })).toBeVisible();
  await expectNoSeriousA11yViolations(page);

  const search = page.getByRole("search", { name: "Search users" });
  await search.getByLabel("Email starts with").fill(member.email.slice(0, 20));
  await search.getByRole("button", { name: "Apply filters" }).click();
  await expect(page).toHaveURL(/email=/);
  const rows = page.getByRole("table", { name: "Accounts, by email" }).locator("tbody tr");
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText("active");
  await expect(rows.first().getByRole("link", { name: `Events of ${member.email}` })).toHaveAttribute(
    "href",
    `/admin/audit?account=${member.id}`,
  );
  await rows.first().getByRole("link", { name: member.email, exact: true }).click();

  await expect(page).toHaveURL(new RegExp(`/admin/users/${member.id}$`));
  await expect(page.getByRole("heading", { name: member.email, level: 1 })).toBeVisible();
  const actions = page.getByRole("region", { name: "Actions" });
  const disable = actions.getByRole("button", { name: "Disable account" });
  await waitForReact(disable);
  await expectNoSeriousA11yViolations(page);

  await disable.click();
  const dialog = page.getByRole("dialog", { name: `Disable ${member.email}?` });
  await dialog.getByRole("button", { name: "Disable account" }).click();
  await expect(dialog.getByText("Say why, for the audit log")).toBeVisible();
  await dialog.getByLabel("Reason").fill("Reported as compromised, ticket 5120");
  await dialog.getByRole("button", { name: "Disable account" }).click();
  await expect(stepUpDialog(page)).toContainText("disable");
  await enterCode(page, (await waitForCodeEmail(page.request, admin.email)).code);

  await expect(actions.getByRole("status")).toContainText("Account disabled and signed out everywhere");
  await expect(page.getByRole("region", { name: "Account", exact: true })).toContainText("disabled");
  await expect(actions.getByRole("button", { name: "Re-enable account" })).toBeVisible();

  await memberPage.goto("/settings");
  await expect(memberPage).toHaveURL(/\/login(\?|$)/);
  await memberContext.close();

  const [event] = await query<{ actor_id: string; reason: string }>(
    "SELECT actor_id, reason FROM audit_events WHERE type = 'admin.user_disabled' AND target_type = 'user' AND target_id = $1",
    [member.id],
  );
  expect(event).toEqual({ actor_id: admin.id, reason: "Reported as compromised, ticket 5120" });
  await waitForMessage(page.request, member.email, { match: (message) => message.subject === "Your account was disabled" });
});

test("an admin's own account page points to their settings and offers no actions", async ({ page }) => {
  const admin = await createAdmin();
  await signInThroughUi(page, admin);
  await page.goto(`/admin/users/${admin.id}`);
  await expect(page.getByText("This is your own account.")).toBeVisible();
  await expect(page.getByRole("link", { name: "your security settings" })).toHaveAttribute("href", "/settings/security");
  await expect(page.getByRole("region", { name: "Actions" })).toHaveCount(0);
});
