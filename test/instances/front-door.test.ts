import { request as httpRequest } from "node:http";
import { Client } from "pg";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { hashPassword } from "@/lib/auth/password";
import { SIGN_IN_LIMITS } from "@/lib/auth/sign-in-limits";
import { db, disconnectDb } from "@/lib/db";
import { randomEmail, STRONG_PASSWORD } from "@/test/helpers/fixtures";
import { dumpDatabase } from "@/test/helpers/step-up";
import { AppClient, CODE_EMAIL_SUBJECT, emailsTo, ServerActions, waitForCode } from "@/tooling/app-client";
import { PROD_DIST_DIR, startProdStack, type ProdStack } from "@/tooling/prod-stack";

// The hardening issue, against production servers as `npm start` runs them: who the client is
// cannot be chosen by the client, and no request from outside makes the server answer 500 or log
// an uncaught exception.

const DIRECT_PORT = 3320;
const BEHIND_PROXY_PORT = 3321;
// A server clients reach directly: its public origin is the address they connect to.
const DIRECT_URL = `https://127.0.0.1:${DIRECT_PORT}`;
const FORGED = "<svg/data-x=7/onload=alert(7)>";

let direct: ProdStack;
let behindProxy: ProdStack;
let actions: ServerActions;

beforeAll(async () => {
  // Started one after the other: two production servers booting at once on two cores is slow enough.
  direct = await startProdStack({ instances: 1, basePort: DIRECT_PORT, name: "direct", appUrl: DIRECT_URL, env: { TRUSTED_PROXIES: "0" } });
  behindProxy = await startProdStack({ instances: 1, basePort: BEHIND_PROXY_PORT, name: "behind-proxy", env: { TRUSTED_PROXIES: "1" } });
  actions = ServerActions.fromBuild(PROD_DIST_DIR);
});

afterAll(async () => {
  try {
    await disconnectDb();
  } finally {
    await Promise.all([direct?.stop(), behindProxy?.stop()]);
  }
});

// The lib's database client is the last stack's (startProdStack points this process at it);
// the direct stack's database is read with a plain client.
async function directQuery<Row>(sql: string): Promise<Row[]> {
  const client = new Client({ connectionString: direct.databaseUrl });
  await client.connect();
  try {
    return (await client.query(sql)).rows as Row[];
  } finally {
    await client.end();
  }
}

describe("with no trusted proxy, X-Forwarded-For from the client is never believed", () => {
  test(`${SIGN_IN_LIMITS.perIp.limit + 1} sign-in guesses from one address, each with another forged header: the last is refused`, async () => {
    const replies = [];
    for (let guess = 0; guess <= SIGN_IN_LIMITS.perIp.limit; guess++) {
      const client = new AppClient({ appUrl: DIRECT_URL, actions, ip: `203.0.113.${guess + 1}` });
      replies.push(
        await client.action(direct.urls[0]!, "signInAction", { email: randomEmail(`forged-${guess}`), password: "not-the-password-123" }),
      );
    }
    expect(replies.slice(0, -1).map((reply) => reply.code)).toEqual(Array(SIGN_IN_LIMITS.perIp.limit).fill("INVALID_CREDENTIALS"));
    expect(replies.at(-1)).toMatchObject({ ok: false, code: "RATE_LIMITED" });
    expect(await directQuery("SELECT DISTINCT ip FROM audit_events WHERE type = 'auth.sign_in_failed'")).toEqual([{ ip: "127.0.0.1" }]);
  });
});

describe("behind one trusted proxy", () => {
  test("the entry that proxy appended is the client; what the client wrote before it is not", async () => {
    const passwordHash = await hashPassword(STRONG_PASSWORD);
    const account = await db.user.create({
      data: { email: randomEmail("proxied"), passwordHash, emailVerifiedAt: new Date() },
      select: { id: true, email: true },
    });
    const client = new AppClient({ appUrl: behindProxy.appUrl, actions, ip: "6.6.6.6, 198.51.100.77" });
    expect(await client.signIn(behindProxy.urls[0]!, account.email, STRONG_PASSWORD)).toMatchObject({ redirect: "/settings" });
    const session = await db.session.findFirstOrThrow({ where: { userId: account.id }, select: { ip: true } });
    expect(session.ip).toBe("198.51.100.77");
  });

  test("an address that is no IP is unknown: never stored, never in an email, and it does not escape the per-address limit", async () => {
    const passwordHash = await hashPassword(STRONG_PASSWORD);
    const account = await db.user.create({
      data: { email: randomEmail("forged-ip"), passwordHash, emailVerifiedAt: new Date() },
      select: { id: true, email: true },
    });
    const client = new AppClient({ appUrl: behindProxy.appUrl, actions, ip: FORGED });
    const on = behindProxy.urls[0]!;
    expect(await client.signIn(on, account.email, STRONG_PASSWORD)).toMatchObject({ redirect: "/settings" });
    const asked = await client.action(on, "createApiTokenAction", { name: "ci", scopes: ["profile:read"], expiry: "30" });
    expect(asked).toMatchObject({ code: "STEP_UP_REQUIRED" });
    await waitForCode(behindProxy.resend, account.email);

    const [email] = emailsTo(behindProxy.resend, account.email, CODE_EMAIL_SUBJECT);
    expect(email?.text).not.toContain("svg");
    expect(email?.text).not.toContain("IP ");
    const dump = await dumpDatabase();
    for (const [table, rows] of Object.entries(dump)) expect(rows.includes("onload"), `table ${table}`).toBe(false);
    const session = await db.session.findFirstOrThrow({ where: { userId: account.id }, select: { ip: true } });
    expect(session.ip).toBeNull();

    const guesses = [];
    for (let guess = 0; guess <= SIGN_IN_LIMITS.perIp.limit; guess++) {
      guesses.push(
        await new AppClient({ appUrl: behindProxy.appUrl, actions, ip: `${FORGED}-${guess}` }).action(on, "signInAction", {
          email: randomEmail(`unknown-${guess}`),
          password: "not-the-password-123",
        }),
      );
    }
    // Each guess came with another unparseable address: all of them share the unknown address's budget.
    expect(guesses.slice(0, -1).every((reply) => reply.code === "INVALID_CREDENTIALS")).toBe(true);
    expect(guesses.at(-1)).toMatchObject({ code: "RATE_LIMITED" });
  });
});

type Probe = { name: string; path?: string; headers?: Record<string, string>; body: string };

/** Requests that used to get a 500 (or an uncaught exception in the log) from Next.js. */
function malformedRequests(actionId: string): Probe[] {
  const action = {
    "next-action": actionId,
    "content-type": "text/plain;charset=UTF-8",
    origin: behindProxy.appUrl,
    "x-forwarded-host": new URL(behindProxy.appUrl).host,
  };
  return [
    {
      name: "a server action under /api/v1/ without Origin",
      path: "/api/v1/anything",
      headers: { "next-action": actionId, "content-type": "text/plain" },
      body: "anything",
    },
    { name: "a 5 MB body", headers: action, body: "a".repeat(5_000_000) },
    { name: "64 KB + 1", headers: action, body: "a".repeat(64 * 1024 + 1) },
    { name: "arrays 30,000 deep", headers: action, body: "[".repeat(30_000) + "]".repeat(30_000) },
    { name: "objects 9,000 deep", headers: action, body: '{"a":'.repeat(9_000) + "1" + "}".repeat(9_000) },
    {
      name: "a step-up proof 5,000 deep",
      headers: action,
      body: `[{"ok":false},{"stepUp":${'{"code":'.repeat(5_000)}"1"${"}".repeat(5_000)}}]`,
    },
    { name: "a reply that is not JSON", headers: action, body: "{{{" },
    { name: "a reference to a missing row", headers: action, body: '["$1"]' },
    {
      name: "a cut-off multipart reply",
      headers: { ...action, "content-type": "multipart/form-data; boundary=x" },
      body: '--x\r\nContent-Disposition: form-data; name="0"\r\n\r\n[',
    },
    { name: "Origin the app's, Host another", headers: { ...action, "x-forwarded-host": "evil.test" }, body: "[]" },
  ];
}

function send(base: string, probe: Probe): Promise<number> {
  return fetch(new URL(probe.path ?? "/login", base), { method: "POST", headers: probe.headers, body: probe.body }).then(
    async (response) => {
      await response.arrayBuffer();
      return response.status;
    },
  );
}

describe("malformed requests from outside", () => {
  test("each gets a 4xx in the one JSON error shape, never a 500, and the log shows no error", async () => {
    const base = behindProxy.urls[0]!;
    const before = behindProxy.output(0).length;
    for (const probe of malformedRequests(actions.find("signInAction").id)) {
      const response = await fetch(new URL(probe.path ?? "/login", base), { method: "POST", headers: probe.headers, body: probe.body });
      expect(response.status, probe.name).toBeGreaterThanOrEqual(400);
      expect(response.status, probe.name).toBeLessThan(500);
      expect(Object.keys((await response.json()) as object).sort(), probe.name).toEqual(["error", "message"]);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
    const log = behindProxy.output(0).slice(before);
    expect(log).not.toMatch(/uncaughtException|unhandledRejection|⨯|Error:/);
  });

  test("a client that stops sending mid-body leaves no uncaught exception behind", async () => {
    const before = behindProxy.output(0).length;
    const { port } = new URL(behindProxy.urls[0]!);
    for (let i = 0; i < 5; i++) {
      await new Promise<void>((resolve) => {
        const outgoing = httpRequest({
          host: "127.0.0.1",
          port,
          path: "/api/v1/me",
          method: "POST",
          headers: { "next-action": "7f00", "content-length": 5_000 },
        });
        outgoing.on("error", () => resolve());
        outgoing.on("close", () => resolve());
        outgoing.write("x".repeat(100), () => setTimeout(() => outgoing.destroy(), 20));
      });
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(behindProxy.output(0).slice(before)).not.toMatch(/uncaughtException|⨯|Error:/);
  });

  test("a burst of them: the process stays healthy and /api/health answers throughout", async () => {
    const base = behindProxy.urls[0]!;
    const probes = malformedRequests(actions.find("signInAction").id).filter((probe) => probe.body.length < 1_000_000);
    let bursting = true;
    const health: number[] = [];
    const watcher = (async () => {
      while (bursting) {
        const response = await fetch(new URL("/api/health", base), { signal: AbortSignal.timeout(5_000) });
        health.push(response.status);
        await response.arrayBuffer();
      }
    })();
    const statuses: number[] = [];
    for (let round = 0; round < 10; round++)
      statuses.push(...(await Promise.all(probes.flatMap((probe) => [send(base, probe), send(base, probe)]))));
    bursting = false;
    await watcher;
    expect(statuses).toHaveLength(probes.length * 20);
    expect(statuses.every((status) => status >= 400 && status < 500)).toBe(true);
    expect(health.length).toBeGreaterThan(0);
    expect(health.every((status) => status === 200)).toBe(true);
    expect((await fetch(new URL("/login", base), { headers: { "x-forwarded-host": new URL(behindProxy.appUrl).host } })).status).toBe(200);
  });
});
