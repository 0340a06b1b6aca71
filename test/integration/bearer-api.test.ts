import { afterAll, describe, expect, it } from "vitest";
import { GET } from "@/app/api/v1/me/route";
import { createApiToken, type CreatedApiToken } from "@/lib/api-tokens/create";
import { generateToken } from "@/lib/api-tokens/format";
import { revokeApiToken } from "@/lib/api-tokens/revoke";
import { db } from "@/lib/db";
import { getEnv } from "@/lib/env";
import type { RequestContext } from "@/lib/http/context";
import type { ApiTokenScope } from "@/shared/api-tokens";
import { completeStepUp, newStepUpUser, tokenRequest, type TestUser } from "@/test/helpers/step-up";
import { statementsOf } from "@/tooling/sql-statements";

afterAll(async () => {
  const { disconnectDb } = await import("@/lib/db");
  await disconnectDb();
});

function me(headers: Record<string, string> = {}): Promise<Response> {
  return GET(new Request("http://localhost/api/v1/me", { headers }));
}

function bearer(token: string, ip = "198.51.100.20"): Record<string, string> {
  return { authorization: `Bearer ${token}`, "x-forwarded-for": ip };
}

async function withToken(
  label: string,
  scopes: ApiTokenScope[] = ["profile:read"],
): Promise<{ user: TestUser; context: RequestContext; created: CreatedApiToken }> {
  const { user, context } = await newStepUpUser(label);
  await completeStepUp(context, "api_token.create", tokenRequest("api"));
  const created = await createApiToken(context, tokenRequest("api", { scopes }));
  return { user, context, created };
}

type Answer = { status: number; body: string; wwwAuthenticate: string | null; cacheControl: string | null };

async function answer(response: Response): Promise<Answer> {
  return {
    status: response.status,
    body: await response.text(),
    wwwAuthenticate: response.headers.get("www-authenticate"),
    cacheControl: response.headers.get("cache-control"),
  };
}

describe("GET /api/v1/me with a bearer token", () => {
  it("a valid token → 200 { id, email }, not cached", async () => {
    const { user, created } = await withToken("valid");
    const response = await me(bearer(created.token));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ id: user.id, email: user.email });
    expect(response.headers.get("cache-control")).toBe("no-store");
  });

  it("missing, malformed, bad checksum, unknown, expired and revoked tokens all get the identical 401", async () => {
    const { created } = await withToken("invalid");
    const expired = await withToken("expired");
    await db.$executeRaw`UPDATE api_tokens SET expires_at = now() - interval '1 second' WHERE id = ${expired.created.apiToken.id}::uuid`;
    const revoked = await withToken("revoked");
    await revokeApiToken(revoked.context, revoked.created.apiToken.id);
    const lastChar = created.token.at(-1) === "0" ? "1" : "0";

    const cases: [string, Record<string, string>][] = [
      ["missing header", {}],
      ["empty bearer", { authorization: "Bearer " }],
      ["basic scheme", { authorization: `Basic ${Buffer.from("a:b").toString("base64")}` }],
      ["no scheme", { authorization: created.token }],
      ["lower-case scheme and two spaces", { authorization: `bearer  ${created.token}` }],
      ["malformed", bearer("asec_not-a-token")],
      ["bad checksum", bearer(created.token.slice(0, -1) + lastChar)],
      ["unknown", bearer(generateToken())],
      ["expired", bearer(expired.created.token)],
      ["revoked", bearer(revoked.created.token)],
      ["token in a query string only", {}],
    ];

    const answers: Answer[] = [];
    for (const [, headers] of cases) answers.push(await answer(await me(headers)));
    const queryOnly = await answer(await GET(new Request(`http://localhost/api/v1/me?access_token=${created.token}`)));

    for (const result of [...answers, queryOnly]) {
      expect(result).toEqual({
        status: 401,
        body: JSON.stringify({ error: "invalid_token", message: "The bearer token is missing, malformed, unknown, expired or revoked." }),
        wwwAuthenticate: 'Bearer error="invalid_token"',
        cacheControl: "no-store",
      });
    }
    // And the valid token still works.
    expect((await me(bearer(created.token))).status).toBe(200);
  });

  it("a token without the profile:read scope → 403 insufficient_scope", async () => {
    const { created } = await withToken("scope", ["tokens:read"]);
    const response = await me(bearer(created.token));
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ error: "insufficient_scope", message: "This token does not have the profile:read scope." });
    expect(response.headers.get("www-authenticate")).toContain('error="insufficient_scope"');
  });

  it("records last use time and IP on first use, and rewrites them at most once a minute", async () => {
    const { created } = await withToken("last-used");
    const id = created.apiToken.id;
    expect(await db.apiToken.findUniqueOrThrow({ where: { id }, select: { lastUsedAt: true, lastUsedIp: true } })).toEqual({
      lastUsedAt: null,
      lastUsedIp: null,
    });

    await me(bearer(created.token, "198.51.100.1"));
    const first = await db.apiToken.findUniqueOrThrow({ where: { id } });
    expect(first.lastUsedIp).toBe("198.51.100.1");
    expect(first.lastUsedAt).not.toBeNull();

    await me(bearer(created.token, "198.51.100.2"));
    const second = await db.apiToken.findUniqueOrThrow({ where: { id } });
    expect(second.lastUsedIp).toBe("198.51.100.1");
    expect(second.lastUsedAt).toEqual(first.lastUsedAt);

    // Only the rightmost X-Forwarded-For entry (our proxy's) counts.
    await db.$executeRaw`UPDATE api_tokens SET last_used_at = last_used_at - interval '61 seconds' WHERE id = ${id}::uuid`;
    await me(bearer(created.token, "10.0.0.1, 198.51.100.3"));
    const third = await db.apiToken.findUniqueOrThrow({ where: { id } });
    expect(third.lastUsedIp).toBe("198.51.100.3");
    expect(third.lastUsedAt?.getTime()).toBeGreaterThan((first.lastUsedAt?.getTime() ?? 0) - 61_000);
  });

  it("a rejected request does not touch last use", async () => {
    const { created } = await withToken("no-touch", ["tokens:read"]);
    await me(bearer(created.token));
    expect((await db.apiToken.findUniqueOrThrow({ where: { id: created.apiToken.id } })).lastUsedAt).toBeNull();
  });

  it("a token refused by its own rate limit does not touch last use", async () => {
    const { created } = await withToken("limited-no-touch");
    await db.$executeRaw`INSERT INTO rate_limits (key, window_start, count) VALUES (${`api:token:${created.apiToken.id}`}, now(), ${getEnv().API_RATE_LIMIT_PER_TOKEN})`;
    const response = await me(bearer(created.token));
    expect(response.status).toBe(429);
    expect((await db.apiToken.findUniqueOrThrow({ where: { id: created.apiToken.id } })).lastUsedAt).toBeNull();
  });

  it("one SQL statement per request: both limits, the token, its scope and the last-use touch in one prepared round trip", async () => {
    const { user, created } = await withToken("one-statement");
    const scopeless = await withToken("one-statement-scope", ["tokens:read"]);
    const ip = "198.51.100.30";
    const countOf = async (key: string) =>
      (await db.$queryRaw<{ count: number }[]>`SELECT count FROM rate_limits WHERE key = ${key}`)[0]?.count ?? 0;

    // The first use records last use (a write), later ones within the minute do not: both are one statement.
    for (const round of ["first use", "within the minute"]) {
      const { value: response, statements } = await statementsOf(() => me(bearer(created.token, ip)));
      expect({ round, status: response.status }).toEqual({ round, status: 200 });
      expect(await response.json()).toEqual({ id: user.id, email: user.email });
      // Parsed and planned once per connection: planning this statement costs more than running it.
      expect(statements.map((statement) => statement.name)).toEqual(["bearer-check"]);
    }
    expect((await db.apiToken.findUniqueOrThrow({ where: { id: created.apiToken.id } })).lastUsedIp).toBe(ip);
    expect(await countOf(`api:token:${created.apiToken.id}`)).toBe(2);

    for (const [label, token, status] of [
      ["wrong scope", scopeless.created.token, 403],
      ["unknown", generateToken(), 401],
      ["malformed", "asec_not-a-token", 401],
    ] as const) {
      const { value: response, statements } = await statementsOf(() => me(bearer(token, ip)));
      expect({ label, status: response.status, statements: statements.length }).toEqual({ label, status, statements: 1 });
    }
    // Every request was counted against the address; the scopeless token's against its own limit too.
    expect(await countOf(`api:ip:${ip}`)).toBe(5);
    expect(await countOf(`api:token:${scopeless.created.apiToken.id}`)).toBe(1);
  });

  it("revocation is immediate: under 100 concurrent requests, none started after the revoke returned succeeds", async () => {
    const { context, created } = await withToken("revoke-race");
    let revoked = false;
    const revoke = revokeApiToken(context, created.apiToken.id).then(() => {
      revoked = true;
    });

    const requests: Promise<{ startedAfterRevoke: boolean; status: number }>[] = [];
    for (let i = 0; i < 100; i++) {
      const startedAfterRevoke = revoked;
      requests.push(me(bearer(created.token)).then((response) => ({ startedAfterRevoke, status: response.status })));
      // Let the revoke and earlier requests make progress, so requests start before, during and after the commit.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    await revoke;
    // Make sure some requests certainly start after the commit.
    for (let i = 0; i < 20; i++)
      requests.push(me(bearer(created.token)).then((response) => ({ startedAfterRevoke: true, status: response.status })));

    const results = await Promise.all(requests);
    expect(results.every((result) => result.status === 200 || result.status === 401)).toBe(true);
    const after = results.filter((result) => result.startedAfterRevoke);
    expect(after.length).toBeGreaterThanOrEqual(20);
    expect(after.filter((result) => result.status !== 401)).toHaveLength(0);
    expect((await me(bearer(created.token))).status).toBe(401);
  });
});
