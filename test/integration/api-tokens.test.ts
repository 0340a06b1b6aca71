import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { createApiTokenAction, revokeApiTokenAction } from "@/actions/api-tokens";
import { createApiToken } from "@/lib/api-tokens/create";
import { displayPrefix, generateToken, isWellFormedToken, TOKEN_PREFIX } from "@/lib/api-tokens/format";
import { listApiTokens } from "@/lib/api-tokens/list";
import { revokeApiToken } from "@/lib/api-tokens/revoke";
import { sha256Hex } from "@/lib/crypto";
import { db } from "@/lib/db";
import { listMailboxMessages } from "@/lib/email/mailbox";
import { deliverDueEmails } from "@/lib/email/outbox";
import { getEnv } from "@/lib/env";
import type { RequestContext } from "@/lib/http/context";
import { initialActionState } from "@/shared/action-state";
import { createApiTokenSchema, MAX_ACTIVE_TOKENS, tokenNameSchema } from "@/shared/api-tokens";
import { AppError } from "@/shared/errors";
import type { StepUpChallengeDto } from "@/shared/step-up";
import { request, sameOriginHeaders } from "@/test/helpers/next-request";
import {
  auditCount,
  completeStepUp,
  containsSecret,
  expectAppError,
  expectStepUpRequired,
  latestStepUpCode,
  latestStepUpEmail,
  newStepUpUser,
  stepUpEmails,
  tokenRequest,
  type TestUser,
} from "@/test/helpers/step-up";
import { proofs } from "@/tooling/app-client";

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const BODY_LENGTH = 32;

afterAll(async () => {
  const { disconnectDb } = await import("@/lib/db");
  await disconnectDb();
});

/** Active tokens made directly in the database (not through the flow under test). */
async function seedTokens(userId: string, count: number, overrides: { revokedAt?: Date; expiresAt?: Date } = {}): Promise<void> {
  await db.apiToken.createMany({
    data: Array.from({ length: count }, (_, i) => ({
      userId,
      name: `seed-${i}`,
      displayPrefix: "asec_seed00",
      tokenHash: sha256Hex(`${userId}:${i}:${crypto.randomUUID()}`),
      scopes: ["profile:read"],
      expiresAt: overrides.expiresAt ?? new Date(Date.now() + 86_400_000),
      revokedAt: overrides.revokedAt ?? null,
    })),
  });
}

async function signedIn(label: string): Promise<{ user: TestUser; context: RequestContext }> {
  const signed = await newStepUpUser(label);
  await completeStepUp(signed.context, "api_token.create", tokenRequest("unlock"));
  return signed;
}

describe("token format", () => {
  it("is asec_ + 32 base62 characters + a 6-character checksum that verifies", () => {
    const token = generateToken();
    expect(token).toMatch(/^asec_[0-9A-Za-z]{38}$/);
    expect(token.startsWith(TOKEN_PREFIX)).toBe(true);
    expect(isWellFormedToken(token)).toBe(true);
    expect(displayPrefix(token)).toBe(token.slice(0, 11));
  });

  it("carries at least 128 random bits: 190 bits of uniform base62, no repeats", () => {
    expect(BODY_LENGTH * Math.log2(ALPHABET.length)).toBeGreaterThanOrEqual(128);
    const tokens = Array.from({ length: 2000 }, () => generateToken());
    expect(new Set(tokens).size).toBe(tokens.length);
    const counts = new Map<string, number>();
    for (const token of tokens) for (const char of token.slice(5, 5 + BODY_LENGTH)) counts.set(char, (counts.get(char) ?? 0) + 1);
    expect(counts.size).toBe(62);
    const expected = (tokens.length * BODY_LENGTH) / 62;
    for (const count of counts.values()) {
      expect(count).toBeGreaterThan(expected * 0.8);
      expect(count).toBeLessThan(expected * 1.2);
    }
  });

  it("rejects every single-character typo, synchronously (no database involved)", () => {
    const token = generateToken();
    let typos = 0;
    for (let position = TOKEN_PREFIX.length; position < token.length; position++) {
      for (const replacement of ["0", "a", "Z", "9"]) {
        if (token[position] === replacement) continue;
        const typo = token.slice(0, position) + replacement + token.slice(position + 1);
        const verdict = isWellFormedToken(typo);
        expect(typeof verdict).toBe("boolean");
        expect(verdict).toBe(false);
        typos += 1;
      }
    }
    expect(typos).toBeGreaterThan(100);
  });

  it("rejects wrong prefixes, lengths and characters", () => {
    const token = generateToken();
    for (const bad of [
      "",
      token.slice(0, -1),
      `${token}a`,
      token.replace("asec_", "asek_"),
      token.replace("asec_", "ASEC_"),
      `${token.slice(0, 10)}-${token.slice(11)}`,
      ` ${token}`,
      `${token}\n`,
      token.toUpperCase(),
    ]) {
      expect(isWellFormedToken(bad)).toBe(false);
    }
  });
});

describe("creating tokens", () => {
  it("shows the plaintext once, stores only its SHA-256, and lists no secrets", async () => {
    const { user, context } = await signedIn("create");
    const created = await createApiToken(context, tokenRequest("ci-deploy", { scopes: ["profile:read", "tokens:read"] }));

    expect(isWellFormedToken(created.token)).toBe(true);
    expect(created.apiToken).toEqual({
      id: expect.any(String),
      name: "ci-deploy",
      displayPrefix: created.token.slice(0, 11),
      scopes: ["profile:read", "tokens:read"],
      createdAt: expect.any(String),
      expiresAt: expect.any(String),
      lastUsedAt: null,
      lastUsedIp: null,
      status: "active",
      stale: false,
    });
    const days = (Date.parse(created.apiToken.expiresAt) - Date.parse(created.apiToken.createdAt)) / 86_400_000;
    expect(Math.round(days)).toBe(30);

    const rows = await db.$queryRaw<Record<string, unknown>[]>`SELECT * FROM api_tokens WHERE user_id = ${user.id}::uuid`;
    expect(rows).toHaveLength(1);
    expect(rows[0]?.token_hash).toBe(sha256Hex(created.token));
    expect(rows[0]?.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(rows)).not.toContain(created.token);
    expect(JSON.stringify(rows)).not.toContain(created.token.slice(11));

    const listed = await listApiTokens(user.id);
    expect(listed).toEqual([created.apiToken]);
    const listedJson = JSON.stringify(listed);
    expect(listedJson).not.toContain(sha256Hex(created.token));
    expect(listedJson).not.toContain(created.token);
    expect(Object.keys(listed[0] ?? {}).some((key) => /hash|token$/i.test(key))).toBe(false);
  });

  it("records api_token.created with the display prefix as target and no plaintext", async () => {
    const { user, context } = await signedIn("audit-create");
    const created = await createApiToken(context, tokenRequest("audited"));
    const audit = await db.auditEvent.findMany({ where: { type: "api_token.created", actorId: user.id } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      outcome: "SUCCESS",
      targetType: "api_token",
      targetId: created.apiToken.displayPrefix,
      ip: "203.0.113.7",
    });
    expect(audit[0]?.metadata).toMatchObject({ tokenId: created.apiToken.id, name: "audited", scopes: ["profile:read"] });
    const json = JSON.stringify(audit, (_key, value: unknown) => (typeof value === "bigint" ? value.toString() : value));
    expect(json).not.toContain(created.token);
    expect(json).not.toContain(sha256Hex(created.token));
  });

  it("queues the notice in the same transaction and delivers it after commit, once", async () => {
    const { user, context } = await signedIn("notice");
    const created = await createApiToken(context, tokenRequest("noticed"));

    const queued = await db.emailOutbox.findMany({ where: { to: user.email } });
    expect(queued).toHaveLength(1);
    expect(queued[0]).toMatchObject({ subject: "A new API token was created", sentAt: null, attempts: 0, template: "securityNotice" });
    expect(queued[0]?.data).toMatchObject({
      notice: "tokenCreated",
      values: { name: "noticed" },
      facts: expect.arrayContaining([["token", `noticed (${created.apiToken.displayPrefix}…)`]]) as unknown,
    });
    expect(containsSecret(JSON.stringify(queued), created.token)).toBe(false);

    await deliverDueEmails();
    const notices = (await listMailboxMessages({ to: user.email })).filter((message) => message.subject === "A new API token was created");
    expect(notices).toHaveLength(1);
    expect(notices[0]?.text).toContain(`noticed (${created.apiToken.displayPrefix}…)`);
    expect(notices[0]?.text).toContain(`${getEnv().APP_URL}/settings/security`);
    expect((await db.emailOutbox.findUniqueOrThrow({ where: { id: queued[0]?.id } })).sentAt).not.toBeNull();

    await deliverDueEmails();
    expect(
      (await listMailboxMessages({ to: user.email })).filter((message) => message.subject === "A new API token was created"),
    ).toHaveLength(1);
  });

  it("a refused creation queues no notice", async () => {
    const { user, context } = await newStepUpUser("no-notice");
    await expectStepUpRequired(createApiToken(context, tokenRequest()));
    expect(await db.emailOutbox.count({ where: { to: user.email } })).toBe(0);
  });

  it("allows at most 50 active tokens; revoked and expired ones do not count", async () => {
    const { user, context } = await signedIn("limit");
    await seedTokens(user.id, MAX_ACTIVE_TOKENS - 1);
    await seedTokens(user.id, 3, { revokedAt: new Date() });
    await seedTokens(user.id, 3, { expiresAt: new Date(Date.now() - 1000) });

    const fiftieth = await createApiToken(context, tokenRequest("fiftieth"));
    expect(fiftieth.apiToken.name).toBe("fiftieth");

    const refused = await expectAppError(createApiToken(context, tokenRequest("fifty-first")), "LIMIT_REACHED");
    expect(refused.details.limit).toBe(50);
    expect(await db.apiToken.count({ where: { userId: user.id, name: "fifty-first" } })).toBe(0);
    expect(await db.emailOutbox.count({ where: { to: user.email, subject: "A new API token was created" } })).toBe(1);
    expect(await auditCount("api_token.created", user.id)).toBe(1);

    await revokeApiToken(context, fiftieth.apiToken.id);
    await createApiToken(context, tokenRequest("after-revoke"));
  });

  it("the limit holds under parallel creation: 49 active + 6 parallel creates → exactly 1 more", async () => {
    const { user, context } = await signedIn("limit-race");
    await seedTokens(user.id, MAX_ACTIVE_TOKENS - 1);
    const results = await Promise.allSettled(Array.from({ length: 6 }, (_, i) => createApiToken(context, tokenRequest(`race-${i}`))));
    expect(results.filter((result) => result.status === "fulfilled")).toHaveLength(1);
    for (const result of results) if (result.status === "rejected") expect((result.reason as AppError).code).toBe("LIMIT_REACHED");
    expect(await db.apiToken.count({ where: { userId: user.id, revokedAt: null } })).toBe(MAX_ACTIVE_TOKENS);
  });
});

describe("revoking tokens", () => {
  it("revokes, records api_token.revoked with the prefix and queues a notice", async () => {
    const { user, context } = await signedIn("revoke");
    const created = await createApiToken(context, tokenRequest("to-revoke"));

    await revokeApiToken(context, created.apiToken.id);

    const [listed] = await listApiTokens(user.id);
    expect(listed?.status).toBe("revoked");
    const audit = await db.auditEvent.findMany({ where: { type: "api_token.revoked", actorId: user.id } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ targetType: "api_token", targetId: created.apiToken.displayPrefix });
    expect(JSON.stringify(audit, (_key, value: unknown) => (typeof value === "bigint" ? value.toString() : value))).not.toContain(
      created.token,
    );
    expect(await db.emailOutbox.count({ where: { to: user.email, subject: "An API token was revoked" } })).toBe(1);

    await expectAppError(revokeApiToken(context, created.apiToken.id), "NOT_FOUND");
  });

  it("another user's token is NOT_FOUND, without a challenge or an email", async () => {
    const owner = await signedIn("revoke-owner");
    const created = await createApiToken(owner.context, tokenRequest("mine"));
    const stranger = await newStepUpUser("revoke-stranger");

    await expectAppError(revokeApiToken(stranger.context, created.apiToken.id), "NOT_FOUND");
    expect(await stepUpEmails(stranger.user.email)).toHaveLength(0);
    expect((await db.apiToken.findUniqueOrThrow({ where: { id: created.apiToken.id } })).revokedAt).toBeNull();
  });

  it("revoking needs step-up too", async () => {
    const { user, context } = await newStepUpUser("revoke-step-up");
    await seedTokens(user.id, 1);
    const token = await db.apiToken.findFirstOrThrow({ where: { userId: user.id } });
    const challenge = await expectStepUpRequired(revokeApiToken(context, token.id));
    expect(challenge).toMatchObject({ action: "api_token.revoke", description: 'revoke API token "seed-0"' });
    expect((await db.apiToken.findUniqueOrThrow({ where: { id: token.id } })).revokedAt).toBeNull();
  });
});

describe("token names", () => {
  const refused: [string, string][] = [
    ["empty", ""],
    ["blank", "   "],
    ["a newline", "line\nbreak"],
    ["a carriage return", "line\rbreak"],
    ["a tab", "tab\there"],
    ["a NUL", "nul\u0000"],
    ["65 characters", "x".repeat(65)],
    ["10 KB", "x".repeat(10 * 1024)],
  ];

  it.each(refused)("refuses %s", (_label, name) => {
    expect(createApiTokenSchema.safeParse({ name, scopes: ["profile:read"], expiry: "30" }).success).toBe(false);
  });

  it("accepts 64 characters and trims surrounding spaces", () => {
    expect(tokenNameSchema.parse("y".repeat(64))).toBe("y".repeat(64));
    expect(tokenNameSchema.parse("  ci  ")).toBe("ci");
  });

  it("refuses unknown scopes, no scopes, unknown expiries and custom dates past 365 days", () => {
    const base = { name: "ci", scopes: ["profile:read"], expiry: "30" };
    const farFuture = new Date(Date.now() + 400 * 86_400_000).toISOString().slice(0, 10);
    for (const input of [
      { ...base, scopes: ["admin"] },
      { ...base, scopes: [] },
      { ...base, scopes: "profile:read" },
      { ...base, expiry: "3650" },
      { ...base, expiry: "custom" },
      { ...base, expiry: "custom", expiresOn: farFuture },
      { ...base, expiry: "custom", expiresOn: "2000-01-01" },
    ]) {
      expect(createApiTokenSchema.safeParse(input).success).toBe(false);
    }
  });

  it("a <script> name is kept as text and escaped in every email", async () => {
    const { user, context } = await newStepUpUser("script-name");
    const name = '<script>alert("x")</script>';
    await completeStepUp(context, "api_token.create", tokenRequest(name));
    const created = await createApiToken(context, tokenRequest(name));
    expect(created.apiToken.name).toBe(name);

    const codeEmail = await latestStepUpEmail(user.email);
    await deliverDueEmails();
    const notice = (await listMailboxMessages({ to: user.email })).find((message) => message.subject === "A new API token was created");
    for (const html of [codeEmail.html, notice?.html ?? ""]) {
      expect(html).not.toContain("<script>");
      expect(html).toContain("&lt;script&gt;");
    }
  });
});

describe("the server actions (as the modal drives them)", () => {
  let user: TestUser;
  let context: RequestContext;

  beforeEach(async () => {
    ({ user, context } = await newStepUpUser("actions"));
    request.state.session = context.session;
    request.state.headers = sameOriginHeaders(getEnv().APP_URL);
    request.state.deferred = [];
  });

  const badNames: [string, unknown][] = [
    ["a newline", "a\nb"],
    ["10 KB", "x".repeat(10 * 1024)],
    ["an array", ["ci", "cd"]],
    ["an object", { name: "ci" }],
  ];

  it.each(badNames)("a name with %s is refused, bounded, and sends no code", async (_label, name) => {
    const result = await createApiTokenAction({ ok: false }, { name, scopes: ["profile:read"], expiry: "30" });
    expect(result).toMatchObject({ ok: false, code: "VALIDATION_FAILED" });
    expect(result.fieldErrors?.name?.length).toBeGreaterThan(0);
    expect(JSON.stringify(result).length).toBeLessThan(2000);
    expect(await stepUpEmails(user.email)).toHaveLength(0);
    expect(await db.apiToken.count({ where: { userId: user.id } })).toBe(0);
  });

  it("create → step_up_required → the same create with the code shows the token once; identity comes from the session", async () => {
    const stranger = await newStepUpUser("actions-stranger");
    const input = { name: "ci-deploy", scopes: ["profile:read"], expiry: "30", userId: stranger.user.id, role: "ADMIN" };

    const first = await createApiTokenAction({ ok: false }, input);
    expect(first).toMatchObject({ ok: false, code: "STEP_UP_REQUIRED", status: "step_up_required" });
    const challenge = first.challenge as StepUpChallengeDto;
    expect(challenge.action).toBe("api_token.create");
    expect(await db.apiToken.count({ where: { userId: user.id } })).toBe(0);

    const answered = await createApiTokenAction(
      { ok: false },
      { ...input, stepUp: { challengeId: challenge.id, proofs: proofs(await latestStepUpCode(user.email)) } },
    );
    expect(answered.ok).toBe(true);
    const data = answered.data;
    if (!data) throw new Error("expected the created token");
    expect(isWellFormedToken(data.token)).toBe(true);
    const row = await db.apiToken.findUniqueOrThrow({ where: { id: data.apiToken.id } });
    expect(row.userId).toBe(user.id);
    expect(await db.apiToken.count({ where: { userId: user.id } })).toBe(1);
    expect(await db.apiToken.count({ where: { userId: stranger.user.id } })).toBe(0);

    // The notice goes out after the response (next/server after()).
    expect(request.state.deferred).toHaveLength(1);
    await Promise.all(request.state.deferred.map((callback) => callback()));
    expect((await listMailboxMessages({ to: user.email })).some((message) => message.subject === "A new API token was created")).toBe(true);

    // Revoke inside the sudo window: no second code.
    const revoked = await revokeApiTokenAction(initialActionState, { tokenId: data.apiToken.id });
    expect(revoked).toMatchObject({ ok: true });
    expect(await stepUpEmails(user.email)).toHaveLength(1);
    expect((await db.apiToken.findUniqueOrThrow({ where: { id: data.apiToken.id } })).revokedAt).not.toBeNull();
  });

  it("a cross-site post creates nothing and sends no code", async () => {
    request.state.headers = new Headers({ origin: getEnv().APP_URL, "sec-fetch-site": "cross-site" });
    expect(await createApiTokenAction({ ok: false }, { name: "ci", scopes: ["profile:read"], expiry: "30" })).toMatchObject({
      ok: false,
      code: "FORBIDDEN",
    });
    request.state.headers = new Headers();
    expect(await createApiTokenAction({ ok: false }, { name: "ci", scopes: ["profile:read"], expiry: "30" })).toMatchObject({
      ok: false,
      code: "FORBIDDEN",
    });
    expect(await stepUpEmails(user.email)).toHaveLength(0);
  });

  it("revoking a malformed id is a validation error", async () => {
    expect(await revokeApiTokenAction(initialActionState, { tokenId: "1 OR 1=1" })).toMatchObject({ ok: false, code: "VALIDATION_FAILED" });
  });
});
