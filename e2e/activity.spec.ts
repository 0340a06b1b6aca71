import { expect, test, type Page } from "@playwright/test";
import { randomEmail, signInThroughUi, STRONG_PASSWORD } from "./helpers/accounts";
import { enterCode, shownToken, submitCreateToken, waitForCodeEmail } from "./helpers/api-tokens";
import { expectNoSeriousA11yViolations } from "./helpers/axe";
import { closeDb, createUser, query, sessionsFor } from "./helpers/db";
import { waitForMessage } from "./helpers/mailbox";
import { gotoHydrated } from "./helpers/page";

test.afterAll(closeDb);

const NEW_SIGN_IN = "New sign-in to your account";
const events = (page: Page) => page.getByRole("list", { name: "Security events, newest first" });

test("the activity page says in words what the user just did, filters by category, and is accessible", async ({ page, request }) => {
  const user = await createUser({ email: randomEmail("activity"), password: STRONG_PASSWORD });
  await signInThroughUi(page, user);
  await gotoHydrated(page, "/settings/security");
  const name = `e2e-activity-${Date.now()}`;
  await submitCreateToken(page, { name });
  const { code } = await waitForCodeEmail(request, user.email);
  await enterCode(page, code);
  const { dialog } = await shownToken(page, name);
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();

  await page.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: "Activity" }).click();
  await expect(page).toHaveURL(/\/settings\/activity$/);
  await expect(page.getByRole("heading", { level: 1, name: "Security activity" })).toBeVisible();
  const list = events(page);
  await expect(list.getByRole("listitem").filter({ hasText: `You created API token "${name}"` })).toHaveCount(1);
  await expect(list.getByText(/^You signed in/).first()).toBeVisible();
  // Raw type names are for admins; the user reads sentences.
  await expect(list).not.toContainText("api_token.created");
  await expectNoSeriousA11yViolations(page);

  await page.getByRole("navigation", { name: "Filter by category" }).getByRole("link", { name: "API tokens" }).click();
  await expect(page).toHaveURL(/category=tokens/);
  await expect(list.getByText(`You created API token "${name}"`, { exact: false })).toBeVisible();
  await expect(list.getByText(/^You signed in/)).toHaveCount(0);

  // This browser is the account's one known device.
  const devices = page.getByRole("region", { name: "Your devices" });
  await expect(devices.getByText("This browser")).toBeVisible();
});

test("“This wasn't me” signs out another browser, keeps this one, and leads on to the password", async ({ page, browser, request }) => {
  const user = await createUser({ email: randomEmail("wasnt-me"), password: STRONG_PASSWORD });
  await signInThroughUi(page, user);
  const otherContext = await browser.newContext();
  const other = await otherContext.newPage();
  await signInThroughUi(other, user);
  // The second browser is a device the account has not used: its owner is told.
  const alert = await waitForMessage(request, user.email, { match: (message) => message.subject === NEW_SIGN_IN });
  expect(alert.text).toContain("/secure-account?token=");

  await gotoHydrated(page, "/settings/activity");
  const row = events(page).getByRole("listitem").filter({ hasText: "You signed in from a new device" }).first();
  await row.getByRole("link", { name: /^This wasn't me/ }).click();
  await expect(page).toHaveURL(/\/settings\/activity\/report\?event=\d+$/);
  await expectNoSeriousA11yViolations(page);
  await page.getByRole("button", { name: "Sign out everywhere else" }).click();

  await expect(page).toHaveURL(/\/settings\/activity\/secured$/);
  await expect(page.getByRole("heading", { name: "Your account is secured" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Change your password" })).toHaveAttribute("href", "/settings/security#password");
  await expectNoSeriousA11yViolations(page);

  await other.goto("/settings");
  await expect(other).toHaveURL(/\/login(\?|$)/);
  await page.goto("/settings");
  await expect(page).toHaveURL(/\/settings$/);
  const live = (await sessionsFor(user.id)).filter((session) => session.revoked_at === null);
  expect(live).toHaveLength(1);
  expect(await query("SELECT 1 FROM audit_events WHERE actor_id = $1 AND type = 'account.secured'", [user.id])).toHaveLength(1);

  await gotoHydrated(page, "/settings/activity");
  await expect(events(page).getByRole("listitem").first()).toContainText(/secured your account/i);
  await otherContext.close();
});

test("the new-device email's link signs out every session, once", async ({ page, browser, request }) => {
  const user = await createUser({ email: randomEmail("secure-link"), password: STRONG_PASSWORD });
  await signInThroughUi(page, user);
  const otherContext = await browser.newContext();
  await signInThroughUi(await otherContext.newPage(), user);
  const alert = await waitForMessage(request, user.email, { match: (message) => message.subject === NEW_SIGN_IN });
  const link = /\/secure-account\?token=[A-Za-z0-9_-]+/.exec(alert.text)?.[0];
  if (!link) throw new Error(`no secure-account link in:\n${alert.text}`);

  // Opened from the mailbox, signed out: looking changes nothing.
  const mailContext = await browser.newContext();
  const mail = await mailContext.newPage();
  await gotoHydrated(mail, link);
  await expect(mail.getByRole("heading", { name: "Didn't sign in?" })).toBeVisible();
  expect((await sessionsFor(user.id)).filter((session) => session.revoked_at === null)).toHaveLength(2);
  await expectNoSeriousA11yViolations(mail);
  await mail.getByRole("button", { name: "Report and sign out every session" }).click();
  await expect(mail.getByRole("status")).toContainText("Every session on the account was signed out");

  expect((await sessionsFor(user.id)).filter((session) => session.revoked_at === null)).toHaveLength(0);
  await page.goto("/settings");
  await expect(page).toHaveURL(/\/login(\?|$)/);
  // Used: the page now has nothing to press.
  await mail.goto(link);
  await expect(mail.getByRole("heading", { name: "This link has expired or was already used" })).toBeVisible();
  await Promise.all([otherContext.close(), mailContext.close()]);
});

test("admins see the background queues, their schedules and counts", async ({ page }) => {
  const admin = await createUser({ email: randomEmail("jobs-admin"), password: STRONG_PASSWORD });
  await query("UPDATE users SET role = 'ADMIN' WHERE id = $1", [admin.id]);
  await signInThroughUi(page, admin);
  await page.goto("/admin/jobs");
  await expect(page.getByRole("heading", { level: 1, name: "Background jobs" })).toBeVisible();
  const table = page.getByRole("table", { name: "Background job queues" });
  // The development server runs the workers itself: its queues exist from its start.
  await expect(table.getByRole("row", { name: /email-outbox/ })).toContainText("* * * * *");
  await expect(table.getByRole("row", { name: /token-expiry-notices/ })).toContainText("*/10 * * * *");
  await expectNoSeriousA11yViolations(page);
});
