import { randomBytes } from "node:crypto";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { adminRevokeSelectedTokensAction } from "@/actions/admin-tokens";
import AdminTokensPage from "@/app/admin/tokens/page";
import { GET as me } from "@/app/api/v1/me/route";
import { listAllApiTokens } from "@/lib/api-tokens/admin";
import { createApiToken } from "@/lib/api-tokens/create";
import { listApiTokens } from "@/lib/api-tokens/list";
import { revokeSelectedTokens } from "@/lib/api-tokens/revoke-selected";
import { db, disconnectDb } from "@/lib/db";
import { getEnv } from "@/lib/env";
import type { RequestContext } from "@/lib/http/context";
import { resolveSession } from "@/lib/sessions/lifecycle";
import { hashPayload } from "@/lib/step-up/payload";
import { initialActionState, type ActionState } from "@/shared/action-state";
import { adminRevokeTokensSchema, MAX_TOKENS_PER_REVOKE, STALE_AFTER_DAYS, type AdminRevokeTokensRequest } from "@/shared/api-tokens";
import type { AdminTokenFilter } from "@/shared/audit";
import { request, sameOriginHeaders } from "@/test/helpers/next-request";
import {
  completeStepUp,
  expectAppError,
  expectStepUpRequired,
  latestStepUpCode,
  newContext,
  newStepUpUser,
  newUser,
  tokenRequest,
  type TestUser,
} from "@/test/helpers/step-up";
import { withProof } from "@/tooling/app-client";

afterAll(disconnectDb);

beforeEach(() => {
  request.state = { session: null, headers: sameOriginHeaders(getEnv().APP_URL), deferred: [] };
});

const ACTION = "admin.tokens.revoke_selected";

async function newAdmin(label = "admin"): Promise<{ admin: TestUser; context: RequestContext }> {
  const { user, context } = await newStepUpUser(label);
  await db.user.update({ where: { id: user.id }, data: { role: "ADMIN" } });
  const session = await resolveSession(context.session.id);
  if (!session) throw new Error("admin session did not resolve");
  return { admin: user, context: { ...context, session } };
}

type Age = { createdDaysAgo?: number; lastUsedDaysAgo?: number; expiresInDays?: number; revoked?: true };

/** A token row of `owner`, then moved in time by SQL (database time, as the filters read it). */
async function seedToken(owner: TestUser, name: string, age: Age = {}): Promise<{ id: string; name: string; displayPrefix: string }> {
  const token = await db.apiToken.create({
    data: {
      userId: owner.id,
      name,
      displayPrefix: `asec_${randomBytes(3).toString("hex")}`,
      tokenHash: randomBytes(32).toString("hex"),
      scopes: ["profile:read"],
      expiresAt: new Date(Date.now() + 30 * 86_400_000),
    },
    select: { id: true, name: true, displayPrefix: true },
  });
  const { createdDaysAgo = 0, lastUsedDaysAgo, expiresInDays = 30, revoked } = age;
  await db.$executeRaw`
    UPDATE api_tokens SET
      created_at = now() - make_interval(days => ${createdDaysAgo}),
      last_used_at = CASE WHEN ${lastUsedDaysAgo ?? null}::int IS NULL THEN NULL ELSE now() - make_interval(days => ${lastUsedDaysAgo ?? 0}) END,
      expires_at = now() + make_interval(days => ${expiresInDays}),
      revoked_at = CASE WHEN ${revoked ?? false} THEN now() ELSE NULL END
    WHERE id = ${token.id}::uuid`;
  return token;
}

/** Tokens the owner created through the app (with their own step-up): usable on the bearer API. */
async function usableTokens(owner: TestUser, names: string[]): Promise<{ id: string; token: string; prefix: string; name: string }[]> {
  const context = await newContext(owner);
  await completeStepUp(context, "api_token.create", tokenRequest(names[0]));
  const created = [];
  for (const name of names) {
    const { token, apiToken } = await createApiToken(context, tokenRequest(name));
    created.push({ id: apiToken.id, token, prefix: apiToken.displayPrefix, name });
  }
  return created;
}

const bearer = async (token: string) =>
  (await me(new Request("http://localhost/api/v1/me", { headers: { authorization: `Bearer ${token}` } }))).status;

const names = async (owner: TestUser, status: AdminTokenFilter["status"]) =>
  (await listAllApiTokens({ owner: owner.email, status })).map((token) => token.name);

const revokedEvents = (ownerId: string) =>
  db.auditEvent.findMany({ where: { type: "admin.token_revoked", targetType: "user", targetId: ownerId }, orderBy: { id: "asc" } });

const noticesTo = (to: string) =>
  db.emailOutbox.findMany({ where: { to, subject: { startsWith: "An administrator revoked your API token" } } });

const activeCount = (ids: string[]) => db.apiToken.count({ where: { id: { in: ids }, revokedAt: null } });

const selection = (ids: string[]): AdminRevokeTokensRequest => adminRevokeTokensSchema.parse({ tokenIds: ids });

/** Opens the admin's sudo window for this selection, as the code modal would. */
async function withGrant(context: RequestContext, ids: string[]): Promise<AdminRevokeTokensRequest> {
  const input = selection(ids);
  await completeStepUp(context, ACTION, input);
  return input;
}

describe(`the stale mark: active and unused (or, never used, created) for ${STALE_AFTER_DAYS} days`, () => {
  it("both lists mark exactly the stale active tokens, at the boundary too", async () => {
    const owner = await newUser("stale-mark");
    await seedToken(owner, "used-91-days-ago", { createdDaysAgo: 200, lastUsedDaysAgo: 91 });
    await seedToken(owner, "never-used-91-days", { createdDaysAgo: 91 });
    await seedToken(owner, "used-89-days-ago", { createdDaysAgo: 200, lastUsedDaysAgo: 89 });
    await seedToken(owner, "never-used-89-days", { createdDaysAgo: 89 });
    await seedToken(owner, "old-but-used-yesterday", { createdDaysAgo: 300, lastUsedDaysAgo: 1 });
    await seedToken(owner, "stale-but-revoked", { createdDaysAgo: 200, revoked: true });
    await seedToken(owner, "stale-but-expired", { createdDaysAgo: 200, expiresInDays: -1 });
    const expected = ["never-used-91-days", "used-91-days-ago"];

    const own = await listApiTokens(owner.id);
    expect(own).toHaveLength(7);
    expect(
      own
        .filter((token) => token.stale)
        .map((token) => token.name)
        .sort(),
    ).toEqual(expected);
    const admin = await listAllApiTokens({ owner: owner.email });
    expect(
      admin
        .filter((token) => token.stale)
        .map((token) => token.name)
        .sort(),
    ).toEqual(expected);
  });
});

describe("the admin tokens page's status filter", () => {
  it("expiring: active tokens expiring within 7 days, soonest first; stale: active and unused for 90 days", async () => {
    const owner = await newUser("filters");
    await seedToken(owner, "fresh");
    await seedToken(owner, "expires-in-3-days", { expiresInDays: 3 });
    await seedToken(owner, "expires-in-1-day", { expiresInDays: 1 });
    await seedToken(owner, "expires-in-8-days", { expiresInDays: 8 });
    await seedToken(owner, "revoked-expiring", { expiresInDays: 2, revoked: true });
    await seedToken(owner, "stale-used", { createdDaysAgo: 200, lastUsedDaysAgo: 100 });
    await seedToken(owner, "stale-never-used", { createdDaysAgo: 95 });
    await seedToken(owner, "stale-and-expiring", { createdDaysAgo: 120, expiresInDays: 5 });
    await seedToken(owner, "old-recently-used", { createdDaysAgo: 200, lastUsedDaysAgo: 10 });
    await seedToken(owner, "almost-stale", { createdDaysAgo: 89 });
    await seedToken(owner, "stale-expired", { createdDaysAgo: 200, expiresInDays: -1 });
    await seedToken(owner, "stale-revoked", { createdDaysAgo: 200, revoked: true });
    const other = await newUser("filters-other");
    await seedToken(other, "someone-elses-stale", { createdDaysAgo: 200 });
    await seedToken(other, "someone-elses-expiring", { expiresInDays: 2 });

    expect(await names(owner, "expiring")).toEqual(["expires-in-1-day", "expires-in-3-days", "stale-and-expiring"]);
    expect((await names(owner, "stale")).sort()).toEqual(["stale-and-expiring", "stale-never-used", "stale-used"]);
    expect((await names(owner, "active")).sort()).toEqual(
      [
        "almost-stale",
        "expires-in-1-day",
        "expires-in-3-days",
        "expires-in-8-days",
        "fresh",
        "old-recently-used",
        "stale-and-expiring",
        "stale-never-used",
        "stale-used",
      ].sort(),
    );
    expect(await names(owner, "expired")).toEqual(["stale-expired"]);
    expect((await names(owner, "revoked")).sort()).toEqual(["revoked-expiring", "stale-revoked"]);
    // Every stale row the filter returns carries the mark the lists show.
    expect((await listAllApiTokens({ owner: owner.email, status: "stale" })).every((token) => token.stale)).toBe(true);
  });

  it("the page reads the new values from the URL and drops unknown ones", async () => {
    const { context } = await newAdmin("filter-page");
    request.state.session = context.session;
    await expect(AdminTokensPage({ searchParams: Promise.resolve({ status: "stale" }) })).resolves.toBeTruthy();
    await expect(AdminTokensPage({ searchParams: Promise.resolve({ status: "expiring", owner: "x" }) })).resolves.toBeTruthy();
    await expect(AdminTokensPage({ searchParams: Promise.resolve({ status: "bogus" }) })).resolves.toBeTruthy();
  });
});

describe("revoking a selection of tokens", () => {
  it("needs the admin's own step-up, then revokes all of them at once: one audit row each, one notice per owner", async () => {
    const alice = await newUser("alice");
    const bob = await newUser("bob");
    const aliceTokens = await usableTokens(alice, ["deploy", "backup"]);
    const [bobToken] = await usableTokens(bob, ["ci"]);
    if (!bobToken) throw new Error("no token");
    const all = [...aliceTokens, bobToken];
    const ids = all.map((token) => token.id);
    const { admin, context } = await newAdmin("bulk");
    request.state.session = context.session;

    const input = { tokenIds: [...ids].reverse() };
    const first = await adminRevokeSelectedTokensAction(initialActionState, input);
    expect(first).toMatchObject({
      ok: false,
      status: "step_up_required",
      challenge: { action: ACTION, description: "revoke 3 API tokens" },
    });
    if (!first.challenge) throw new Error("no challenge");
    // Bound to the selection, whatever order it was sent in.
    const stored = await db.stepUpChallenge.findUniqueOrThrow({ where: { id: first.challenge.id }, select: { payloadHash: true } });
    expect(stored.payloadHash).toBe(hashPayload(ACTION, { tokenIds: [...ids].sort() }));
    expect(await activeCount(ids)).toBe(3);
    for (const token of all) expect(await bearer(token.token)).toBe(200);
    expect(await db.auditEvent.count({ where: { type: "admin.token_revoked" } })).toBe(0);

    const code = await latestStepUpCode(admin.email);
    const result = await adminRevokeSelectedTokensAction(initialActionState, withProof({ tokenIds: ids }, first.challenge, code));
    expect(result).toMatchObject({ ok: true, message: "3 tokens revoked. They stopped working immediately, and their owners were told." });
    expect(await activeCount(ids)).toBe(0);
    for (const token of all) expect(await bearer(token.token)).toBe(401);

    for (const [owner, tokens] of [
      [alice, aliceTokens],
      [bob, [bobToken]],
    ] as const) {
      const events = await revokedEvents(owner.id);
      expect(events).toHaveLength(tokens.length);
      for (const event of events) expect(event).toMatchObject({ actorId: admin.id, actorEmail: admin.email, outcome: "SUCCESS" });
      expect(events.map((event) => event.metadata)).toEqual(
        expect.arrayContaining(tokens.map((token) => ({ name: token.name, prefix: token.prefix }))),
      );
      const notices = await noticesTo(owner.email);
      expect(notices).toHaveLength(1);
      const text = JSON.stringify(notices[0]?.data);
      for (const token of tokens) {
        expect(text).toContain(`${token.name} (${token.prefix}…)`);
        expect(text).not.toContain(token.token);
      }
    }
    expect(await noticesTo(alice.email)).toMatchObject([{ subject: "An administrator revoked your API tokens" }]);
    expect(await noticesTo(bob.email)).toMatchObject([{ subject: "An administrator revoked your API token" }]);
    const trail = JSON.stringify(await db.auditEvent.findMany({ where: { actorId: admin.id }, select: { metadata: true, reason: true } }));
    for (const token of all) expect(trail).not.toContain(token.token);
  });

  it("is atomic: a failure after some tokens are revoked leaves every token active, with no audit row or notice", async () => {
    const owner = await newUser("atomic");
    const tokens = [await seedToken(owner, "first"), await seedToken(owner, "explode"), await seedToken(owner, "third")];
    const ids = tokens.map((token) => token.id);
    const { context } = await newAdmin("atomic");
    const input = await withGrant(context, ids);
    await db.$executeRawUnsafe(`
      CREATE FUNCTION test_fail_on_explode() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.type = 'admin.token_revoked' AND NEW.metadata->>'name' = 'explode' THEN RAISE EXCEPTION 'injected failure'; END IF;
        RETURN NEW;
      END $$`);
    await db.$executeRawUnsafe(
      "CREATE TRIGGER test_fail_on_explode BEFORE INSERT ON audit_events FOR EACH ROW EXECUTE FUNCTION test_fail_on_explode()",
    );
    try {
      await expect(revokeSelectedTokens(context, input)).rejects.toThrow();
    } finally {
      await db.$executeRawUnsafe("DROP TRIGGER test_fail_on_explode ON audit_events");
      await db.$executeRawUnsafe("DROP FUNCTION test_fail_on_explode()");
    }
    expect(await activeCount(ids)).toBe(3);
    expect(await revokedEvents(owner.id)).toHaveLength(0);
    expect(await noticesTo(owner.email)).toHaveLength(0);

    expect(await revokeSelectedTokens(context, input)).toEqual({ revoked: 3, skipped: 0 });
    expect(await activeCount(ids)).toBe(0);
  });

  it("a non-admin is refused as if the action did not exist: nothing revoked, no code sent, the attempt recorded", async () => {
    const owner = await newUser("victim");
    const token = await seedToken(owner, "keep");
    const { user, context } = await newStepUpUser("sneaky");
    request.state.session = context.session;
    expect(await adminRevokeSelectedTokensAction(initialActionState, { tokenIds: [token.id] })).toMatchObject({
      ok: false,
      code: "NOT_FOUND",
    });
    // The domain function refuses on its own too, whoever calls it.
    await expectAppError(revokeSelectedTokens(context, selection([token.id])), "NOT_FOUND");
    expect(await activeCount([token.id])).toBe(1);
    expect(await db.stepUpChallenge.count({ where: { userId: user.id } })).toBe(0);
    expect(await db.auditEvent.count({ where: { type: "admin.access_denied", actorId: user.id, reason: ACTION } })).toBe(1);
  });

  it("an unknown id refuses the whole selection before any code is sent", async () => {
    const owner = await newUser("unknown");
    const token = await seedToken(owner, "real");
    const { admin, context } = await newAdmin("unknown");
    request.state.session = context.session;
    expect(await adminRevokeSelectedTokensAction(initialActionState, { tokenIds: [token.id, crypto.randomUUID()] })).toMatchObject({
      ok: false,
      code: "NOT_FOUND",
      message: "That item no longer exists.",
    });
    expect(await db.stepUpChallenge.count({ where: { userId: admin.id } })).toBe(0);

    // Even with the window open, nothing of the selection is revoked.
    const input = await withGrant(context, [token.id]);
    await expectAppError(revokeSelectedTokens(context, selection([...input.tokenIds, crypto.randomUUID()])), "NOT_FOUND");
    expect(await activeCount([token.id])).toBe(1);
  });

  it("tokens already revoked or expired are skipped and counted; a selection of only those asks for no code", async () => {
    const owner = await newUser("skipped");
    const live = await seedToken(owner, "live");
    const revoked = await seedToken(owner, "gone", { revoked: true });
    const expired = await seedToken(owner, "old", { expiresInDays: -1 });
    const { admin, context } = await newAdmin("skipper");
    request.state.session = context.session;

    expect(await adminRevokeSelectedTokensAction(initialActionState, { tokenIds: [revoked.id, expired.id] })).toMatchObject({
      ok: true,
      message: "Nothing was revoked: the selected tokens were already revoked or expired.",
    });
    expect(await db.stepUpChallenge.count({ where: { userId: admin.id } })).toBe(0);

    await withGrant(context, [live.id, revoked.id, expired.id]);
    expect(await adminRevokeSelectedTokensAction(initialActionState, { tokenIds: [live.id, revoked.id, expired.id] })).toMatchObject({
      ok: true,
      message:
        "1 token revoked. They stopped working immediately, and their owners were told. 2 selected tokens were already revoked or expired.",
    });
    expect(await revokedEvents(owner.id)).toHaveLength(1);
    expect(await db.apiToken.findUniqueOrThrow({ where: { id: expired.id }, select: { revokedAt: true } })).toEqual({ revokedAt: null });
    expect(await noticesTo(owner.email)).toHaveLength(1);
  });

  it("two submissions at once with the same grant revoke once: one audit row per token, one notice per owner", async () => {
    const alice = await newUser("double-a");
    const bob = await newUser("double-b");
    const tokens = [await seedToken(alice, "a1"), await seedToken(alice, "a2"), await seedToken(bob, "b1")];
    const { context } = await newAdmin("double");
    const input = await withGrant(
      context,
      tokens.map((token) => token.id),
    );

    const outcomes = await Promise.all([revokeSelectedTokens(context, input), revokeSelectedTokens(context, input)]);
    expect(outcomes.map((outcome) => outcome.revoked).sort()).toEqual([0, 3]);
    expect(outcomes.find((outcome) => outcome.revoked === 0)).toEqual({ revoked: 0, skipped: 3 });
    expect(await activeCount(input.tokenIds)).toBe(0);
    expect(await revokedEvents(alice.id)).toHaveLength(2);
    expect(await revokedEvents(bob.id)).toHaveLength(1);
    expect(await noticesTo(alice.email)).toHaveLength(1);
    expect(await noticesTo(bob.email)).toHaveLength(1);
  });

  it("the admin's window for their own account opens nothing here", async () => {
    const owner = await newUser("window");
    const token = await seedToken(owner, "kept");
    const { context } = await newAdmin("window");
    await completeStepUp(context, "api_token.create", tokenRequest("admins-own"));
    const challenge = await expectStepUpRequired(revokeSelectedTokens(context, selection([token.id])));
    expect(challenge).toMatchObject({ action: ACTION, description: "revoke 1 API token" });
    expect(await activeCount([token.id])).toBe(1);
  });

  it("the selection is bounded, de-duplicated and sorted before it is hashed", async () => {
    const { context } = await newAdmin("bounds");
    request.state.session = context.session;
    const tooMany = Array.from({ length: MAX_TOKENS_PER_REVOKE + 1 }, () => crypto.randomUUID());
    const refused: ActionState = await adminRevokeSelectedTokensAction(initialActionState, { tokenIds: tooMany });
    expect(refused).toMatchObject({
      ok: false,
      code: "VALIDATION_FAILED",
      fieldErrors: { tokenIds: [`Select at most ${MAX_TOKENS_PER_REVOKE} tokens at a time`] },
    });
    expect(await adminRevokeSelectedTokensAction(initialActionState, { tokenIds: [] })).toMatchObject({
      ok: false,
      code: "VALIDATION_FAILED",
    });
    expect(await adminRevokeSelectedTokensAction(initialActionState, { tokenIds: ["not-a-uuid"] })).toMatchObject({
      ok: false,
      code: "VALIDATION_FAILED",
    });
    const [a, b] = [crypto.randomUUID(), crypto.randomUUID()].sort();
    if (!a || !b) throw new Error("two ids");
    expect(selection([b, a.toUpperCase(), a])).toEqual({ tokenIds: [a, b] });
  });
});
