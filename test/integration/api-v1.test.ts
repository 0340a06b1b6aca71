import { afterAll, describe, expect, it } from "vitest";
import { signOutUserEverywhere } from "@/lib/admin-users/sign-out";
import { createApiToken } from "@/lib/api-tokens/create";
import { generateToken } from "@/lib/api-tokens/format";
import { listApiTokens } from "@/lib/api-tokens/list";
import { revokeApiToken } from "@/lib/api-tokens/revoke";
import { DEFAULT_AUDIT_PAGE, ENDPOINTS, MAX_AUDIT_PAGE } from "@/lib/api/endpoints";
import { listAccountActivity, listAuditEvents } from "@/lib/audit/query";
import { recordStandaloneEvent } from "@/lib/audit/record";
import { sha256Hex } from "@/lib/crypto";
import { db, disconnectDb } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { grantableScopes, type ApiTokenScope } from "@/shared/api-tokens";
import type { AuditFilter } from "@/shared/audit";
import { anotherToken, apiCaller, callApi, ENDPOINT_NAMES, freshIp, type Caller, type EndpointName } from "@/test/helpers/api";
import { meta, randomEmail } from "@/test/helpers/fixtures";
import {
  ageRateLimits,
  completeStepUp,
  expectAppError,
  newContext,
  newSession,
  newUser,
  stepUpEmails,
  tokenRequest,
} from "@/test/helpers/step-up";

afterAll(disconnectDb);

const INVALID_TOKEN_BODY = { error: "invalid_token", message: "The bearer token is missing, malformed, unknown, expired or revoked." };

type Answer = { status: number; body: unknown; headers: Record<string, string | null> };

async function answer(response: Response): Promise<Answer> {
  const headers: Record<string, string | null> = {};
  for (const name of ["www-authenticate", "cache-control", "retry-after", "ratelimit-policy", "ratelimit", "content-type"]) {
    headers[name] = response.headers.get(name);
  }
  return { status: response.status, body: await response.json(), headers };
}

/** Every field of a 401 except the RateLimit field, whose remaining count moves with each request. */
function withoutRemaining({ headers, ...rest }: Answer) {
  return { ...rest, headers: { ...headers, ratelimit: null } };
}

describe("scope matrix: each endpoint needs its own scope", () => {
  it.each(ENDPOINT_NAMES)("%s: the right scope → 200, every other scope → 403, no or a bad token → the identical 401", async (name) => {
    const endpoint = ENDPOINTS[name];
    const admin = endpoint.scope === "audit:read";
    const caller = await apiCaller(`matrix-${name}`, [endpoint.scope], { admin });
    // Everything else the account may grant, on one token: still not enough.
    const others = await anotherToken(
      caller,
      grantableScopes(admin ? "ADMIN" : "USER").filter((scope) => scope !== endpoint.scope),
      "others",
    );
    const ip = freshIp();

    const ok = await answer(await callApi(name, { token: caller.token, ip }));
    expect(ok.status).toBe(200);
    expect(ok.headers["cache-control"]).toBe("no-store");
    expect(ok.headers["ratelimit-policy"]).toBe(
      `"ip";q=${getEnv().API_RATE_LIMIT_PER_IP};w=60, "token";q=${getEnv().API_RATE_LIMIT_PER_TOKEN};w=60`,
    );
    expect(ok.headers.ratelimit).toMatch(/^"ip";r=\d+;t=\d+, "token";r=\d+;t=\d+$/);

    const refused = await answer(await callApi(name, { token: others.token, ip }));
    expect(refused.status).toBe(403);
    expect(refused.body).toEqual({ error: "insufficient_scope", message: `This token does not have the ${endpoint.scope} scope.` });
    expect(refused.headers["www-authenticate"]).toBe(`Bearer error="insufficient_scope", scope="${endpoint.scope}"`);
    expect(refused.headers["ratelimit-policy"]).toContain('"token"');

    const revoked = await anotherToken(caller, [endpoint.scope], "revoked");
    await revokeApiToken(caller.context, revoked.apiToken.id);
    const unauthorized = [
      await callApi(name, { ip }),
      await callApi(name, { token: generateToken(), ip }),
      await callApi(name, { token: "asec_malformed", ip }),
      await callApi(name, { token: revoked.token, ip }),
      await callApi(name, { ip, headers: { authorization: `Basic ${caller.token}` } }),
    ];
    const answers = await Promise.all(unauthorized.map(answer));
    for (const result of answers) {
      expect(withoutRemaining(result)).toEqual({
        status: 401,
        body: INVALID_TOKEN_BODY,
        headers: {
          "www-authenticate": 'Bearer error="invalid_token"',
          "cache-control": "no-store",
          "retry-after": null,
          // Only the address was counted: no token limit is named, so nothing tells which token it was.
          "ratelimit-policy": `"ip";q=${getEnv().API_RATE_LIMIT_PER_IP};w=60`,
          ratelimit: null,
          "content-type": expect.stringMatching(/^application\/json/),
        },
      });
      expect(result.headers.ratelimit).toMatch(/^"ip";r=\d+;t=\d+$/);
    }
  });

  it("each endpoint answers with the caller's data", async () => {
    const caller = await apiCaller("data", grantableScopes("USER"));
    const ip = freshIp();
    const body = async (name: EndpointName) => {
      const response = await callApi(name, { token: caller.token, ip });
      expect(response.status).toBe(200);
      return response.json();
    };
    expect(await body("me")).toEqual({ id: caller.user.id, email: caller.user.email });
    expect(await body("tokens")).toEqual({
      data: [expect.objectContaining({ id: caller.created.apiToken.id, scopes: grantableScopes("USER"), status: "active" })],
    });
    expect(await body("sessions")).toEqual({ data: [expect.objectContaining({ id: caller.context.session.id })] });
    const events = (await body("securityEvents")) as { data: { sentence: string }[] };
    expect(events.data.length).toBeGreaterThan(0);
    expect(events).toEqual(await listAccountActivity(caller.user.id, {}).then(({ events: data, nextCursor }) => ({ data, nextCursor })));
  });
});

describe("the admin-only audit:read scope", () => {
  it("a non-admin cannot create an audit:read token: FORBIDDEN before step-up, so no code is emailed", async () => {
    const user = await newUser("not-admin");
    const context = await newContext(user);
    for (const scopes of [["audit:read"], ["profile:read", "audit:read"]] as ApiTokenScope[][]) {
      await expectAppError(createApiToken(context, tokenRequest("audit", { scopes })), "FORBIDDEN");
    }
    expect(await stepUpEmails(user.email)).toEqual([]);
    expect(await db.stepUpChallenge.count({ where: { userId: user.id } })).toBe(0);
    expect(await db.apiToken.count({ where: { userId: user.id } })).toBe(0);

    // Even with a step-up grant already open (sudo window), the scope is refused.
    await completeStepUp(context, "api_token.create", tokenRequest("audit"));
    await expectAppError(createApiToken(context, tokenRequest("audit", { scopes: ["audit:read"] })), "FORBIDDEN");
    expect(await db.apiToken.count({ where: { userId: user.id } })).toBe(0);
  });

  it("an admin's audit:read token works, stops (403) once the owner is demoted, and works again when re-promoted", async () => {
    const caller = await apiCaller("audit-admin", ["audit:read", "profile:read"], { admin: true });
    const ip = freshIp();
    const audit = () => callApi("auditEvents", { token: caller.token, ip });
    expect((await audit()).status).toBe(200);

    await db.user.update({ where: { id: caller.user.id }, data: { role: "USER" } });
    const demoted = await answer(await audit());
    expect(demoted.status).toBe(403);
    expect(demoted.body).toEqual({ error: "insufficient_scope", message: "This token does not have the audit:read scope." });
    // The token's other scopes keep working: only the admin-only one is gone.
    expect((await callApi("me", { token: caller.token, ip })).status).toBe(200);

    await db.user.update({ where: { id: caller.user.id }, data: { role: "ADMIN" } });
    expect((await audit()).status).toBe(200);
  });
});

describe("GET /api/v1/tokens", () => {
  it("lists every token of the account and never a token or its hash", async () => {
    const caller = await apiCaller("list-tokens", ["tokens:read"]);
    const second = await anotherToken(caller, ["profile:read", "sessions:read"], "second");
    const revoked = await anotherToken(caller, ["profile:read"], "revoked");
    await revokeApiToken(caller.context, revoked.apiToken.id);
    const stranger = await apiCaller("stranger-tokens", ["tokens:read"]);

    const response = await callApi("tokens", { token: caller.token, ip: freshIp() });
    expect(response.status).toBe(200);
    const text = await response.text();
    for (const token of [caller.token, second.token, revoked.token, stranger.token]) {
      expect(text).not.toContain(token);
      expect(text).not.toContain(sha256Hex(token));
      // Nor any part of the secret beyond the prefix the security page shows.
      expect(text).not.toContain(token.slice(12));
    }
    const { data } = JSON.parse(text) as { data: { id: string; status: string; prefix: string }[] };
    const expected = (await listApiTokens(caller.user.id)).map((token) => ({
      id: token.id,
      name: token.name,
      prefix: token.displayPrefix,
      scopes: token.scopes,
      createdAt: token.createdAt,
      expiresAt: token.expiresAt,
      lastUsedAt: token.lastUsedAt,
      status: token.status,
    }));
    expect(data).toEqual(expected);
    expect(new Set(data.map((token) => token.id))).toEqual(new Set([caller.created.apiToken.id, second.apiToken.id, revoked.apiToken.id]));
    expect(data.find((token) => token.id === revoked.apiToken.id)?.status).toBe("revoked");
    expect(data.find((token) => token.id === caller.created.apiToken.id)?.prefix).toBe(caller.token.slice(0, 11));
  });
});

describe("GET /api/v1/sessions", () => {
  it("lists only the caller's active sessions", async () => {
    const caller = await apiCaller("list-sessions", ["sessions:read"]);
    const other = await newSession(caller.user, meta("192.0.2.44"));
    const revoked = await newSession(caller.user, meta("192.0.2.45"));
    await db.session.update({ where: { id: revoked.id }, data: { revokedAt: new Date() } });
    const expired = await newSession(caller.user, meta("192.0.2.46"));
    await db.session.update({ where: { id: expired.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const stranger = await newUser("stranger-sessions");
    const strangers = await newSession(stranger);

    const response = await callApi("sessions", { token: caller.token, ip: freshIp() });
    expect(response.status).toBe(200);
    const { data } = (await response.json()) as { data: { id: string; ip: string | null; device: string }[] };
    expect(new Set(data.map((session) => session.id))).toEqual(new Set([caller.context.session.id, other.id]));
    expect(data.map((session) => session.id)).not.toContain(strangers.id);
    expect(data.find((session) => session.id === other.id)).toMatchObject({ ip: "192.0.2.44", device: expect.any(String) });
    // A token is not a browser session: nothing is marked current.
    expect(data.every((session) => !("current" in session))).toBe(true);
  });
});

describe("GET /api/v1/security-events", () => {
  it("returns the caller's own events only; an admin's action on the caller is byAdmin with no address", async () => {
    const caller = await apiCaller("own-events", ["activity:read"]);
    const stranger = await apiCaller("stranger-events", ["activity:read"]);
    const strangerEvent = randomEmail("not-yours");
    await recordStandaloneEvent({
      type: "auth.sign_in_failed",
      outcome: "FAILURE",
      actor: { id: stranger.user.id, email: stranger.user.email },
      meta: meta("192.0.2.99"),
      reason: strangerEvent,
    });

    const adminUser = await newUser("acting-admin");
    await db.user.update({ where: { id: adminUser.id }, data: { role: "ADMIN" } });
    const adminContext = await newContext(adminUser, meta("192.0.2.77"));
    await completeStepUp(adminContext, "admin.user.sign_out", { userId: caller.user.id, email: caller.user.email });
    expect(await signOutUserEverywhere(adminContext, caller.user.id)).toMatchObject({ changed: true });

    const response = await callApi("securityEvents", { token: caller.token, ip: freshIp() });
    expect(response.status).toBe(200);
    const text = await response.text();
    const body = JSON.parse(text) as { data: { id: string; byAdmin: boolean; ip: string | null; device: string }[]; nextCursor: null };

    const own = await db.auditEvent.findMany({
      where: { OR: [{ actorId: caller.user.id }, { targetType: "user", targetId: caller.user.id }] },
      select: { id: true },
    });
    expect(new Set(body.data.map((event) => event.id))).toEqual(new Set(own.map((event) => event.id.toString())));
    const strangers = await db.auditEvent.findMany({ where: { actorId: stranger.user.id }, select: { id: true } });
    expect(strangers.length).toBeGreaterThan(1);
    for (const { id } of strangers) expect(body.data.map((event) => event.id)).not.toContain(id.toString());
    expect(text).not.toContain(strangerEvent);
    expect(text).not.toContain(stranger.user.email);

    const adminEvent = await db.auditEvent.findFirstOrThrow({ where: { type: "admin.user_signed_out", targetId: caller.user.id } });
    expect(adminEvent.ip).toBe("192.0.2.77");
    expect(body.data.find((event) => event.id === adminEvent.id.toString())).toMatchObject({ byAdmin: true, ip: null, device: "—" });
    expect(text).not.toContain("192.0.2.77");
    expect(text).not.toContain(adminUser.email);
    expect(body.data.filter((event) => event.id !== adminEvent.id.toString()).every((event) => !event.byAdmin)).toBe(true);
    expect(body).toEqual(await listAccountActivity(caller.user.id, {}).then(({ events: data, nextCursor }) => ({ data, nextCursor })));

    const tokens = await callApi("securityEvents", { token: caller.token, ip: freshIp(), query: { category: "tokens" } });
    const tokenEvents = (await tokens.json()) as { data: { category: string }[] };
    expect(tokenEvents.data.length).toBeGreaterThan(0);
    expect(tokenEvents.data.every((event) => event.category === "tokens")).toBe(true);
  });
});

describe("GET /api/v1/audit-events filters", () => {
  it("match the admin page's listAuditEvents for the same filter, page by page", async () => {
    const caller = await apiCaller("audit-filters", ["audit:read"], { admin: true });
    const prefix = `filters-${Date.now().toString(36)}`;
    const alice = await newUser(`${prefix}-alice`);
    const bob = await newUser(`${prefix}-bob`);
    const days = ["2026-03-01", "2026-03-02", "2026-03-03", "2026-03-04"];
    const types = [
      ["auth.sign_in", "SUCCESS"],
      ["auth.sign_in_failed", "FAILURE"],
      ["step_up.rate_limited", "BLOCKED"],
      ["api_token.created", "SUCCESS"],
      ["session.revoked", "SUCCESS"],
    ] as const;
    // Spread over days, three events in each millisecond, so the (created_at, id) keyset matters.
    await db.auditEvent.createMany({
      data: Array.from({ length: 120 }, (_, index) => {
        const actor = index % 3 === 0 ? bob : alice;
        const [type, outcome] = types[index % types.length]!;
        const target = index % 7 === 0 ? (actor === alice ? bob : alice) : null;
        return {
          type,
          outcome,
          actorId: actor.id,
          actorEmail: actor.email,
          targetType: target ? "user" : null,
          targetId: target?.id ?? null,
          ip: "203.0.113.9",
          userAgent: meta().userAgent,
          createdAt: new Date(`${days[index % days.length]}T12:00:00.${String(Math.floor(index / 3)).padStart(3, "0")}Z`),
        };
      }),
    });

    const filters: AuditFilter[] = [
      {},
      { group: "sign_in" },
      { group: "tokens" },
      { outcome: "FAILURE" },
      { outcome: "BLOCKED" },
      { account: alice.id },
      { account: bob.id, group: "sign_in" },
      { email: prefix },
      { email: bob.email.toUpperCase() },
      { email: `${prefix}-alice`, outcome: "SUCCESS" },
      { from: "2026-03-02", to: "2026-03-03" },
      { from: "2026-03-04" },
      { to: "2026-03-01", group: "sign_in" },
      { account: alice.id, from: "2026-03-02", to: "2026-03-02" },
      { email: prefix, group: "step_up", from: "2026-03-01", to: "2026-03-04" },
    ];
    const ip = freshIp();
    let nonEmpty = 0;
    for (const filter of filters) {
      let matched = 0;
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await listAuditEvents({ ...filter, email: filter.email?.toLowerCase(), cursor });
        const query = { ...(filter as Record<string, string>), limit: "50", ...(cursor ? { cursor } : {}) };
        const response = await callApi("auditEvents", { token: caller.token, ip, query });
        expect(response.status, JSON.stringify(filter)).toBe(200);
        const body = (await response.json()) as { data: { event: { id: string; action: string } }[]; nextCursor: string | null };
        expect(
          body.data.map((event) => [event.event.id, event.event.action]),
          JSON.stringify(filter),
        ).toEqual(page.events.map((event) => [event.id, event.type]));
        expect(body.nextCursor).toBe(page.nextCursor);
        matched += page.events.length;
        cursor = page.nextCursor ?? undefined;
        pages++;
      } while (cursor && pages < 20);
      if (matched > 0) nonEmpty++;
      // The token's budget is 120 a minute; this test makes more requests than that.
      await ageRateLimits(`api:token:${caller.created.apiToken.id}`, 61);
    }
    // Without a limit, a page holds DEFAULT_AUDIT_PAGE events.
    const unlimited = await callApi("auditEvents", { token: caller.token, ip });
    expect(((await unlimited.json()) as { data: unknown[] }).data).toHaveLength(DEFAULT_AUDIT_PAGE);
    // Every filter matched something, so equal answers are not two empty lists.
    expect(nonEmpty).toBe(filters.length);
    const narrow = await listAuditEvents({ account: alice.id, from: "2026-03-02", to: "2026-03-02" });
    expect(narrow.events.length).toBeGreaterThan(0);
    expect(narrow.events.every((event) => event.createdAt.startsWith("2026-03-02"))).toBe(true);
  });
});

describe("invalid query parameters", () => {
  it("→ 400 invalid_request naming the parameter, never echoing the value", async () => {
    const caller = await apiCaller("bad-query", ["audit:read", "activity:read"], { admin: true });
    const ip = freshIp();
    const valid = (
      (await (await callApi("auditEvents", { token: caller.token, ip, query: { after: "origin" } })).json()) as {
        nextCursor: string;
      }
    ).nextCursor;
    const forged = Buffer.from("f1:1:99999999999999999999").toString("base64url");
    const cases: [EndpointName, Record<string, string>, string][] = [
      ["auditEvents", { after: "zzz-not-a-cursor-zzz" }, "after"],
      ["auditEvents", { after: forged }, "after"],
      ["auditEvents", { after: Buffer.from("<script>alert(1)</script>").toString("base64url") }, "after"],
      ["auditEvents", { limit: "0" }, "limit"],
      ["auditEvents", { limit: "5000" }, "limit"],
      ["auditEvents", { limit: String(MAX_AUDIT_PAGE + 1) }, "limit"],
      ["auditEvents", { limit: "1.5" }, "limit"],
      ["auditEvents", { limit: "lots-of-rows" }, "limit"],
      ["auditEvents", { from: "2026-02-31" }, "from"],
      ["auditEvents", { to: "yesterday-evening" }, "to"],
      ["auditEvents", { account: "not-a-uuid-value" }, "account"],
      ["auditEvents", { group: "no-such-group-x" }, "group"],
      ["auditEvents", { outcome: "maybe-outcome" }, "outcome"],
      ["auditEvents", { cursor: "some-cursor-value", after: valid }, "after"],
      ["auditEvents", { cursor: "some-cursor-value", after: "latest" }, "after"],
      ["securityEvents", { category: "no-such-category" }, "category"],
      ["securityEvents", { cursor: "c".repeat(201) }, "cursor"],
    ];
    for (const [name, query, parameter] of cases) {
      const response = await callApi(name, { token: caller.token, ip, query });
      const text = await response.text();
      expect(response.status, JSON.stringify(query)).toBe(400);
      const body = JSON.parse(text) as { error: string; message: string };
      expect(Object.keys(body).sort()).toEqual(["error", "message"]);
      expect(body.error).toBe("invalid_request");
      expect(body.message).toMatch(new RegExp(`\\b${parameter}: `));
      // (Values short enough to occur in any sentence, like "0", are not looked for.)
      for (const value of Object.values(query).filter((value) => value.length >= 4)) {
        expect(text).not.toContain(value);
        if (value.length > 8) expect(text).not.toContain(value.slice(0, 8));
      }
      expect(response.headers.get("ratelimit-policy")).toContain('"token"');
    }
    // A valid after and a valid limit are accepted.
    expect((await callApi("auditEvents", { token: caller.token, ip, query: { after: valid, limit: String(MAX_AUDIT_PAGE) } })).status).toBe(
      200,
    );
  });
});

/** Fires `count` requests at once and returns their answers. */
async function burst(count: number, request: (index: number) => Promise<Response>): Promise<Answer[]> {
  return Promise.all(Array.from({ length: count }, (_, index) => request(index).then(answer)));
}

describe("rate limits (the defaults from lib/env.ts)", () => {
  it("per token: of limit + 20 concurrent requests with one token exactly `limit` succeed, the rest are 429", async () => {
    const limit = getEnv().API_RATE_LIMIT_PER_TOKEN;
    expect(limit).toBe(120);
    const caller = await apiCaller("token-limit", ["profile:read"]);
    // Spread over addresses, so only the token's limit can be what refuses.
    const answers = await burst(limit + 20, (index) => callApi("me", { token: caller.token, ip: `10.88.${index >> 6}.${index & 63}` }));

    const ok = answers.filter((result) => result.status === 200);
    const refused = answers.filter((result) => result.status !== 200);
    expect(ok).toHaveLength(limit);
    expect(refused).toHaveLength(20);
    // Every allowed hit was counted once: the remaining counts are exactly limit-1 … 0.
    const remaining = ok.map((result) => Number(/"token";r=(\d+);/.exec(result.headers.ratelimit ?? "")?.[1])).sort((a, b) => a - b);
    expect(remaining).toEqual(Array.from({ length: limit }, (_, index) => index));
    for (const result of refused) {
      expect(result.status).toBe(429);
      expect(result.body).toEqual({
        error: "rate_limited",
        message: expect.stringMatching(/^Too many requests\. Try again in \d+ seconds\.$/),
      });
      expect(Number(result.headers["retry-after"])).toBeGreaterThanOrEqual(1);
      expect(Number(result.headers["retry-after"])).toBeLessThanOrEqual(60);
      expect(result.headers["ratelimit-policy"]).toBe(`"ip";q=${getEnv().API_RATE_LIMIT_PER_IP};w=60, "token";q=${limit};w=60`);
      expect(result.headers.ratelimit).toMatch(/^"ip";r=\d+;t=\d+, "token";r=0;t=\d+$/);
    }

    // Another token of the same account has its own budget.
    const other = await anotherToken(caller, ["profile:read"]);
    expect((await callApi("me", { token: other.token, ip: freshIp() })).status).toBe(200);
    expect((await callApi("me", { token: caller.token, ip: freshIp() })).status).toBe(429);
    // Once the window has passed, the token works again.
    await ageRateLimits(`api:token:${caller.created.apiToken.id}`, 61);
    expect((await callApi("me", { token: caller.token, ip: freshIp() })).status).toBe(200);
  });

  it("per address: many tokens and invalid tokens from one address share its limit; other addresses are independent", async () => {
    const limit = getEnv().API_RATE_LIMIT_PER_IP;
    expect(limit).toBe(600);
    const callers: Caller[] = [];
    for (let index = 0; index < 3; index++) callers.push(await apiCaller(`ip-limit-${index}`, ["profile:read"]));
    const ip = freshIp();
    const total = limit + 20;
    // Valid tokens (each well under its own limit), unknown ones and malformed ones, interleaved.
    const tokenFor = (index: number) =>
      index % 8 < callers.length ? callers[index % 8]!.token : index % 8 === 3 ? generateToken() : "asec_garbage";
    const answers: Answer[] = [];
    for (let start = 0; start < total; start += 155) {
      answers.push(...(await burst(Math.min(155, total - start), (index) => callApi("me", { token: tokenFor(start + index), ip }))));
    }

    const limited = answers.filter((result) => result.status === 429);
    expect(limited).toHaveLength(20);
    expect(answers.filter((result) => result.status === 200 || result.status === 401)).toHaveLength(limit);
    for (const result of limited) {
      expect(result.body).toMatchObject({ error: "rate_limited" });
      expect(Number(result.headers["retry-after"])).toBeGreaterThanOrEqual(1);
      // Refused before the token was looked at: only the address limit is named.
      expect(result.headers["ratelimit-policy"]).toBe(`"ip";q=${limit};w=60`);
      expect(result.headers.ratelimit).toMatch(/^"ip";r=0;t=\d+$/);
    }

    // The same valid token, and even an unknown one, from one more address are not limited.
    for (const caller of callers) expect((await callApi("me", { token: caller.token, ip: freshIp() })).status).toBe(200);
    expect((await callApi("me", { token: generateToken(), ip: freshIp() })).status).toBe(401);
    // While the limited address stays limited, for every token…
    expect((await callApi("me", { token: callers[0]!.token, ip })).status).toBe(429);
    // …and the client-supplied part of X-Forwarded-For does not move it to another bucket.
    expect((await callApi("me", { token: callers[0]!.token, ip: `203.0.113.250, ${ip}` })).status).toBe(429);
    expect((await callApi("me", { token: callers[0]!.token, ip: `${ip}, 203.0.113.251` })).status).toBe(200);

    await ageRateLimits(`api:ip:${ip}`, 61);
    expect((await callApi("me", { token: callers[0]!.token, ip })).status).toBe(200);
  });
});
