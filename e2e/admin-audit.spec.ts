import { readFile } from "node:fs/promises";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { randomEmail, signInThroughUi, STRONG_PASSWORD } from "./helpers/accounts";
import { callMe, enterCode, shownToken, stepUpDialog, submitCreateToken, waitForCodeEmail } from "./helpers/api-tokens";
import { expectNoSeriousA11yViolations } from "./helpers/axe";
import { closeDb, createUser, query, type TestUser } from "./helpers/db";
import { waitForMessage } from "./helpers/mailbox";
import { gotoHydrated } from "./helpers/page";

test.afterAll(closeDb);

async function createAdmin(): Promise<TestUser> {
  const admin = await createUser({ email: randomEmail("admin"), password: STRONG_PASSWORD });
  await query("UPDATE users SET role = 'ADMIN' WHERE id = $1", [admin.id]);
  return admin;
}

/** `count` failed step-up verifications for `email`, one minute apart, as the app would record them. */
async function recordFailedVerifications(user: TestUser, count: number): Promise<void> {
  await query(
    `INSERT INTO audit_events (type, outcome, actor_id, actor_email, target_type, target_id, reason, ip, user_agent, created_at)
     SELECT 'step_up.verify_failed', 'FAILURE', $1, $2, 'step_up_challenge', gen_random_uuid()::text, 'code_invalid', '198.51.100.9',
            'Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0 Safari/537.36', now() - make_interval(mins => n)
     FROM generate_series(1, $3::int) AS n`,
    [user.id, user.email, count],
  );
}

/** The owner creates a token through their own security page and gets its plaintext. */
async function tokenCreatedByOwner(browser: Browser, owner: TestUser, baseURL: string): Promise<string> {
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  await signInThroughUi(page, owner);
  await gotoHydrated(page, "/settings/security");
  await submitCreateToken(page, { name: "owner-deploy" });
  await enterCode(page, (await waitForCodeEmail(page.request, owner.email)).code);
  const { token } = await shownToken(page, "owner-deploy");
  await context.close();
  return token;
}

async function filterTo(page: Page, filter: { email: string; group: string; outcome: string }): Promise<void> {
  const form = page.getByRole("search", { name: "Filter audit events" });
  await form.getByLabel("User email starts with").fill(filter.email);
  await form.getByLabel("Event type").selectOption({ label: filter.group });
  await form.getByLabel("Outcome").selectOption({ label: filter.outcome });
  await form.getByRole("button", { name: "Apply filters" }).click();
}

const eventRows = (page: Page) => page.getByRole("table", { name: "Audit events, newest first" }).locator("tbody tr");

test("an admin filters to one user's failed verifications, pages through, exports them and the export matches", async ({ page }) => {
  const admin = await createAdmin();
  const target = await createUser({ email: randomEmail("suspect"), password: STRONG_PASSWORD });
  await recordFailedVerifications(target, 60);

  await signInThroughUi(page, admin);
  await page.getByRole("link", { name: "Admin" }).click();
  await expect(page).toHaveURL(/\/admin\/audit$/);
  await expect(page.getByRole("heading", { name: "Audit log" })).toBeVisible();
  await expect(page.getByRole("img", { name: "Audit events per day" })).toBeVisible();
  await expect(page.getByRole("region", { name: "Needs attention" })).toContainText(target.email);
  await expectNoSeriousA11yViolations(page);

  await filterTo(page, { email: target.email.slice(0, 20), group: "Step-up", outcome: "Failure" });
  await expect(page).toHaveURL(/group=step_up/);
  expect(new URL(page.url()).searchParams.get("outcome")).toBe("FAILURE");
  await expect(eventRows(page)).toHaveCount(50);
  for (const text of await eventRows(page).allInnerTexts()) expect(text).toContain(target.email);
  const firstPage = await eventRows(page).allInnerTexts();

  await page.getByRole("link", { name: "Older events" }).click();
  await expect(eventRows(page)).toHaveCount(10);
  await expect(page.getByRole("link", { name: "Older events" })).toHaveCount(0);
  const secondPage = await eventRows(page).allInnerTexts();
  expect(secondPage.filter((row) => firstPage.includes(row))).toEqual([]);

  // The filter lives in the URL: back returns to page one with the same filter.
  await page.goBack();
  await expect(eventRows(page)).toHaveCount(50);
  await expect(page.getByLabel("Outcome")).toHaveValue("FAILURE");

  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: "Export CSV" }).click();
  const file = await (await download).path();
  const lines = (await readFile(file, "utf8")).split("\r\n").filter(Boolean);
  expect(lines[0]).toBe("time_utc,actor_email,type,outcome,target,reason,ip,device,description,target_name");
  expect(lines).toHaveLength(61);
  for (const line of lines.slice(1)) expect(line).toContain(`"${target.email}","step_up.verify_failed","FAILURE"`);

  const recorded = await query<{ type: string }>("SELECT type FROM audit_events WHERE actor_id = $1 AND type LIKE 'admin.%' ORDER BY id", [
    admin.id,
  ]);
  expect(recorded.map((row) => row.type)).toEqual(expect.arrayContaining(["admin.audit_viewed", "admin.audit_exported"]));
});

test("an admin revokes another user's token behind their own step-up; it dies and the owner is told", async ({
  page,
  browser,
  baseURL,
}) => {
  const owner = await createUser({ email: randomEmail("token-owner"), password: STRONG_PASSWORD });
  const token = await tokenCreatedByOwner(browser, owner, baseURL ?? "");
  expect((await callMe(page.request, token)).status()).toBe(200);

  const admin = await createAdmin();
  await signInThroughUi(page, admin);
  await gotoHydrated(page, `/admin/tokens?owner=${encodeURIComponent(owner.email)}`);
  await expectNoSeriousA11yViolations(page);
  await page.getByRole("button", { name: `Revoke ${owner.email}'s token owner-deploy` }).click();
  await page.getByRole("dialog", { name: 'Revoke token "owner-deploy"?' }).getByRole("button", { name: "Revoke token" }).click();
  await expect(stepUpDialog(page)).toContainText("revoke");
  await enterCode(page, (await waitForCodeEmail(page.request, admin.email)).code);
  await expect(page.getByRole("status").filter({ hasText: "Token revoked" })).toBeVisible();

  expect((await callMe(page.request, token)).status()).toBe(401);
  const notice = await waitForMessage(page.request, owner.email, {
    match: (message) => message.subject === "An administrator revoked your API token",
  });
  expect(notice.text).toContain("owner-deploy");
  const [event] = await query<{ actor_id: string; reason: string }>(
    "SELECT actor_id, reason FROM audit_events WHERE type = 'api_token.revoked' AND metadata->>'ownerId' = $1",
    [owner.id],
  );
  expect(event).toEqual({ actor_id: admin.id, reason: "revoked_by_admin" });
});

test("anyone but an admin gets the ordinary 404, and the attempt is recorded", async ({ page }) => {
  const user = await createUser({ email: randomEmail("curious"), password: STRONG_PASSWORD });
  const signedOut = await page.goto("/admin/audit");
  expect(signedOut?.status()).toBe(404);
  await signInThroughUi(page, user);
  for (const path of ["/admin/audit", "/admin/tokens", "/admin/audit/export"]) {
    expect((await page.goto(path))?.status()).toBe(404);
  }
  await expect(page.getByRole("link", { name: "Admin" })).toHaveCount(0);
  const denied = await query<{ count: string }>("SELECT count(*) FROM audit_events WHERE type = 'admin.access_denied' AND actor_id = $1", [
    user.id,
  ]);
  expect(Number(denied[0]?.count)).toBe(3);
});
