import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AuditOutcome } from "@/generated/prisma/enums";
import { readAuditEvents } from "@/lib/audit/feed";
import { recordAuditEvent, recordStandaloneEvent } from "@/lib/audit/record";
import { db, disconnectDb, type Tx } from "@/lib/db";
import type { AuditEventType } from "@/shared/audit";
import { decodeFeedCursor, type AuditFeedEvent } from "@/shared/audit-feed";
import { apiCaller, callApi, freshIp, type Caller } from "@/test/helpers/api";
import { meta } from "@/test/helpers/fixtures";
import { ageRateLimits } from "@/test/helpers/step-up";

afterAll(disconnectDb);

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A promise and the function that settles it. */
function signal(): { promise: Promise<void>; fire: () => void } {
  let fire = () => {};
  const promise = new Promise<void>((resolve) => (fire = resolve));
  return { promise, fire };
}

type Seed = { email: string; type?: AuditEventType; outcome?: AuditOutcome; reason?: string };

/** One audit event, written the way the app writes them (in `tx` when given, else on its own). */
async function write(seed: Seed, tx?: Tx): Promise<void> {
  const event = {
    type: seed.type ?? "auth.sign_in",
    outcome: seed.outcome ?? "SUCCESS",
    actor: { email: seed.email },
    reason: seed.reason,
    meta: meta(),
  } as const;
  if (tx) await recordAuditEvent(tx, event);
  else await recordStandaloneEvent(event);
}

/** The ids of the events written by addresses starting with `prefix`, in feed order, with their transaction ids. */
async function writtenWith(prefix: string): Promise<{ id: string; txId: bigint }[]> {
  const rows = await db.auditEvent.findMany({
    where: { actorEmail: { startsWith: prefix } },
    select: { id: true, txId: true },
    orderBy: [{ txId: "asc" }, { id: "asc" }],
  });
  return rows.map((row) => ({ id: row.id.toString(), txId: row.txId }));
}

const ids = (events: AuditFeedEvent[]) => events.map((event) => event.event.id);

describe("incremental pull during concurrent writes", () => {
  it("returns every event exactly once and in feed order, including a transaction that starts first and commits last", async () => {
    const tag = `feed-${randomBytes(4).toString("hex")}`;
    const email = (writer: string, index: number) => `${tag}-${writer}-${index}@feed.test`;

    // Where the puller starts: after everything written so far.
    let cursor = (await readAuditEvents({ after: "latest", limit: 10 })).nextCursor!;
    const pulled: AuditFeedEvent[] = [];
    let writing = true;
    let pulls = 0;
    const puller = (async () => {
      for (;;) {
        const stillWriting = writing;
        const page = await readAuditEvents({ after: cursor, limit: 5 });
        pulls++;
        pulled.push(...page.data);
        expect(page.nextCursor).not.toBeNull();
        cursor = page.nextCursor!;
        // Done once a read that began after the last commit found nothing more.
        if (!stillWriting && page.data.length === 0) return;
        if (page.data.length === 0) await sleep(3);
      }
    })();

    // What a (created_at, id) keyset would hand out, pulled alongside.
    const naive: string[] = [];
    let naiveAt = { createdAt: new Date(0), id: 0n };
    let naiveStop = false;
    let naiveRounds = 0;
    const naivePuller = (async () => {
      while (!naiveStop) {
        const rows = await db.$queryRaw<{ id: bigint; created_at: Date }[]>`
          SELECT id, created_at FROM audit_events WHERE (created_at, id) > (${naiveAt.createdAt}, ${naiveAt.id})
            AND starts_with(actor_email, ${tag}) ORDER BY created_at, id LIMIT 5`;
        naiveRounds++;
        for (const row of rows) naive.push(row.id.toString());
        const last = rows.at(-1);
        if (last) naiveAt = { createdAt: last.created_at, id: last.id };
        else await sleep(3);
      }
    })();

    // Committed before anything else starts.
    for (let index = 0; index < 3; index++) await write({ email: email("before", index) });

    // The long one: its first event (and so its transaction id) comes first; it commits last.
    const longStarted = signal();
    const release = signal();
    let longTxId = 0n;
    const long = db.$transaction(
      async (tx) => {
        await write({ email: email("long", 0), type: "api_token.created" }, tx);
        const [row] = await tx.$queryRaw<[{ id: bigint }]>`SELECT pg_current_xact_id()::text::bigint AS id`;
        longTxId = row.id;
        longStarted.fire();
        await release.promise;
        await write({ email: email("long", 1), type: "api_token.revoked" }, tx);
      },
      { timeout: 60_000 },
    );
    await longStarted.promise;
    try {
      // One more, committed while the long one is open.
      await db.$transaction(async (tx) => {
        await write({ email: email("early", 0) }, tx);
        await sleep(20);
        await write({ email: email("early", 1) }, tx);
      });

      // Several writers, transactions of varying length and size, committing in a different order than they began.
      const writers = Array.from({ length: 4 }, async (_, writer) => {
        for (let round = 0; round < 6; round++) {
          const size = (writer + round) % 3;
          if (size === 0) {
            await write({ email: email(`w${writer}`, round * 10), outcome: "FAILURE" });
          } else {
            await db.$transaction(
              async (tx) => {
                for (let index = 0; index < size; index++) {
                  await write({ email: email(`w${writer}`, round * 10 + index), outcome: index ? "BLOCKED" : "SUCCESS" }, tx);
                  await sleep(((writer * 7 + round * 5 + index * 3) % 4) * 10);
                }
              },
              { timeout: 30_000 },
            );
          }
          await sleep(((writer + round) % 3) * 5);
        }
      });
      await Promise.all(writers);

      const committed = await writtenWith(tag);
      const before = (await writtenWith(`${tag}-before-`)).map((row) => row.id);
      expect(committed.filter((row) => row.txId < longTxId).map((row) => row.id)).toEqual(before);
      // The naive keyset has caught up with everything committed so far (it skips some of it already:
      // a transaction's created_at is when it began, not when it committed)…
      const naiveNow = naiveRounds;
      await expect.poll(() => naiveRounds, { timeout: 10_000 }).toBeGreaterThan(naiveNow + 3);
      // …while the feed has handed out only what was committed before the long transaction began:
      // the long one's events will land behind everything else. (Polled: a transaction elsewhere in
      // the cluster holds the feed back too.)
      await expect.poll(() => ids(pulled), { timeout: 15_000 }).toEqual(before);
      const pullsNow = pulls;
      await expect.poll(() => pulls, { timeout: 10_000 }).toBeGreaterThan(pullsNow + 3);
      expect(ids(pulled)).toEqual(before);
    } finally {
      release.fire();
      await long;
    }
    // Later writes still come through after the long one.
    await write({ email: email("after", 0) });
    writing = false;
    await puller;
    await sleep(50);
    naiveStop = true;
    await naivePuller;

    const written = await writtenWith(tag);
    // 3 before, 2 long, 2 early, 8 from each of the 4 writers, 1 after.
    expect(written).toHaveLength(3 + 2 + 2 + 4 * 8 + 1);
    const pulledIds = ids(pulled);
    // Exactly once: no duplicates, nothing missing, nothing extra.
    expect(new Set(pulledIds).size).toBe(pulledIds.length);
    expect(pulledIds.filter((id) => !written.some((row) => row.id === id))).toEqual([]);
    expect(new Set(pulledIds)).toEqual(new Set(written.map((row) => row.id)));
    // In feed order: (transaction id, id) ascending, which is the order written lists them in.
    expect(pulledIds).toEqual(written.map((row) => row.id));

    // The scenario is the one that breaks a (created_at, id) keyset: it skipped the long transaction's first event.
    const longIds = (await writtenWith(`${tag}-long-`)).map((row) => row.id);
    expect(longIds).toHaveLength(2);
    // Its first event was written (created_at, id) before everything the naive cursor had passed by the commit.
    expect(naive).not.toContain(longIds[0]);
    expect(pulledIds).toEqual(expect.arrayContaining(longIds));
  });
});

describe("GET /api/v1/audit-events?after=", () => {
  let caller: Caller;
  type Pull = { data: AuditFeedEvent[]; nextCursor: string };
  const pull = async (query: Record<string, string>): Promise<Pull> => {
    const response = await callApi("auditEvents", { token: caller.token, ip: freshIp(), query });
    expect(response.status).toBe(200);
    return (await response.json()) as Pull;
  };

  /**
   * Pulls on from `after` until `done` says enough arrived (or 15 s pass). Any transaction still
   * running in the cluster holds the feed back, and the test databases share one cluster.
   */
  const pullUntil = async (query: Record<string, string> & { after: string }, done: (events: AuditFeedEvent[]) => boolean) => {
    const events: AuditFeedEvent[] = [];
    let cursor = query.after;
    const deadline = Date.now() + 15_000;
    for (;;) {
      const page = await pull({ ...query, after: cursor });
      events.push(...page.data);
      cursor = page.nextCursor;
      if (page.data.length === 0 && (done(events) || Date.now() > deadline)) return { events, cursor };
      if (page.data.length === 0) await sleep(50);
      await ageRateLimits(`api:token:${caller.created.apiToken.id}`, 61);
    }
  };

  beforeAll(async () => {
    caller = await apiCaller("feed-admin", ["audit:read"], { admin: true });
  });

  it("latest returns nothing already written, then exactly what comes next", async () => {
    const tag = `latest-${randomBytes(4).toString("hex")}`;
    await write({ email: `${tag}-old@feed.test` });
    const start = await pull({ after: "latest" });
    expect(start.data).toEqual([]);
    expect(start.nextCursor).toEqual(expect.any(String));
    // Asking again from the same place: still nothing.
    expect((await pull({ after: start.nextCursor })).data).toEqual([]);

    await write({ email: `${tag}-new-1@feed.test` });
    await write({ email: `${tag}-new-2@feed.test`, outcome: "FAILURE" });
    const next = await pullUntil({ after: start.nextCursor }, (events) => events.length >= 2);
    const old = (await writtenWith(`${tag}-old`))[0]!;
    const head = decodeFeedCursor(start.nextCursor)!;
    // The old event is behind "latest" unless a transaction that began before it was still
    // running when "latest" was asked (never the case when nothing else runs): then it is not
    // final yet, and comes with the new ones rather than be skipped.
    const oldComes = old.txId >= head.txId;
    expect(next.events.map((event) => event.user.email)).toEqual([
      ...(oldComes ? [`${tag}-old@feed.test`] : []),
      `${tag}-new-1@feed.test`,
      `${tag}-new-2@feed.test`,
    ]);
    expect(ids(next.events).slice(-2)).toEqual((await writtenWith(`${tag}-new-`)).map((row) => row.id));
    expect((await pull({ after: next.cursor })).data).toEqual([]);
  });

  it("origin starts at the oldest event and pages through all of them in feed order", async () => {
    const all = (await db.auditEvent.findMany({ select: { id: true }, orderBy: [{ txId: "asc" }, { id: "asc" }] })).map((row) =>
      row.id.toString(),
    );
    expect(all.length).toBeGreaterThan(10);
    const first = await pull({ after: "origin", limit: "1" });
    expect(ids(first.data)).toEqual([all[0]]);
    const rest = await pullUntil({ after: first.nextCursor, limit: "7" }, (events) => events.length >= all.length - 1);
    expect([...ids(first.data), ...ids(rest.events)]).toEqual(all);
  });

  it("applies the filters in after mode, and the cursor then skips what they leave out", async () => {
    const tag = `filtered-${randomBytes(4).toString("hex")}`;
    const seeds: Seed[] = [
      { email: `${tag}-a@feed.test`, outcome: "FAILURE", type: "auth.sign_in_failed" },
      { email: `${tag}-a@feed.test`, outcome: "SUCCESS", type: "auth.sign_in" },
      { email: `${tag}-b@feed.test`, outcome: "FAILURE", type: "step_up.verify_failed" },
      { email: `other-${tag}@feed.test`, outcome: "FAILURE", type: "auth.sign_in_failed" },
      { email: `${tag}-b@feed.test`, outcome: "BLOCKED", type: "step_up.rate_limited" },
    ];
    for (const seed of seeds) await write(seed);
    const emails = (events: AuditFeedEvent[]) => events.map((event) => [event.user.email, event.event.action]);
    const fromOrigin = (query: Record<string, string>, count: number) =>
      pullUntil({ after: "origin", limit: "1000", ...query }, (events) => events.length >= count);

    const failures = await fromOrigin({ email: tag, outcome: "FAILURE" }, 2);
    expect(emails(failures.events)).toEqual([
      [`${tag}-a@feed.test`, "auth.sign_in_failed"],
      [`${tag}-b@feed.test`, "step_up.verify_failed"],
    ]);
    const stepUp = await fromOrigin({ email: tag, group: "step_up" }, 2);
    expect(emails(stepUp.events)).toEqual([
      [`${tag}-b@feed.test`, "step_up.verify_failed"],
      [`${tag}-b@feed.test`, "step_up.rate_limited"],
    ]);
    const today = new Date().toISOString().slice(0, 10);
    expect((await fromOrigin({ email: tag, from: today, to: today }, 4)).events).toHaveLength(4);
    expect((await pull({ after: "origin", email: tag, to: "2020-01-01", limit: "1000" })).data).toEqual([]);

    // Continuing the filtered pull: only new matching events.
    await write({ email: `${tag}-c@feed.test`, outcome: "SUCCESS" });
    await write({ email: `${tag}-c@feed.test`, outcome: "FAILURE", type: "auth.sign_in_failed" });
    await write({ email: `zzz-${tag}@feed.test`, outcome: "FAILURE", type: "auth.sign_in_failed" });
    const more = await pullUntil({ after: failures.cursor, email: tag, outcome: "FAILURE" }, (events) => events.length >= 1);
    expect(emails(more.events)).toEqual([[`${tag}-c@feed.test`, "auth.sign_in_failed"]]);

    // An account's events: what it did and what was done to it.
    const account = await fromOrigin({ account: caller.user.id }, 1);
    expect(account.events.length).toBeGreaterThan(0);
    expect(account.events.every((event) => event.user.id === caller.user.id || event.stepup.target?.id === caller.user.id)).toBe(true);
    const expected = await db.auditEvent.findMany({
      where: { OR: [{ actorId: caller.user.id }, { targetType: "user", targetId: caller.user.id }] },
      orderBy: [{ txId: "asc" }, { id: "asc" }],
      select: { id: true },
    });
    expect(ids(account.events)).toEqual(expected.map((row) => row.id.toString()));
  });
});

describe("months the feed skips", () => {
  it("reads a row dated in a sealed month and written after the seal, once and in order", async () => {
    const tag = `sealed-${randomBytes(4).toString("hex")}`;
    // A month that ended long ago, sealed while nothing in it is past the position taken below.
    await db.$queryRaw`SELECT audit_events_create_month('2003-02-01'::date)`;
    await db.$queryRaw`SELECT audit_events_seal_month('audit_events_2003_02')`;
    let cursor = (await readAuditEvents({ after: "latest", limit: 10 })).nextCursor!;

    await write({ email: `${tag}-1@feed.test` });
    await db.auditEvent.create({
      data: { type: "auth.sign_in", outcome: "SUCCESS", actorEmail: `${tag}-2@feed.test`, createdAt: new Date("2003-02-10T12:00:00Z") },
    });
    await write({ email: `${tag}-3@feed.test` });
    const [mark] = await db.$queryRaw<[{ partition: string; max: bigint; tx: bigint }]>`
      SELECT e.tableoid::regclass::text AS partition, s.max_tx_id AS max, e.tx_id AS tx FROM audit_events e
      JOIN audit_sealed_months s ON s.name = 'audit_events_2003_02' WHERE e.actor_email = ${`${tag}-2@feed.test`}`;
    expect(mark.partition).toBe("audit_events_2003_02");
    expect(mark.max).toBe(mark.tx);

    const pulled: AuditFeedEvent[] = [];
    for (let round = 0; round < 200 && pulled.length < 3; round++) {
      const page = await readAuditEvents({ after: cursor, limit: 2, email: tag });
      pulled.push(...page.data);
      cursor = page.nextCursor!;
      if (!page.data.length) await sleep(5);
    }
    expect(pulled.map((event) => event.user.email)).toEqual([`${tag}-1@feed.test`, `${tag}-2@feed.test`, `${tag}-3@feed.test`]);
    expect((await readAuditEvents({ after: cursor, limit: 10, email: tag })).data).toEqual([]);
  });
});
