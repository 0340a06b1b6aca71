import { randomBytes } from "node:crypto";
import { expect, test } from "@playwright/test";
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
  const admin = await createUser({ email: randomEmail("tokens-admin"), password: STRONG_PASSWORD });
  await query("UPDATE users SET role = 'ADMIN' WHERE id = $1", [admin.id]);
  return admin;
}

/** A token row of `owner`, created and last used that many days ago (database time). */
async function seedToken(owner: TestUser, name: string, days: { created: number; lastUsed: number | null }): Promise<string> {
  const [row] = await query<{ id: string }>(
    `INSERT INTO api_tokens (id, user_id, name, display_prefix, token_hash, scopes, created_at, expires_at, last_used_at)
     VALUES (gen_random_uuid(), $1, $2, $3, $4, ARRAY['profile:read'], now() - make_interval(days => $5::int), now() + interval '30 days',
             CASE WHEN $6::int IS NULL THEN NULL ELSE now() - make_interval(days => $6::int) END)
     RETURNING id`,
    [owner.id, name, `asec_${randomBytes(3).toString("hex")}`, randomBytes(32).toString("hex"), days.created, days.lastUsed],
  );
  if (!row) throw new Error("token insert returned no row");
  return row.id;
}

test("an admin filters stale tokens, selects two and revokes them behind their own code; both show revoked", async ({ page }) => {
  const owner = await createUser({ email: randomEmail("stale-owner"), password: STRONG_PASSWORD });
  const staleIds = [
    await seedToken(owner, "never-used", { created: 120, lastUsed: null }),
    await seedToken(owner, "used-long-ago", { created: 200, lastUsed: 100 }),
  ];
  await seedToken(owner, "in-use", { created: 200, lastUsed: 1 });

  const admin = await createAdmin();
  await signInThroughUi(page, admin);
  await gotoHydrated(page, `/admin/tokens?owner=${encodeURIComponent(owner.email)}`);
  const search = page.getByRole("search", { name: "Filter API tokens" });
  await search.getByLabel("Status").selectOption("stale");
  await search.getByRole("button", { name: "Apply filters" }).click();
  await expect(page).toHaveURL(/status=stale/);

  const rows = page.getByRole("table", { name: "API tokens of every user" }).locator("tbody tr");
  await expect(rows).toHaveCount(2);
  for (const name of ["never-used", "used-long-ago"]) await expect(rows.filter({ hasText: name })).toContainText("Unused for 3 months");
  await expectNoSeriousA11yViolations(page);

  const revokeSelected = page.getByRole("button", { name: "Revoke selected" });
  await expect(revokeSelected).toBeDisabled();
  for (const name of ["never-used", "used-long-ago"])
    await page.getByRole("checkbox", { name: `Select ${owner.email}'s token ${name}` }).check();
  await expect(page.getByRole("checkbox", { name: "Select all on this page" })).toBeChecked();
  await revokeSelected.click();
  const dialog = page.getByRole("dialog", { name: "Revoke 2 API tokens?" });
  await expect(dialog).toContainText("never-used");
  await expect(dialog).toContainText("used-long-ago");
  await dialog.getByRole("button", { name: "Revoke 2 API tokens" }).click();
  await expect(stepUpDialog(page)).toContainText("revoke 2 API tokens");
  await enterCode(page, (await waitForCodeEmail(page.request, admin.email)).code);

  await expect(page.getByRole("status").filter({ hasText: "2 tokens revoked" })).toBeVisible();
  await expect(page.getByText("No tokens match these filters.")).toBeVisible();

  await gotoHydrated(page, `/admin/tokens?owner=${encodeURIComponent(owner.email)}`);
  for (const name of ["never-used", "used-long-ago"]) await expect(rows.filter({ hasText: name })).toContainText("revoked");
  await expect(rows.filter({ hasText: "in-use" })).toContainText("active");
  await expect(rows.filter({ hasText: "in-use" })).not.toContainText("Unused for 3 months");

  const revoked = await query<{ id: string }>("SELECT id FROM api_tokens WHERE user_id = $1 AND revoked_at IS NOT NULL ORDER BY id", [
    owner.id,
  ]);
  expect(revoked.map((row) => row.id)).toEqual([...staleIds].sort());
  const events = await query<{ actor_id: string; target_id: string }>(
    "SELECT actor_id, target_id FROM audit_events WHERE type = 'admin.token_revoked' AND target_type = 'user' AND target_id = $1",
    [owner.id],
  );
  expect(events).toEqual([
    { actor_id: admin.id, target_id: owner.id },
    { actor_id: admin.id, target_id: owner.id },
  ]);
  const notice = await waitForMessage(page.request, owner.email, {
    match: (message) => message.subject === "An administrator revoked your API tokens",
  });
  expect(notice.text).toContain("never-used");
  expect(notice.text).toContain("used-long-ago");
});
