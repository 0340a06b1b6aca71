import { randomBytes } from "node:crypto";
import { Client } from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { countEventsPerDay, listAccountsNeedingAttention } from "@/lib/audit/query";
import { pruneAuditEvents } from "@/lib/audit/retention";
import { rollUpAttentionWindow, rollUpAuditEvents, rollUpEventCounts } from "@/lib/audit/rollups";
import { db } from "@/lib/db";
import { jobDefinitions } from "@/lib/jobs/schedule";
import type { AuditFilter } from "@/shared/audit";
import { typesInCategory } from "@/shared/audit-events";
import { testDatabaseUrl, withClient } from "@/test/helpers/db";

// The chart and the attention panel read roll-ups plus the events past their watermark. Every
// figure here is checked against a COUNT over the raw rows, in the same database, whatever the
// other tests wrote: rolled up or not, committed late, rolled back, written while rolling up.

afterAll(async () => {
  const { disconnectDb } = await import("@/lib/db");
  await disconnectDb();
});

const DAY_MS = 86_400_000;
const tag = () => randomBytes(4).toString("hex");
const dayOf = (date: Date) => date.toISOString().slice(0, 10);
const daysAgo = (days: number) => new Date(Date.now() - days * DAY_MS);
const OUTCOMES = ["SUCCESS", "FAILURE", "BLOCKED"] as const;
const TYPES = ["auth.sign_in", "auth.sign_in_failed", "step_up.verify_failed", "step_up.locked", "api_token.created"] as const;

type Seed = { email: string; at: Date; outcome?: (typeof OUTCOMES)[number]; type?: (typeof TYPES)[number] };

const INSERT = `INSERT INTO audit_events (type, outcome, actor_email, created_at) VALUES ($1, $2::"AuditOutcome", $3, $4)`;

async function insert(events: Seed[], client?: Client): Promise<void> {
  for (const event of events) {
    const values = [event.type ?? "auth.sign_in", event.outcome ?? "SUCCESS", event.email, event.at];
    if (client) await client.query(INSERT, values);
    else await db.$executeRawUnsafe(INSERT, ...values);
  }
}

/** A mix over the last `days` days: every outcome, several types, a few addresses. */
function mix(prefix: string, count: number, days = 40): Seed[] {
  return Array.from({ length: count }, (_, i) => ({
    email: `${prefix}-${i % 4}@rollup.test`,
    at: new Date(Date.now() - ((i * 7919) % (days * 24)) * 3_600_000 - (i % 60) * 1000),
    outcome: OUTCOMES[i % 3],
    type: TYPES[(i * 3) % TYPES.length],
  }));
}

/** What the chart must show, straight from the rows (the query the chart ran before the roll-ups). */
async function rawPerDay(filter: { from: string; to: string; types?: string[]; outcome?: string }) {
  const rows = await db.$queryRawUnsafe<{ day: string; success: number; failure: number; blocked: number }[]>(
    `SELECT to_char(d.day, 'YYYY-MM-DD') AS day,
       count(e.id) FILTER (WHERE e.outcome = 'SUCCESS')::int AS success,
       count(e.id) FILTER (WHERE e.outcome = 'FAILURE')::int AS failure,
       count(e.id) FILTER (WHERE e.outcome = 'BLOCKED')::int AS blocked
     FROM generate_series($1::date, $2::date, interval '1 day') AS d(day)
     LEFT JOIN audit_events e ON (e.created_at AT TIME ZONE 'UTC')::date = d.day::date
       AND ($3::text[] IS NULL OR e.type = ANY($3::text[])) AND ($4::text IS NULL OR e.outcome::text = $4)
     GROUP BY d.day ORDER BY d.day`,
    filter.from,
    filter.to,
    filter.types ?? null,
    filter.outcome ?? null,
  );
  return rows;
}

/** What the attention panel must show, straight from the rows. */
async function rawAttention(limit: number) {
  const rows = await db.$queryRaw<{ email: string; failed: number; lockouts: number; rate_limited: number }[]>`
    SELECT actor_email AS email,
      count(*) FILTER (WHERE outcome = 'FAILURE')::int AS failed,
      count(*) FILTER (WHERE type = 'step_up.locked')::int AS lockouts,
      count(*) FILTER (WHERE outcome = 'BLOCKED' AND type <> 'step_up.locked')::int AS rate_limited
    FROM audit_events
    WHERE created_at > now() - interval '24 hours' AND outcome <> 'SUCCESS' AND actor_email IS NOT NULL
    GROUP BY actor_email
    ORDER BY count(*) DESC, actor_email
    LIMIT ${limit}`;
  return rows.map((row) => ({ email: row.email, failedVerifications: row.failed, lockouts: row.lockouts, rateLimited: row.rate_limited }));
}

const RANGE: AuditFilter = { from: dayOf(daysAgo(45)), to: dayOf(new Date()) };

async function expectChartExact(): Promise<void> {
  const range = { from: RANGE.from ?? "", to: RANGE.to ?? "" };
  expect(await countEventsPerDay(RANGE)).toEqual(await rawPerDay(range));
  expect(await countEventsPerDay({ ...RANGE, group: "sign_in" })).toEqual(await rawPerDay({ ...range, types: typesInCategory("sign_in") }));
  expect(await countEventsPerDay({ ...RANGE, outcome: "FAILURE" })).toEqual(await rawPerDay({ ...range, outcome: "FAILURE" }));
}

async function rolledUpTotal(): Promise<number> {
  const [row] = await db.$queryRaw<[{ n: bigint | null }]>`SELECT sum(count) AS n FROM audit_event_counts`;
  return Number(row.n ?? 0);
}

async function watermark(): Promise<bigint> {
  const [row] = await db.$queryRaw<[{ w: bigint }]>`SELECT counts_tx_id AS w FROM audit_rollup_state WHERE id = 1`;
  return row.w;
}

describe("the chart's daily counts", () => {
  it("equal a COUNT over the rows before, after and between roll-ups, for every filter the counts serve", async () => {
    await insert(mix(tag(), 120));
    await expectChartExact();
    await rollUpEventCounts();
    // Everything committed before the roll-up is now in the counts table, not read live.
    const [behind] = await db.$queryRaw<[{ n: bigint }]>`
      SELECT count(*) AS n FROM audit_events WHERE tx_id < (SELECT counts_tx_id FROM audit_rollup_state WHERE id = 1)`;
    expect(await rolledUpTotal()).toBe(Number(behind.n));
    expect(Number(behind.n)).toBeGreaterThanOrEqual(120);
    await expectChartExact();
    await insert(mix(tag(), 50));
    await expectChartExact();
    await rollUpEventCounts();
    await rollUpEventCounts();
    await expectChartExact();
  });

  it("count an event committed late with an older created_at exactly once, and a rolled-back one never", async () => {
    await rollUpEventCounts();
    const late = new Client({ connectionString: testDatabaseUrl() });
    const aborted = new Client({ connectionString: testDatabaseUrl() });
    await Promise.all([late.connect(), aborted.connect()]);
    try {
      await late.query("BEGIN");
      await insert([{ email: `${tag()}@rollup.test`, at: daysAgo(3), outcome: "FAILURE" }], late);
      await aborted.query("BEGIN");
      await insert([{ email: `${tag()}@rollup.test`, at: daysAgo(3), outcome: "FAILURE" }], aborted);
      // Others write and roll up meanwhile: the watermark may not pass the open transactions.
      await insert(mix(tag(), 20));
      await rollUpEventCounts();
      const { rows } = await late.query<{ tx: string }>("SELECT pg_current_xact_id()::text AS tx");
      expect(await watermark()).toBeLessThanOrEqual(BigInt(rows[0]?.tx ?? "0"));
      await expectChartExact();
      await late.query("COMMIT");
      await aborted.query("ROLLBACK");
      await expectChartExact();
      await rollUpEventCounts();
      await expectChartExact();
      await rollUpEventCounts();
      await expectChartExact();
    } finally {
      await Promise.all([late.end(), aborted.end()]);
    }
  });

  it("stay exact with writers and roll-ups running side by side", async () => {
    const prefix = tag();
    let writing = true;
    const writers = Array.from({ length: 6 }, async (_, w) => {
      await withClient(testDatabaseUrl(), async (client) => {
        for (let i = 0; i < 15; i++) {
          // Each transaction writes a few events spread over several days, some rolled back.
          await client.query("BEGIN");
          await insert(mix(`${prefix}-${w}-${i}`, 4, 10), client);
          await new Promise((resolve) => setTimeout(resolve, (w * 7 + i) % 5));
          await client.query(i % 5 === 4 ? "ROLLBACK" : "COMMIT");
        }
      });
    });
    const rollers = Array.from({ length: 2 }, async () => {
      while (writing) await rollUpAuditEvents();
    });
    await Promise.all(writers);
    writing = false;
    await Promise.all(rollers);
    await expectChartExact();
    await rollUpEventCounts();
    await expectChartExact();
    const [written] = await db.$queryRaw<[{ n: bigint }]>`SELECT count(*) AS n FROM audit_events WHERE actor_email LIKE ${`${prefix}-%`}`;
    expect(Number(written.n)).toBe(6 * 12 * 4);
  });

  it("lose what retention deletes", async () => {
    await insert(mix(tag(), 30, 60).map((event) => ({ ...event, at: new Date(event.at.getTime() - 30 * DAY_MS) })));
    await rollUpEventCounts();
    const wide = { from: dayOf(daysAgo(100)), to: dayOf(new Date()) };
    expect((await countEventsPerDay(wide)).some((day) => day.day < dayOf(daysAgo(31)) && day.success + day.failure + day.blocked > 0)).toBe(
      true,
    );
    await pruneAuditEvents(31);
    expect(await countEventsPerDay(wide)).toEqual(await rawPerDay(wide));
    const [stale] = await db.$queryRaw<[{ n: bigint }]>`SELECT count(*) AS n FROM audit_event_counts WHERE count <= 0`;
    expect(Number(stale.n)).toBe(0);
  });

  it("a run that finds another one (or retention) holding the roll-ups returns at once, having changed nothing", async () => {
    await insert(mix(tag(), 10));
    const before = await watermark();
    await withClient(testDatabaseUrl(), async (holder) => {
      await holder.query("BEGIN");
      await holder.query("SELECT 1 FROM audit_rollup_state WHERE id = 1 FOR UPDATE");
      try {
        expect(await rollUpEventCounts()).toBeNull();
        expect(await rollUpAttentionWindow()).toBeNull();
        expect(await watermark()).toBe(before);
        await expectChartExact();
      } finally {
        await holder.query("COMMIT");
      }
    });
    // Free again, it runs (how far it gets depends on every transaction open on the server).
    expect(await rollUpEventCounts()).not.toBeNull();
    expect(await rollUpAttentionWindow()).not.toBeNull();
    await expectChartExact();
  });

  it("the roll-up is a job that runs every minute", () => {
    const job = jobDefinitions({ TOKEN_AUTO_REVOKE_UNUSED_DAYS: undefined, AUDIT_RETENTION_DAYS: undefined }).find(
      (candidate) => candidate.name === "audit-rollups",
    );
    expect(job?.cron).toBe("* * * * *");
  });
});

describe("the attention panel's 24 hours", () => {
  const attentionMix = (prefix: string, count: number): Seed[] =>
    Array.from({ length: count }, (_, i) => ({
      email: `${prefix}-${i % 7}@rollup.test`,
      at: new Date(Date.now() - ((i * 337) % (23 * 60)) * 60_000 - 5_000),
      outcome: i % 4 === 0 ? "SUCCESS" : i % 4 === 1 ? "FAILURE" : "BLOCKED",
      type: i % 6 === 2 ? "step_up.locked" : i % 2 ? "step_up.verify_failed" : "auth.sign_in_failed",
    }));

  it("equals a COUNT over the rows before and after a roll-up, with events written since and committed late", async () => {
    await insert(attentionMix(tag(), 80));
    expect(await listAccountsNeedingAttention(100)).toEqual(await rawAttention(100));
    await rollUpAttentionWindow();
    expect(await listAccountsNeedingAttention(100)).toEqual(await rawAttention(100));
    expect(await listAccountsNeedingAttention()).toEqual(await rawAttention(10));

    const late = new Client({ connectionString: testDatabaseUrl() });
    await late.connect();
    try {
      await late.query("BEGIN");
      const prefix = tag();
      await insert(
        Array.from({ length: 30 }, (_, i) => ({
          email: `${prefix}@rollup.test`,
          at: new Date(Date.now() - (i + 1) * 3_600_000 * 0.7),
          outcome: "FAILURE",
        })),
        late,
      );
      // Transactions that began after it commit first, then the window is built.
      await insert(attentionMix(tag(), 10));
      await rollUpAttentionWindow();
      await insert(attentionMix(tag(), 20));
      expect(await listAccountsNeedingAttention(100)).toEqual(await rawAttention(100));
      await late.query("COMMIT");
      // The late address now leads, though the window was built before it committed.
      const leaders = await listAccountsNeedingAttention();
      expect(leaders[0]?.email).toBe(`${prefix}@rollup.test`);
      expect(leaders).toEqual(await rawAttention(10));
      await rollUpAttentionWindow();
      expect(await listAccountsNeedingAttention()).toEqual(await rawAttention(10));
    } finally {
      await late.end();
    }
  });

  it("drops an event once it is more than 24 hours old, though the window was built while it was inside", async () => {
    const email = `${tag()}@rollup.test`;
    await insert(Array.from({ length: 40 }, () => ({ email, at: new Date(Date.now() - DAY_MS + 2_500), outcome: "FAILURE" as const })));
    await rollUpAttentionWindow();
    expect((await listAccountsNeedingAttention(1000)).find((row) => row.email === email)?.failedVerifications).toBe(40);
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const after = await listAccountsNeedingAttention(1000);
    expect(after.find((row) => row.email === email)).toBeUndefined();
    expect(after).toEqual(await rawAttention(1000));
  });
});
