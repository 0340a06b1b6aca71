import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import pg from "pg";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { createApiTokenAction } from "@/actions/api-tokens";
import { translatorFor } from "@/i18n/translator";
import { db, disconnectDb } from "@/lib/db";
import { migrate } from "@/lib/db/migrate";
import { getEnv } from "@/lib/env";
import type { ActionState } from "@/shared/action-state";
import { errorMessage } from "@/shared/errors";
import type { StepUpChallengeDto } from "@/shared/step-up";
import { withClient } from "@/test/helpers/db";
import { request, sameOriginHeaders } from "@/test/helpers/next-request";
import { challengeAttempts, latestStepUpCode, newStepUpUser, tokenRequest } from "@/test/helpers/step-up";
import { proofs } from "@/tooling/app-client";
import { startEmbeddedPostgres, type EmbeddedDatabase } from "@/tooling/embedded-postgres";

// This file stops and restarts its own Postgres, so it must not share the run's cluster.
const dataDir = path.join(process.cwd(), ".data", `outage-pg-${randomBytes(4).toString("hex")}`);
let port = 0;
let postgres: EmbeddedDatabase | undefined;

const startPostgres = async () => {
  postgres = await startEmbeddedPostgres({ dataDir, persistent: true, port });
};
const stopPostgres = async () => {
  await postgres?.stop();
  postgres = undefined;
};

beforeAll(async () => {
  port = await new Promise<number>((resolve) => {
    const server = net.createServer().listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
  await startPostgres();
  if (!postgres) throw new Error("postgres did not start");
  await withClient(postgres.url(), (client) => client.query("CREATE DATABASE app"));
  await migrate({ databaseUrl: postgres.url("app") });
  // Before the app's first query: lib/env reads DATABASE_URL once.
  process.env.DATABASE_URL = postgres.url("app");
}, 120_000);

afterAll(async () => {
  await disconnectDb();
  await stopPostgres();
  rmSync(dataDir, { recursive: true, force: true });
}, 60_000);

let logged: string[] = [];
beforeEach(() => {
  request.state = { session: null, headers: sameOriginHeaders(getEnv().APP_URL), deferred: [] };
  logged = [];
  // Still printed; kept so that a failure shows which codes the error carried (the causes field).
  const print = console.error.bind(console);
  vi.spyOn(console, "error").mockImplementation((...line: unknown[]) => {
    logged.push(line.map(String).join(" "));
    print(...line);
  });
});
afterEach(() => {
  vi.restoreAllMocks();
});

const UNAVAILABLE = { ok: false, code: "UNAVAILABLE", message: errorMessage(translatorFor("en", "errors"), "UNAVAILABLE") };

function expectUnavailable(result: ActionState<unknown>): void {
  expect(result, `logged:\n${logged.join("\n")}`).toMatchObject(UNAVAILABLE);
  expectNoInternals(result);
}

/** Signed in, with a challenge for creating token `name` pending and its code read from the mailbox. */
async function pendingTokenChallenge(name: string): Promise<{ challenge: StepUpChallengeDto; code: string; userId: string }> {
  const { user, context } = await newStepUpUser(`outage-${name}`);
  request.state.session = context.session;
  const asked = await createApiTokenAction({ ok: false }, tokenRequest(name));
  if (!asked.challenge) throw new Error(`expected a challenge, got ${JSON.stringify(asked)}`);
  return { challenge: asked.challenge, code: await latestStepUpCode(user.email), userId: user.id };
}

function databaseUrl(): string {
  if (!postgres) throw new Error("postgres is not running");
  return postgres.url("app");
}

/** Waits until a backend of the app database is blocked inserting into api_tokens (the table another connection holds); returns its pid. */
async function waitForInsertWaitingOnLock(timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    // A fresh connection each time: pg_stat_activity is a snapshot per transaction.
    const { rows } = await withClient(databaseUrl(), (client) =>
      client.query<{ pid: number }>(
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND ltrim(query, E' \\n') LIKE 'INSERT INTO api_tokens%'",
      ),
    );
    if (rows[0]) return rows[0].pid;
    if (Date.now() > deadline) throw new Error("the change never reached the held table");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function expectNoInternals(result: ActionState<unknown>): void {
  expect(JSON.stringify(result)).not.toMatch(/ECONNREFUSED|stack|at \w+ \(|prisma|127\.0\.0\.1/i);
}

describe("Postgres stops in the middle of a flow, then comes back (same app process)", () => {
  it("while sending a code: 'temporarily unavailable', nothing half-made; afterwards the same request works", async () => {
    const { user, context } = await newStepUpUser("outage-send");
    request.state.session = context.session;
    await stopPostgres();
    try {
      const result = await createApiTokenAction({ ok: false }, tokenRequest("while-down"));
      expectUnavailable(result);
    } finally {
      await startPostgres();
    }
    expect(await db.stepUpChallenge.count({ where: { userId: user.id } })).toBe(0);
    const again = await createApiTokenAction({ ok: false }, tokenRequest("while-down"));
    expect(again).toMatchObject({ status: "step_up_required" });
    expect(await db.stepUpChallenge.count({ where: { userId: user.id } })).toBe(1);
  }, 60_000);

  it("while checking the code sent with the change: 'temporarily unavailable', the attempt is not spent, and the same request works afterwards", async () => {
    const { challenge, code, userId } = await pendingTokenChallenge("verify");
    const answer = { ...tokenRequest("verify"), stepUp: { challengeId: challenge.id, proofs: proofs(code) } };
    await stopPostgres();
    try {
      const result = await createApiTokenAction({ ok: false }, answer);
      expectUnavailable(result);
    } finally {
      await startPostgres();
    }
    expect(await challengeAttempts(challenge.id)).toBe(0);
    expect(await db.user.findUniqueOrThrow({ where: { id: userId }, select: { stepUpFailures: true } })).toEqual({ stepUpFailures: 0 });
    expect(await db.apiToken.count({ where: { userId } })).toBe(0);
    expect(await createApiTokenAction({ ok: false }, answer)).toMatchObject({ ok: true, data: { token: expect.stringMatching(/^asec_/) } });
    expect(await db.apiToken.count({ where: { userId } })).toBe(1);
  }, 60_000);

  it("while making the change, after the code was accepted, its connection is cut: 'temporarily unavailable', no token, no grant, the code's check rolled back with it; afterwards the same request lands once", async () => {
    const { challenge, code, userId } = await pendingTokenChallenge("change");
    const answer = { ...tokenRequest("change"), stepUp: { challengeId: challenge.id, proofs: proofs(code) } };
    // Another connection holds api_tokens, so the change's INSERT waits inside its transaction,
    // after the code was checked and the grant minted and used; that backend is then terminated
    // (what a stopping Postgres does to every backend, here without stopping the others).
    await withClient(databaseUrl(), async (holder) => {
      await holder.query("BEGIN");
      await holder.query("LOCK TABLE api_tokens IN EXCLUSIVE MODE");
      const pending = createApiTokenAction({ ok: false }, answer);
      const pid = await waitForInsertWaitingOnLock(10_000);
      await holder.query("SELECT pg_terminate_backend($1)", [pid]);
      const result = await pending;
      expectUnavailable(result);
      await holder.query("ROLLBACK");
    });
    expect(await db.apiToken.count({ where: { userId } })).toBe(0);
    expect(await db.auditEvent.count({ where: { actorId: userId, type: "api_token.created" } })).toBe(0);
    expect(await db.stepUpGrant.count({ where: { userId } })).toBe(0);
    expect(await db.auditEvent.count({ where: { actorId: userId, type: { in: ["step_up.verified", "step_up.grant_used"] } } })).toBe(0);
    expect(await challengeAttempts(challenge.id)).toBe(0);
    expect(
      (await db.stepUpChallenge.findUniqueOrThrow({ where: { id: challenge.id }, select: { code: true } })).code?.consumedAt,
    ).toBeNull();

    expect(await createApiTokenAction({ ok: false }, answer)).toMatchObject({ ok: true, data: { token: expect.stringMatching(/^asec_/) } });
    expect(await db.apiToken.count({ where: { userId } })).toBe(1);
    expect(await db.auditEvent.count({ where: { actorId: userId, type: "api_token.created" } })).toBe(1);
  }, 60_000);

  it("Postgres stops while the change waits inside its transaction: 'temporarily unavailable', nothing committed; once it is back the same request lands once", async () => {
    const { challenge, code, userId } = await pendingTokenChallenge("stop-mid-change");
    const answer = { ...tokenRequest("stop-mid-change"), stepUp: { challengeId: challenge.id, proofs: proofs(code) } };
    const holder = new pg.Client({ connectionString: databaseUrl() });
    // The server going away is expected here; without a listener pg would throw it at the process.
    holder.on("error", () => undefined);
    await holder.connect();
    let result: ActionState<unknown>;
    try {
      await holder.query("BEGIN");
      await holder.query("LOCK TABLE api_tokens IN EXCLUSIVE MODE");
      const pending = createApiTokenAction({ ok: false }, answer);
      await waitForInsertWaitingOnLock(10_000);
      await stopPostgres();
      // The pooled connection of the waiting transaction dies with the server: depending on timing
      // pg reports 57P01 or "not queryable"; both must read as unavailable.
      result = await pending;
    } finally {
      await startPostgres();
    }
    expectUnavailable(result);
    expect(await db.apiToken.count({ where: { userId } })).toBe(0);
    expect(await db.stepUpGrant.count({ where: { userId } })).toBe(0);
    expect(await challengeAttempts(challenge.id)).toBe(0);

    expect(await createApiTokenAction({ ok: false }, answer)).toMatchObject({ ok: true });
    expect(await db.apiToken.count({ where: { userId } })).toBe(1);
  }, 60_000);
});
