import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { createAuditMonths, listAuditMonths, MONTHS_AHEAD } from "@/lib/audit/partitions";
import { listAuditEvents, slicesNewestFirst } from "@/lib/audit/query";
import { recordStandaloneEvent } from "@/lib/audit/record";
import { pruneAuditEvents } from "@/lib/audit/retention";
import { rollUpEventCounts } from "@/lib/audit/rollups";
import { db, disconnectDb } from "@/lib/db";
import { testDatabaseUrl, withClient } from "@/test/helpers/db";

// Each test file has its own database (test/setup/per-file.ts), so dropping whole months here
// touches no other file's events.
afterAll(disconnectDb);

const APPEND_ONLY = /append-only/;
const DAY_MS = 86_400_000;
const tag = () => randomBytes(4).toString("hex");

const monthStart = (at: Date, back = 0) => new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() - back, 1));
const monthName = (at: Date) => `audit_events_${at.getUTCFullYear()}_${String(at.getUTCMonth() + 1).padStart(2, "0")}`;
/** The middle of the month `back` months before this one. */
const midMonth = (back: number) => new Date(monthStart(new Date(), back).getTime() + 14 * DAY_MS + 12 * 3_600_000);

async function insertAt(email: string, dates: Date[]): Promise<void> {
  await db.auditEvent.createMany({
    data: dates.map((createdAt) => ({ type: "auth.sign_in", outcome: "SUCCESS", actorEmail: email, createdAt })),
  });
}

/** Which table each of the address's rows is kept in, newest first. */
async function partitionsOf(email: string): Promise<string[]> {
  const rows = await db.$queryRaw<{ partition: string }[]>`
    SELECT tableoid::regclass::text AS partition FROM audit_events WHERE actor_email = ${email} ORDER BY created_at DESC, id DESC`;
  return rows.map((row) => row.partition);
}

async function createMonth(day: Date): Promise<boolean> {
  const [row] = await db.$queryRaw<
    [{ created: boolean }]
  >`SELECT audit_events_create_month(${day.toISOString().slice(0, 10)}::date) AS created`;
  return row.created;
}

/** Every partition of audit_events and the triggers it has. */
async function partitionTriggers(): Promise<Map<string, string[]>> {
  const rows = await db.$queryRaw<{ name: string; triggers: string[] }[]>`
    SELECT c.relname AS name, ARRAY(SELECT t.tgname::text FROM pg_trigger t WHERE t.tgrelid = c.oid ORDER BY t.tgname) AS triggers
    FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
    WHERE i.inhparent = 'audit_events'::regclass`;
  return new Map(rows.map((row) => [row.name, row.triggers]));
}

/** The roll-up's counts against a count of the raw rows it has taken in: equal, day by day. */
async function countsMatchRows(): Promise<void> {
  const [mismatch] = await db.$queryRaw<[{ rows: number }]>`
    WITH raw AS (
      SELECT (created_at AT TIME ZONE 'UTC')::date AS day, type, outcome, count(*)::bigint AS n FROM audit_events
      WHERE tx_id < (SELECT counts_tx_id FROM audit_rollup_state WHERE id = 1) GROUP BY 1, 2, 3
    )
    SELECT count(*)::int AS rows FROM raw FULL JOIN audit_event_counts c USING (day, type, outcome)
    WHERE raw.n IS DISTINCT FROM c.count`;
  expect(mismatch.rows).toBe(0);
}

describe("monthly partitions of audit_events", () => {
  it("keeps this month and the next three, creating a missing one once however often the job runs", async () => {
    const first = await createAuditMonths();
    const again = await createAuditMonths();
    expect(again.created).toEqual([]);
    const names = (await listAuditMonths()).map((month) => month.name);
    for (let ahead = 0; ahead <= MONTHS_AHEAD; ahead++) expect(names).toContain(monthName(monthStart(new Date(), -ahead)));
    expect(first.created.every((name) => names.includes(name))).toBe(true);
    const months = await listAuditMonths();
    for (const month of months) expect(month.endsAt.getTime()).toBe(monthStart(month.startsAt, -1).getTime());
  });

  it("refuses UPDATE, DELETE and TRUNCATE on every partition, the default one and a month created later included", async () => {
    await createAuditMonths(MONTHS_AHEAD + 2);
    const triggers = await partitionTriggers();
    expect(triggers.has("audit_events_default")).toBe(true);
    expect(triggers.has(monthName(monthStart(new Date(), -(MONTHS_AHEAD + 2))))).toBe(true);
    for (const [name, names] of triggers) {
      expect(names, name).toContain("audit_events_no_truncate");
      expect(names, name).toContain("audit_events_no_update_or_delete");
    }

    const email = `${tag()}@partitions.test`;
    const thisMonth = monthName(new Date());
    const later = monthStart(new Date(), -(MONTHS_AHEAD + 2));
    await insertAt(email, [new Date(), new Date(later.getTime() + DAY_MS), new Date(Date.UTC(2099, 4, 10))]);
    expect(await partitionsOf(email)).toEqual(["audit_events_default", monthName(later), thisMonth]);
    await withClient(testDatabaseUrl(), async (client) => {
      for (const table of [thisMonth, "audit_events_default", monthName(later)]) {
        await expect(client.query(`TRUNCATE "${table}"`), table).rejects.toThrow(APPEND_ONLY);
        await expect(client.query(`UPDATE "${table}" SET reason = 'changed' WHERE actor_email = $1`, [email])).rejects.toThrow(APPEND_ONLY);
        await expect(client.query(`DELETE FROM "${table}" WHERE actor_email = $1`, [email])).rejects.toThrow(APPEND_ONLY);
      }
      await expect(client.query("TRUNCATE audit_events")).rejects.toThrow(APPEND_ONLY);
      // The retention cutoff lets no DELETE of a recent row through a partition either.
      await client.query("BEGIN");
      await client.query("SELECT set_config('audit.retention_cutoff', (now() - interval '31 days')::text, true)");
      await expect(client.query(`DELETE FROM "${thisMonth}" WHERE actor_email = $1`, [email])).rejects.toThrow(APPEND_ONLY);
      await client.query("ROLLBACK");
    });
    expect(await partitionsOf(email)).toHaveLength(3);
  });

  it("puts rows dated far in the future or the past in the default partition, lists them in order, and leaves their month there", async () => {
    const email = `${tag()}@partitions.test`;
    const future = new Date(Date.UTC(2098, 6, 4, 12));
    const past = new Date(Date.UTC(1991, 2, 3, 12));
    await insertAt(email, [past, new Date(), future]);
    expect(await partitionsOf(email)).toEqual(["audit_events_default", monthName(new Date()), "audit_events_default"]);
    const page = await listAuditEvents({ email });
    expect(page.events.map((event) => event.createdAt)).toEqual([future.toISOString(), expect.any(String), past.toISOString()]);

    // Its rows would have to move (a DELETE): the month is not created, and the rows stay readable.
    expect(await createMonth(future)).toBe(false);
    expect(await createMonth(new Date(Date.UTC(2098, 7, 1)))).toBe(true);
    expect(await partitionsOf(email)).toEqual(["audit_events_default", monthName(new Date()), "audit_events_default"]);
    expect((await listAuditEvents({ email })).events).toHaveLength(3);
  });

  it("reads a page across months newest first, whatever months there are", async () => {
    const email = `${tag()}@partitions.test`;
    const dates = [0, 1, 2, 3, 5, 8, 13].map((back) => midMonth(back));
    for (const date of dates) await createMonth(date);
    // 7 months, 4 rows each: a page of 50 needs every one of them, in several slices.
    await insertAt(
      email,
      dates.flatMap((date) => [0, 1, 2, 3].map((hour) => new Date(date.getTime() + hour * 3_600_000))),
    );
    const expected = await db.$queryRaw<{ id: bigint }[]>`
      SELECT id FROM audit_events WHERE actor_email = ${email} ORDER BY created_at DESC, id DESC`;
    const first = await listAuditEvents({ email });
    expect(first.events.map((event) => event.id)).toEqual(expected.map((row) => row.id.toString()));
    const byDay = await listAuditEvents({ email, from: dates[4]!.toISOString().slice(0, 10), to: dates[1]!.toISOString().slice(0, 10) });
    expect(byDay.events).toHaveLength(16);
  });

  it("slices time newest first into stretches that meet, and ends open below or at the range's start", () => {
    const now = new Date("2026-12-04T10:00:00Z");
    const oldest = new Date("2024-01-01T00:00:00Z");
    const slices = [...slicesNewestFirst({}, null, oldest, now)];
    expect(slices[0]).toEqual({ from: new Date("2026-12-01T00:00:00Z"), to: null });
    for (let index = 1; index < slices.length; index++) expect(slices[index]!.to).toEqual(slices[index - 1]!.from);
    expect(slices.at(-1)!.from).toBeNull();
    expect(slices.length).toBeLessThanOrEqual(8);

    const cursor = { createdAt: new Date("2025-06-10T08:00:00.123Z"), id: 5n };
    const paged = [...slicesNewestFirst({ from: "2025-02-03" }, cursor, oldest, now)];
    expect(paged[0]).toEqual({ from: new Date("2025-06-01T00:00:00Z"), to: new Date("2025-06-10T08:00:00.124Z") });
    expect(paged.at(-1)!.from).toEqual(new Date("2025-02-03T00:00:00Z"));
    expect([...slicesNewestFirst({}, null, null, now)]).toEqual([{ from: null, to: null }]);
  });

  it("drops whole months older than the cutoff, deletes older rows of the cutoff's month and the default partition, and lowers the counts exactly", async () => {
    const email = `${tag()}@partitions.test`;
    const cutoffAt = new Date(Date.now() - 365 * DAY_MS);
    const boundary = monthStart(cutoffAt);
    const old = [13, 14, 16].map((back) => monthStart(cutoffAt, back - 12));
    for (const month of old) await createMonth(month);
    await createMonth(boundary);
    const inOldMonths = old.flatMap((month) => [1, 2, 3].map((day) => new Date(month.getTime() + day * DAY_MS)));
    // The cutoff's own month, before and after it (unless the cutoff is within its first day).
    const beforeCutoff = new Date(Math.max(boundary.getTime(), cutoffAt.getTime() - DAY_MS));
    const afterCutoff = new Date(cutoffAt.getTime() + DAY_MS);
    // No month exists for it: kept in the default partition.
    const inDefault = new Date(Date.UTC(1995, 0, 1));
    await insertAt(email, [...inOldMonths, beforeCutoff, afterCutoff, inDefault]);
    await rollUpEventCounts();
    // Written after the roll-up: never counted, so never taken off the counts either.
    await insertAt(email, [new Date(old[0]!.getTime() + 5 * DAY_MS), inDefault]);
    await countsMatchRows();

    // Other tests' rows older than the cutoff go too (this file's database only).
    const [{ older }] = await db.$queryRaw<[{ older: number }]>`
      SELECT count(*)::int AS older FROM audit_events WHERE created_at < now() - interval '365 days'`;
    expect(older).toBeGreaterThanOrEqual(inOldMonths.length + 4);
    const result = await pruneAuditEvents(365);
    expect(result.droppedMonths).toEqual(expect.arrayContaining(old.map(monthName)));
    expect(result.droppedMonths).not.toContain(monthName(boundary));
    expect(result.deleted).toBe(older);
    const names = (await listAuditMonths()).map((month) => month.name);
    for (const month of old) expect(names).not.toContain(monthName(month));
    expect(names).toContain(monthName(boundary));
    const kept = await db.auditEvent.findMany({ where: { actorEmail: email }, select: { createdAt: true } });
    expect(kept.map((row) => row.createdAt.toISOString())).toEqual([afterCutoff.toISOString()]);
    await countsMatchRows();
    await rollUpEventCounts();
    await countsMatchRows();
    const pruned = await db.auditEvent.findFirst({ where: { type: "audit.pruned" }, orderBy: { id: "desc" }, select: { metadata: true } });
    expect(pruned?.metadata).toMatchObject({ deleted: result.deleted, droppedMonths: result.droppedMonths });
  });

  it("refuses to drop a month without a retention cutoff, with one newer than 30 days, or for a month not wholly older than it", async () => {
    const month = midMonth(20);
    await createMonth(month);
    const name = monthName(month);
    await withClient(testDatabaseUrl(), async (client) => {
      await expect(client.query("SELECT audit_events_drop_month($1)", [name])).rejects.toThrow(APPEND_ONLY);
      for (const cutoff of ["now() - interval '10 days'", `'${monthStart(month).toISOString()}'::timestamptz + interval '10 days'`]) {
        await client.query("BEGIN");
        await client.query(`SELECT set_config('audit.retention_cutoff', (${cutoff})::text, true)`);
        await expect(client.query("SELECT audit_events_drop_month($1)", [name])).rejects.toThrow(APPEND_ONLY);
        await client.query("ROLLBACK");
      }
    });
    expect((await listAuditMonths()).map((entry) => entry.name)).toContain(name);
  });

  it("takes every insert while months are created and dropped alongside", async () => {
    const email = `${tag()}@partitions.test`;
    const old = midMonth(30);
    await createMonth(old);
    await insertAt(email, [old]);
    let writing = true;
    let written = 0;
    const writers = Array.from({ length: 4 }, async () => {
      while (writing) {
        await recordStandaloneEvent({ type: "auth.sign_in", actor: { email }, meta: { ip: null, userAgent: null } });
        written++;
      }
    });
    const far = [40, 41, 42].map((ahead) => monthStart(new Date(), -ahead));
    const created = await Promise.all(far.map((month) => createMonth(month)));
    const pruned = await pruneAuditEvents(365);
    await createAuditMonths();
    writing = false;
    await Promise.all(writers);
    expect(created).toEqual([true, true, true]);
    expect(pruned.droppedMonths).toContain(monthName(old));
    expect(written).toBeGreaterThan(0);
    const rows = await db.auditEvent.count({ where: { actorEmail: email } });
    expect(rows).toBe(written);
  });
});
