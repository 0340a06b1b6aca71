import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { countEventsPerDay, listAccountsNeedingAttention, listAuditEvents, streamAuditEvents } from "@/lib/audit/query";
import { MIN_RETENTION_DAYS, pruneAuditEvents } from "@/lib/audit/retention";
import { db } from "@/lib/db";
import {
  AUDIT_EVENT_TYPES,
  AUDIT_GROUPS,
  auditFilterQuery,
  parseAuditFilter,
  type AuditEventDto,
  type AuditEventType,
  type AuditFilter,
  type AuditGroup,
} from "@/shared/audit";
import { testDatabaseUrl, withClient } from "@/test/helpers/db";
import { seedSyntheticAuditEvents, syntheticEmail } from "@/tooling/synthetic-audit";

afterAll(async () => {
  const { disconnectDb } = await import("@/lib/db");
  await disconnectDb();
});

type Outcome = AuditEventDto["outcome"];
type EventSeed = {
  type?: AuditEventType;
  outcome?: Outcome;
  email?: string | null;
  at?: Date;
  target?: { type: string; id: string };
  reason?: string;
  userAgent?: string | null;
};

const DAY_MS = 86_400_000;
const APPEND_ONLY = /append-only/;

// Every test keeps to its own addresses (a random tag) and, where dates matter, its own days,
// so the tests share one database without seeing each other's events.
const uniqueTag = () => randomBytes(4).toString("hex");
const todayUtc = () => new Date().toISOString().slice(0, 10);
const addDays = (day: string, days: number) => new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
const at = (day: string, time = "12:00:00.000") => new Date(`${day}T${time}Z`);
const daysAgo = (days: number) => new Date(Date.now() - days * DAY_MS);
const hoursAgo = (hours: number) => new Date(Date.now() - hours * 3_600_000);

/** Inserts events (ids ascending in array order) and returns their ids. */
async function insertEvents(events: EventSeed[]): Promise<string[]> {
  const rows = await db.auditEvent.createManyAndReturn({
    data: events.map((event) => ({
      type: event.type ?? "auth.sign_in",
      outcome: event.outcome ?? "SUCCESS",
      actorEmail: event.email === undefined ? "someone@audit.test" : event.email,
      targetType: event.target?.type ?? null,
      targetId: event.target?.id ?? null,
      reason: event.reason ?? null,
      ip: "203.0.113.9",
      userAgent: event.userAgent === undefined ? "Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0 Safari/537.36" : event.userAgent,
      createdAt: event.at,
    })),
    select: { id: true },
  });
  return rows.map((row) => row.id.toString());
}

/** An event's primary key: its id and created_at (the month it is kept in). */
async function keyOf(id: string | undefined): Promise<{ id: bigint; createdAt: Date }> {
  const row = await db.auditEvent.findFirstOrThrow({ where: { id: BigInt(id ?? "0") }, select: { id: true, createdAt: true } });
  return { id: row.id, createdAt: row.createdAt };
}

/** Every event a filter matches, through the export's stream. */
async function allMatching(filter: AuditFilter): Promise<AuditEventDto[]> {
  const events: AuditEventDto[] = [];
  for await (const batch of streamAuditEvents(filter, 37)) events.push(...batch);
  return events;
}

/** Pages through listAuditEvents to the end. */
async function allPages(filter: AuditFilter): Promise<AuditEventDto[][]> {
  const pages: AuditEventDto[][] = [];
  let cursor: string | undefined;
  for (let guard = 0; guard < 100; guard++) {
    const page = await listAuditEvents({ ...filter, cursor });
    pages.push(page.events);
    if (!page.nextCursor) return pages;
    cursor = page.nextCursor;
  }
  throw new Error("pagination did not end");
}

/** Ids in the order the page must show them: newest first, ties by id, highest first. */
async function idsNewestFirst(where: { emailPrefix: string }): Promise<string[]> {
  const rows = await db.$queryRaw<{ id: bigint }[]>`
    SELECT id FROM audit_events WHERE starts_with(actor_email, ${where.emailPrefix}) ORDER BY created_at DESC, id DESC`;
  return rows.map((row) => row.id.toString());
}

const encodeCursor = (text: string) => Buffer.from(text).toString("base64url");

async function expectRefused(promise: Promise<unknown>): Promise<void> {
  await expect(promise).rejects.toThrow(APPEND_ONLY);
}

describe("audit_events is append-only", () => {
  it("refuses UPDATE through Prisma and raw SQL, and the row stays as it was", async () => {
    const tag = uniqueTag();
    const [id] = await insertEvents([{ email: `${tag}@audit.test`, outcome: "FAILURE", reason: "wrong_password" }]);
    const where = { id_createdAt: await keyOf(id) };

    await expectRefused(db.auditEvent.update({ where, data: { outcome: "SUCCESS" } }));
    await expectRefused(db.auditEvent.updateMany({ where: { actorEmail: `${tag}@audit.test` }, data: { reason: null } }));
    await expectRefused(
      db.$executeRaw`UPDATE audit_events SET actor_email = 'someone-else@audit.test' WHERE id = ${where.id_createdAt.id}`,
    );
    expect(await db.auditEvent.findUnique({ where, select: { outcome: true, reason: true, actorEmail: true } })).toEqual({
      outcome: "FAILURE",
      reason: "wrong_password",
      actorEmail: `${tag}@audit.test`,
    });
  });

  it("refuses DELETE and TRUNCATE, and every row is still there", async () => {
    const tag = uniqueTag();
    const ids = await insertEvents([{ email: `${tag}@audit.test`, at: daysAgo(400) }, { email: `${tag}@audit.test` }]);
    const before = await db.auditEvent.count();

    await expectRefused(db.auditEvent.delete({ where: { id_createdAt: await keyOf(ids[0]) } }));
    await expectRefused(db.auditEvent.deleteMany({ where: { actorEmail: `${tag}@audit.test` } }));
    await expectRefused(db.auditEvent.deleteMany({}));
    await expectRefused(db.$executeRaw`DELETE FROM audit_events WHERE created_at < now() - interval '1 day'`);
    await expectRefused(db.$executeRawUnsafe("TRUNCATE audit_events"));
    expect(await db.auditEvent.count()).toBe(before);
    expect(await db.auditEvent.count({ where: { actorEmail: `${tag}@audit.test` } })).toBe(2);
  });

  it("with a retention cutoff set, DELETE removes rows older than it and nothing newer; the cutoff ends with its transaction", async () => {
    const tag = uniqueTag();
    const email = `${tag}@audit.test`;
    const [, newer] = await insertEvents([
      { email, at: daysAgo(40) },
      { email, at: daysAgo(10) },
    ]);
    const cutoff = daysAgo(30).toISOString();
    const count = () => db.auditEvent.count({ where: { actorEmail: email } });

    await withClient(testDatabaseUrl(), async (client) => {
      // A DELETE that reaches a row newer than the cutoff fails as a whole.
      await client.query("BEGIN");
      await client.query("SELECT set_config('audit.retention_cutoff', $1, true)", [cutoff]);
      await expect(client.query("DELETE FROM audit_events WHERE actor_email = $1", [email])).rejects.toThrow(APPEND_ONLY);
      await client.query("ROLLBACK");
      expect(await count()).toBe(2);

      // UPDATE stays refused even with a cutoff.
      await client.query("BEGIN");
      await client.query("SELECT set_config('audit.retention_cutoff', $1, true)", [cutoff]);
      await expect(
        client.query("UPDATE audit_events SET reason = 'x' WHERE actor_email = $1 AND created_at < $2", [email, cutoff]),
      ).rejects.toThrow(APPEND_ONLY);
      await client.query("ROLLBACK");

      await client.query("BEGIN");
      await client.query("SELECT set_config('audit.retention_cutoff', $1, true)", [cutoff]);
      const deleted = await client.query("DELETE FROM audit_events WHERE actor_email = $1 AND created_at < $2", [email, cutoff]);
      await client.query("COMMIT");
      expect(deleted.rowCount).toBe(1);
      expect(
        (await db.auditEvent.findMany({ where: { actorEmail: email }, select: { id: true } })).map((row) => row.id.toString()),
      ).toEqual([newer]);

      // Same session, transaction over: the cutoff is gone and DELETE is refused again.
      await insertEvents([{ email, at: daysAgo(40) }]);
      await expect(client.query("DELETE FROM audit_events WHERE actor_email = $1 AND created_at < $2", [email, cutoff])).rejects.toThrow(
        APPEND_ONLY,
      );
      // A cutoff less than 30 days back refuses, even for rows older than it.
      await insertEvents([{ email, at: daysAgo(20) }]);
      await client.query("BEGIN");
      await client.query("SELECT set_config('audit.retention_cutoff', $1, true)", [daysAgo(10).toISOString()]);
      await expect(
        client.query("DELETE FROM audit_events WHERE actor_email = $1 AND created_at < $2", [email, daysAgo(15).toISOString()]),
      ).rejects.toThrow(APPEND_ONLY);
      await client.query("ROLLBACK");
      // A cutoff that is not a timestamp refuses too.
      await client.query("BEGIN");
      await client.query("SELECT set_config('audit.retention_cutoff', 'whenever', true)");
      await expect(client.query("DELETE FROM audit_events WHERE actor_email = $1", [email])).rejects.toThrow();
      await client.query("ROLLBACK");
    });
    expect(await count()).toBe(3);
  });
});

describe("pruneAuditEvents", () => {
  it(`refuses to keep fewer than ${MIN_RETENTION_DAYS} days, deleting nothing`, async () => {
    const tag = uniqueTag();
    await insertEvents([{ email: `${tag}@audit.test`, at: daysAgo(400) }]);
    const before = await db.auditEvent.count();
    for (const days of [MIN_RETENTION_DAYS - 1, 0, -5, 30.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      await expect(pruneAuditEvents(days)).rejects.toThrow(/at least 30 days/);
    }
    expect(await db.auditEvent.count()).toBe(before);
    expect(await db.auditEvent.count({ where: { type: "audit.pruned" } })).toBe(0);
  });

  it("deletes only events older than N days, records audit.pruned, and leaves DELETE refused afterwards", async () => {
    const tag = uniqueTag();
    const email = `${tag}@audit.test`;
    const [, , kept29, keptNow] = await insertEvents([
      { email, at: daysAgo(400) },
      { email, at: daysAgo(31) },
      { email, at: daysAgo(29) },
      { email },
    ]);
    const [{ older }] = await db.$queryRaw<
      [{ older: number }]
    >`SELECT count(*)::int AS older FROM audit_events WHERE created_at < now() - interval '30 days'`;
    expect(older).toBeGreaterThanOrEqual(2);

    const { deleted, cutoff } = await pruneAuditEvents(30);
    expect(deleted).toBe(older);
    expect(Math.abs(cutoff.getTime() - daysAgo(30).getTime())).toBeLessThan(60_000);
    expect(
      (await db.auditEvent.findMany({ where: { actorEmail: email }, orderBy: { id: "asc" }, select: { id: true } })).map((row) =>
        row.id.toString(),
      ),
    ).toEqual([kept29, keptNow]);
    expect(await db.auditEvent.count({ where: { createdAt: { lt: cutoff } } })).toBe(0);

    const pruned = await db.auditEvent.findMany({ where: { type: "audit.pruned" } });
    expect(pruned).toHaveLength(1);
    expect(pruned[0]).toMatchObject({
      outcome: "SUCCESS",
      actorEmail: "maintenance",
      reason: "older_than_30_days",
      metadata: { deleted: older },
    });

    // The cutoff was local to the prune's transaction. Ten queries at once hold every pooled
    // connection (the pool has 10), the one the prune used among them: none still has it.
    const settings = await Promise.all(
      Array.from(
        { length: 10 },
        () =>
          db.$queryRaw<[{ cutoff: string | null }]>`SELECT current_setting('audit.retention_cutoff', true) AS cutoff FROM pg_sleep(0.1)`,
      ),
    );
    expect(settings.map(([row]) => row.cutoff || null)).toEqual(Array.from({ length: 10 }, () => null));
    const [stale] = await insertEvents([{ email, at: daysAgo(45) }]);
    for (let i = 0; i < 3; i++) await expectRefused(db.$executeRaw`DELETE FROM audit_events WHERE id = ${BigInt(stale ?? "0")}`);
  });
});

describe("filters", () => {
  const tag = uniqueTag();
  const base = addDays(todayUtc(), -10);
  const ids: Record<string, string> = {};
  const addr = (local: string) => `${tag}${local}@audit.test`;

  beforeAll(async () => {
    const named: [string, EventSeed][] = [
      ["alice", { email: addr("alice"), at: at(base) }],
      ["aliceSmith", { email: addr("alice.smith"), at: at(base) }],
      ["malice", { email: addr("malice"), at: at(base) }],
      ["percent", { email: addr("a%b"), at: at(base) }],
      ["underscore", { email: addr("a_b"), at: at(base) }],
      ["axb", { email: addr("axb"), at: at(base) }],
      ["ab", { email: addr("ab"), at: at(base) }],
      ["backslash", { email: addr("a\\b"), at: at(base) }],
      // Day boundaries (UTC) around base … base+2.
      ["beforeRange", { email: addr("dates"), at: at(addDays(base, -1), "23:59:59.999") }],
      ["rangeStart", { email: addr("dates"), at: at(base, "00:00:00.000") }],
      ["rangeMiddle", { email: addr("dates"), at: at(addDays(base, 1)) }],
      ["rangeEnd", { email: addr("dates"), at: at(addDays(base, 2), "23:59:59.999") }],
      ["afterRange", { email: addr("dates"), at: at(addDays(base, 3), "00:00:00.000") }],
      // For the combination: only `target` matches all four filters.
      ["target", { email: addr("combo"), type: "step_up.verify_failed", outcome: "FAILURE", at: at(addDays(base, 1)) }],
      ["wrongOutcome", { email: addr("combo"), type: "step_up.verified", outcome: "SUCCESS", at: at(addDays(base, 1)) }],
      ["wrongGroup", { email: addr("combo"), type: "auth.sign_in_failed", outcome: "FAILURE", at: at(addDays(base, 1)) }],
      ["wrongDay", { email: addr("combo"), type: "step_up.verify_failed", outcome: "FAILURE", at: at(addDays(base, 3)) }],
      ["wrongEmail", { email: addr("combination"), type: "step_up.verify_failed", outcome: "FAILURE", at: at(addDays(base, 1)) }],
    ];
    const inserted = await insertEvents(named.map(([, event]) => event));
    named.forEach(([name], index) => (ids[name] = inserted[index] ?? ""));
    // One event of every type, outcomes in turn, for the group and outcome filters.
    const outcomes: Outcome[] = ["SUCCESS", "FAILURE", "BLOCKED"];
    const typed = await insertEvents(
      AUDIT_EVENT_TYPES.map((type, index) => ({ type, outcome: outcomes[index % 3], email: addr("types"), at: at(base) })),
    );
    AUDIT_EVENT_TYPES.forEach((type, index) => (ids[`type:${type}`] = typed[index] ?? ""));
    ids["outcome:SUCCESS"] = typed[0] ?? "";
    ids["outcome:FAILURE"] = typed[1] ?? "";
    ids["outcome:BLOCKED"] = typed[2] ?? "";
  });

  const idsOf = (events: AuditEventDto[]) => new Set(events.map((event) => event.id));

  it("email: a case-insensitive prefix of the address, and nothing that merely contains it", async () => {
    const found = idsOf(await allMatching(parseAuditFilter({ email: ` ${tag.toUpperCase()}ALICE ` })));
    expect(found).toEqual(new Set([ids.alice, ids.aliceSmith]));
    expect(idsOf(await allMatching({ email: addr("alice") }))).toEqual(new Set([ids.alice]));
    expect(await allMatching({ email: `${tag}nobody` })).toEqual([]);
  });

  it("email: % and _ (and \\) are literal characters, not wildcards", async () => {
    expect(idsOf(await allMatching({ email: `${tag}a_b` }))).toEqual(new Set([ids.underscore]));
    expect(idsOf(await allMatching({ email: `${tag}a%` }))).toEqual(new Set([ids.percent]));
    expect(idsOf(await allMatching({ email: `${tag}a\\` }))).toEqual(new Set([ids.backslash]));
    expect(await allMatching({ email: "%" })).toEqual([]);
    expect(await allMatching({ email: "_" })).toEqual([]);
  });

  it("email: a prefix matching many addresses returns all of their events, newest first", async () => {
    const many = uniqueTag();
    // 25 addresses: more than are merged one by one, so the plain plan answers; and 3 of them.
    const seeded = await insertEvents(
      Array.from({ length: 75 }, (_, i) => ({
        email: `${many}-${String(i % 25).padStart(2, "0")}@audit.test`,
        at: new Date(at(base).getTime() + (i % 7) * 1000),
      })),
    );
    for (const prefix of [`${many}-`, `${many}-0`, `${many}-2`]) {
      const expected = await idsNewestFirst({ emailPrefix: prefix });
      expect(expected.length).toBeGreaterThan(0);
      const pages = await allPages({ email: prefix });
      expect(pages.flat().map((event) => event.id)).toEqual(expected);
      expect((await allMatching({ email: prefix })).map((event) => event.id)).toEqual(expected);
    }
    expect((await allPages({ email: `${many}-` })).map((page) => page.length)).toEqual([50, 25]);
    expect(seeded).toHaveLength(75);
  });

  const EXPECTED_GROUPS: Record<AuditGroup, AuditEventType[]> = {
    sign_in: ["auth.sign_up", "auth.email_verified", "auth.sign_in", "auth.sign_in_failed", "auth.sign_out", "auth.second_factor_required"],
    step_up: [
      "step_up.challenge_sent",
      "step_up.challenge_resent",
      "step_up.verify_failed",
      "step_up.expired",
      "step_up.locked",
      "step_up.rate_limited",
      "step_up.verified",
      "step_up.grant_used",
      "step_up.cancelled",
      "step_up.reported",
    ],
    tokens: ["api_token.created", "api_token.revoked", "api_token.expiring_soon", "api_token.expired", "api_token.auto_revoked"],
    two_step: [
      "two_factor.enrolment_started",
      "two_factor.enrolment_failed",
      "two_factor.enabled",
      "two_factor.disabled",
      "recovery_codes.regenerated",
      "recovery_code.used",
    ],
    passkeys: ["passkey.added", "passkey.renamed", "passkey.removed", "passkey.assertion_refused"],
    account: [
      "email.change_requested",
      "email.change_failed",
      "email.change_cancelled",
      "email.changed",
      "email.change_reported",
      "password.change_failed",
      "password.changed",
      "password.reset_requested",
      "password.reset_failed",
      "password.reset",
      "password.reset_reported",
      "account.recovery_hold_blocked",
      "account.deleted",
      "account.delete_failed",
      "account.secured",
    ],
    sessions: ["session.revoked", "device.forgotten"],
    admin: [
      "admin.audit_viewed",
      "admin.audit_exported",
      "admin.access_denied",
      "admin.users_viewed",
      "admin.user_signed_out",
      "admin.user_tokens_revoked",
      "admin.user_locks_cleared",
      "admin.user_two_factor_reset",
      "admin.user_disabled",
      "admin.user_enabled",
      "admin.user_email_changed",
      "admin.token_revoked",
      "audit.pruned",
      "audit_stream.created",
      "audit_stream.updated",
      "audit_stream.paused",
      "audit_stream.resumed",
      "audit_stream.deleted",
      "audit_stream.test_sent",
      "audit_stream.auto_paused",
    ],
  };

  it("every event type belongs to exactly one group", () => {
    expect(Object.keys(EXPECTED_GROUPS).sort()).toEqual(Object.keys(AUDIT_GROUPS).sort());
    expect(Object.values(EXPECTED_GROUPS).flat().sort()).toEqual([...AUDIT_EVENT_TYPES].sort());
  });

  it.each(Object.keys(AUDIT_GROUPS) as AuditGroup[])("group %s: exactly its event types", async (group) => {
    const events = await allMatching({ group });
    expect(events.length).toBeGreaterThan(0);
    for (const event of events) expect(EXPECTED_GROUPS[group]).toContain(event.type);
    const ours = events.filter((event) => event.actorEmail === addr("types")).map((event) => event.type);
    expect(ours.sort()).toEqual([...EXPECTED_GROUPS[group]].sort());
  });

  it.each(["SUCCESS", "FAILURE", "BLOCKED"] as const)("outcome %s: only that outcome", async (outcome) => {
    const events = await allMatching({ outcome });
    expect(new Set(events.map((event) => event.outcome))).toEqual(new Set([outcome]));
    const ours = events.filter((event) => event.actorEmail === addr("types"));
    expect(ours).toHaveLength(AUDIT_EVENT_TYPES.filter((_, index) => ["SUCCESS", "FAILURE", "BLOCKED"][index % 3] === outcome).length);
    expect(idsOf(ours).has(ids[`outcome:${outcome}`] ?? "")).toBe(true);
  });

  it("from/to: whole UTC days, both ends included", async () => {
    const events = await allMatching({ from: base, to: addDays(base, 2) });
    for (const event of events) {
      expect(event.createdAt >= `${base}T00:00:00.000Z`).toBe(true);
      expect(event.createdAt <= `${addDays(base, 2)}T23:59:59.999Z`).toBe(true);
    }
    const dates = events.filter((event) => event.actorEmail === addr("dates")).map((event) => event.id);
    expect(dates).toEqual([ids.rangeEnd, ids.rangeMiddle, ids.rangeStart]);

    expect(idsOf(await allMatching({ email: addr("dates"), from: addDays(base, 3) }))).toEqual(new Set([ids.afterRange]));
    expect(idsOf(await allMatching({ email: addr("dates"), to: addDays(base, -1) }))).toEqual(new Set([ids.beforeRange]));
    expect(idsOf(await allMatching({ email: addr("dates"), from: base, to: base }))).toEqual(new Set([ids.rangeStart]));
    expect(await allMatching({ email: addr("dates"), from: addDays(base, 2), to: base })).toEqual([]);
  });

  it("filters combine: email + group + outcome + date range", async () => {
    const filter = parseAuditFilter({
      email: addr("combo"),
      group: "step_up",
      outcome: "FAILURE",
      from: addDays(base, 1),
      to: addDays(base, 1),
    });
    expect(filter).toMatchObject({ group: "step_up", outcome: "FAILURE" });
    expect((await allMatching(filter)).map((event) => event.id)).toEqual([ids.target]);
    expect((await listAuditEvents(filter)).events.map((event) => event.id)).toEqual([ids.target]);
    // Each filter alone would let more through.
    expect(idsOf(await allMatching({ ...filter, group: undefined })).has(ids.wrongGroup ?? "")).toBe(true);
    expect(idsOf(await allMatching({ ...filter, outcome: undefined })).has(ids.wrongOutcome ?? "")).toBe(true);
    expect(idsOf(await allMatching({ ...filter, from: undefined, to: undefined })).has(ids.wrongDay ?? "")).toBe(true);
    expect(idsOf(await allMatching({ ...filter, email: `${tag}com` })).has(ids.wrongEmail ?? "")).toBe(true);
  });

  it("shows an event as the page needs it: target, device, and nothing for missing values", async () => {
    const email = addr("shape");
    const [full, bare] = await insertEvents([
      {
        email,
        type: "api_token.revoked",
        target: { type: "api_token", id: "asec_abc123" },
        reason: "by_admin",
        at: at(base, "10:00:00.000"),
      },
      { email: null, type: "admin.access_denied", outcome: "BLOCKED", userAgent: null, at: at(base, "09:00:00.000") },
    ]);
    const events = await allMatching({ from: base, to: base, group: "tokens" });
    expect(events.find((event) => event.id === full)).toEqual({
      id: full,
      createdAt: `${base}T10:00:00.000Z`,
      type: "api_token.revoked",
      outcome: "SUCCESS",
      actorEmail: email,
      deletedActorId: null,
      target: "api_token: asec_abc123",
      targetName: null,
      sentence: `${email} revoked an API token`,
      reason: "by_admin",
      ip: "203.0.113.9",
      device: "Chrome 130 on Linux",
    });
    const anonymous = (await allMatching({ from: base, to: base, group: "admin" })).find((event) => event.id === bare);
    expect(anonymous).toMatchObject({ actorEmail: null, target: null, reason: null, device: "—" });
  });
});

describe("keyset pagination", () => {
  it("pages of 50 with no duplicates and no gaps over 180 events that share timestamps (ties broken by id)", async () => {
    const tag = uniqueTag();
    const day = addDays(todayUtc(), -15);
    // Three instants, 60 events each: every page boundary falls inside a group of equal timestamps.
    const instants = ["12:00:00.000", "12:00:00.001", "13:30:00.000"].map((time) => at(day, time));
    await insertEvents(Array.from({ length: 180 }, (_, i) => ({ email: `${tag}-${i % 4}@audit.test`, at: instants[i % 3] })));
    const expected = await idsNewestFirst({ emailPrefix: tag });
    expect(expected).toHaveLength(180);

    // By email (each address read by index and merged) and by day (one ordered scan).
    for (const filter of [{ email: tag }, { from: day, to: day }] satisfies AuditFilter[]) {
      const pages = await allPages(filter);
      expect(pages.map((page) => page.length)).toEqual([50, 50, 50, 30]);
      const seen = pages.flat().map((event) => event.id);
      expect(new Set(seen).size).toBe(180);
      expect(seen).toEqual(expected);
    }
  });

  it("page 2 stays the same while new events arrive (including one in the same millisecond as page 1's last row)", async () => {
    const tag = uniqueTag();
    const start = Date.now() - 3_600_000;
    await insertEvents(
      Array.from({ length: 120 }, (_, i) => ({ email: `${tag}@audit.test`, at: new Date(start + Math.floor(i / 2) * 1000) })),
    );

    for (const filter of [{}, { email: tag }] satisfies AuditFilter[]) {
      const page1 = await listAuditEvents(filter);
      expect(page1.events).toHaveLength(50);
      expect(page1.nextCursor).toBeTruthy();
      const page2 = await listAuditEvents({ ...filter, cursor: page1.nextCursor ?? undefined });
      expect(page2.events).toHaveLength(50);

      const last = page1.events.at(-1);
      const [tie] = await insertEvents([{ email: `${tag}@audit.test`, at: new Date(last?.createdAt ?? 0) }]);
      const arrived = await insertEvents(Array.from({ length: 60 }, () => ({ email: `${tag}@audit.test` })));

      const page2Again = await listAuditEvents({ ...filter, cursor: page1.nextCursor ?? undefined });
      expect(page2Again).toEqual(page2);
      const ids = page2Again.events.map((event) => event.id);
      expect(ids).not.toContain(tie);
      for (const id of arrived) expect(ids).not.toContain(id);
      // The first page now starts with what arrived.
      expect((await listAuditEvents(filter)).events[0]?.id).toBe(arrived.at(-1));
    }
  });

  it("ignores garbage cursors: the first page, never an error", async () => {
    await insertEvents(Array.from({ length: 3 }, () => ({ email: `${uniqueTag()}@audit.test` })));
    const first = await listAuditEvents({});
    expect(first.events.length).toBeGreaterThan(0);
    const garbage = [
      "garbage",
      "!!!",
      "%00",
      encodeCursor("no-separator"),
      encodeCursor("not-a-date|12"),
      encodeCursor("2026-01-01T00:00:00.000Z|abc"),
      encodeCursor("2026-01-01T00:00:00.000Z|-1"),
      encodeCursor("2026-01-01T00:00:00.000Z|1.5"),
      encodeCursor("2026-01-01T00:00:00.000Z|99999999999999999999"),
      encodeCursor("2026-01-01T00:00:00.000Z|9223372036854775808"),
      encodeCursor("2026-01-01T00:00:00.000Z|9999999999999999999"),
      encodeCursor("-271821-04-20T00:00:00.000Z|1"),
      encodeCursor("+275760-09-13T00:00:00.000Z|1"),
      encodeCursor("0000-01-01T00:00:00.000Z|1"),
      encodeCursor("1|1"),
      encodeCursor("2026-01-01T00:00:00.000Z|1|extra"),
      encodeCursor("'; DELETE FROM audit_events; --|1"),
    ];
    for (const cursor of garbage) {
      await expect(listAuditEvents({ cursor }), cursor).resolves.toEqual(first);
      // The export ignores it too (a day with no events: the cursor alone decides what comes back).
      await expect(allMatching({ cursor, from: "2001-01-01", to: "2001-01-01" }), cursor).resolves.toEqual([]);
    }
    // A cursor the app made still works.
    expect((await listAuditEvents({ cursor: first.nextCursor ?? undefined })).events[0]?.id).not.toBe(first.events[0]?.id);
  });
});

describe("countEventsPerDay", () => {
  it("returns every day of the range, with SUCCESS/FAILURE/BLOCKED counted per UTC day", async () => {
    const tag = uniqueTag();
    const email = `${tag}@audit.test`;
    const d = addDays(todayUtc(), -20);
    await insertEvents([
      { email, outcome: "FAILURE", at: at(addDays(d, -1), "23:59:59.999") },
      { email, outcome: "SUCCESS", at: at(d, "00:00:00.000") },
      { email, outcome: "SUCCESS", at: at(d, "23:59:59.999") },
      { email, outcome: "BLOCKED", at: at(d) },
      { email, outcome: "FAILURE", at: at(addDays(d, 2)) },
      { email, outcome: "FAILURE", at: at(addDays(d, 2)) },
      { email, outcome: "FAILURE", at: at(addDays(d, 2)), type: "step_up.verify_failed" },
      { email, outcome: "SUCCESS", at: at(addDays(d, 4), "00:00:00.000") },
    ]);
    const zero = { success: 0, failure: 0, blocked: 0 };
    const expected = [
      { day: addDays(d, -2), ...zero },
      { day: addDays(d, -1), ...zero, failure: 1 },
      { day: d, success: 2, failure: 0, blocked: 1 },
      { day: addDays(d, 1), ...zero },
      { day: addDays(d, 2), ...zero, failure: 3 },
      { day: addDays(d, 3), ...zero },
    ];
    expect(await countEventsPerDay({ email, from: addDays(d, -2), to: addDays(d, 3) })).toEqual(expected);
    // A reversed range is read the right way round.
    expect(await countEventsPerDay({ email, from: addDays(d, 3), to: addDays(d, -2) })).toEqual(expected);
    // Filters apply to the counts.
    expect(await countEventsPerDay({ email, outcome: "FAILURE", group: "step_up", from: d, to: addDays(d, 2) })).toEqual([
      { day: d, ...zero },
      { day: addDays(d, 1), ...zero },
      { day: addDays(d, 2), ...zero, failure: 1 },
    ]);
  });

  it("defaults to the last 30 days, ending today (UTC)", async () => {
    const tag = uniqueTag();
    const email = `${tag}@audit.test`;
    await insertEvents([
      { email, outcome: "BLOCKED" },
      { email, outcome: "FAILURE", at: at(addDays(todayUtc(), -29), "00:00:00.000") },
      { email, outcome: "FAILURE", at: at(addDays(todayUtc(), -30), "23:59:59.999") },
    ]);
    const days = await countEventsPerDay({ email });
    expect(days).toHaveLength(30);
    expect(days[0]).toEqual({ day: addDays(todayUtc(), -29), success: 0, failure: 1, blocked: 0 });
    expect(days.at(-1)).toEqual({ day: todayUtc(), success: 0, failure: 0, blocked: 1 });
    expect(days.reduce((sum, day) => sum + day.success + day.failure + day.blocked, 0)).toBe(2);
    // `from` alone runs to today; `to` alone covers the 30 days before it.
    expect((await countEventsPerDay({ email, from: addDays(todayUtc(), -2) })).map((day) => day.day)).toEqual(
      [-2, -1, 0].map((n) => addDays(todayUtc(), n)),
    );
    const endingEarlier = await countEventsPerDay({ email, to: addDays(todayUtc(), -1) });
    expect(endingEarlier).toHaveLength(30);
    expect(endingEarlier[0]?.day).toBe(addDays(todayUtc(), -30));
    expect(endingEarlier[0]?.failure).toBe(1);
  });
});

describe("listAccountsNeedingAttention", () => {
  it("ranks accounts by failures, lockouts and rate limits in the last 24 hours, ignoring older ones and successes", async () => {
    const tag = uniqueTag();
    const [first, second, old, quiet] = ["first", "second", "old", "quiet"].map((name) => `${tag}-${name}@audit.test`);
    const repeat = (count: number, event: EventSeed) => Array.from({ length: count }, () => event);
    await insertEvents([
      ...repeat(40, { email: first, type: "step_up.verify_failed", outcome: "FAILURE", at: hoursAgo(2) }),
      ...repeat(3, { email: first, type: "step_up.locked", outcome: "BLOCKED", at: hoursAgo(1) }),
      ...repeat(20, { email: second, type: "auth.sign_in_failed", outcome: "FAILURE", at: hoursAgo(23) }),
      ...repeat(15, { email: second, type: "auth.sign_in_failed", outcome: "BLOCKED", reason: "rate_limited", at: hoursAgo(3) }),
      ...repeat(60, { email: old, type: "auth.sign_in_failed", outcome: "FAILURE", at: hoursAgo(25) }),
      { email: old, type: "auth.sign_in_failed", outcome: "FAILURE" },
      ...repeat(80, { email: quiet, type: "auth.sign_in", outcome: "SUCCESS" }),
      ...repeat(90, { email: null, type: "admin.access_denied", outcome: "BLOCKED" }),
    ]);

    const accounts = await listAccountsNeedingAttention(50);
    expect(accounts.slice(0, 2)).toEqual([
      { email: first, failedVerifications: 40, lockouts: 3, rateLimited: 0 },
      { email: second, failedVerifications: 20, lockouts: 0, rateLimited: 15 },
    ]);
    expect(accounts.find((account) => account.email === old)).toEqual({ email: old, failedVerifications: 1, lockouts: 0, rateLimited: 0 });
    expect(accounts.find((account) => account.email === quiet)).toBeUndefined();
    expect(accounts.every((account) => account.email)).toBe(true);
    expect(await listAccountsNeedingAttention(1)).toHaveLength(1);
  });
});

describe("parseAuditFilter", () => {
  it("keeps well-formed values, trimmed and lower-cased where that is the meaning", () => {
    expect(
      parseAuditFilter({
        email: "  Alice@Example.COM ",
        group: "two_step",
        outcome: "BLOCKED",
        from: "2026-01-05",
        to: "2026-02-28",
        cursor: "abc",
        extra: "ignored",
      }),
    ).toEqual({ email: "alice@example.com", group: "two_step", outcome: "BLOCKED", from: "2026-01-05", to: "2026-02-28", cursor: "abc" });
    expect(parseAuditFilter({ from: "2024-02-29" }).from).toBe("2024-02-29");
    expect(parseAuditFilter({})).toEqual({});
  });

  it.each([
    ["group", "nope"],
    ["group", "toString"],
    ["group", "__proto__"],
    ["outcome", "x"],
    ["outcome", "success"],
    ["from", "2026-13-45"],
    ["from", "2026-02-31"],
    ["from", "2025-02-29"],
    ["to", "2026-04-31"],
    ["to", "0000-01-01"],
    ["from", "2026-1-5"],
    ["from", " 2026-01-05"],
    ["from", "2026-01-05T00:00:00Z"],
    ["to", "yesterday"],
    ["email", ""],
    ["email", "   "],
    ["email", `${"a".repeat(250)}@x.test`],
    ["cursor", "c".repeat(101)],
  ] satisfies [keyof AuditFilter, string][])("drops %s=%j and keeps the rest", (key, value) => {
    const other = key === "group" ? { outcome: "FAILURE" as const } : { group: "tokens" as const };
    const filter = parseAuditFilter({ ...other, [key]: value });
    expect(filter[key]).toBeUndefined();
    expect(filter).toMatchObject(other);
  });

  it("takes the first of repeated parameters and drops it if malformed", () => {
    expect(parseAuditFilter({ email: ["first@x.test", "second@x.test"], group: ["nope", "tokens"], outcome: ["FAILURE", "x"] })).toEqual({
      email: "first@x.test",
      outcome: "FAILURE",
    });
    expect(parseAuditFilter({ from: [], to: undefined })).toEqual({});
  });

  it("every date it accepts is one Postgres accepts", async () => {
    for (const value of ["2026-02-31", "2025-02-29", "0000-01-01", "2024-02-29", "1999-12-31"]) {
      const filter = parseAuditFilter({ from: value, to: value });
      await expect(listAuditEvents(filter), value).resolves.toBeDefined();
      await expect(countEventsPerDay(filter), value).resolves.toBeDefined();
    }
  });

  it("round-trips through the URL query", () => {
    const filter = {
      email: "a+b@x.test",
      group: "account",
      outcome: "BLOCKED",
      from: "2026-01-01",
      to: "2026-01-31",
      cursor: "MjAyNi0wMS0wMXwx",
    } as const;
    const query = auditFilterQuery(filter);
    expect(query.startsWith("?")).toBe(true);
    expect(parseAuditFilter(Object.fromEntries(new URLSearchParams(query.slice(1))))).toEqual(filter);
    expect(auditFilterQuery({})).toBe("");
    expect(auditFilterQuery({ email: "", group: undefined })).toBe("");
  });
});

describe("seedSyntheticAuditEvents", () => {
  it("inserts the requested number of realistic events, in time order, within the window", async () => {
    const before = await db.auditEvent.count();
    const windowEnd = daysAgo(50);
    await withClient(testDatabaseUrl(), (client) =>
      seedSyntheticAuditEvents(client, { count: 3_000, users: 40, days: 5, endingDaysAgo: 50, batchSize: 1_000 }),
    );
    expect(await db.auditEvent.count()).toBe(before + 3_000);

    const [stats] = await db.$queryRaw<
      [
        {
          n: number;
          emails: number;
          anonymous: number;
          min: Date;
          max: Date;
          types: string[];
          success: number;
          failure: number;
          blocked: number;
          disorder: number;
          no_target: number;
          no_reason: number;
        },
      ]
    >`
      WITH s AS (SELECT * FROM audit_events WHERE id > (SELECT max(id) - 3000 FROM audit_events))
      SELECT count(*)::int AS n, count(DISTINCT actor_email)::int AS emails, count(*) FILTER (WHERE actor_email IS NULL)::int AS anonymous,
        min(created_at) AS min, max(created_at) AS max, array_agg(DISTINCT type) AS types,
        count(*) FILTER (WHERE outcome = 'SUCCESS')::int AS success, count(*) FILTER (WHERE outcome = 'FAILURE')::int AS failure,
        count(*) FILTER (WHERE outcome = 'BLOCKED')::int AS blocked,
        (SELECT count(*)::int FROM (SELECT created_at < lag(created_at) OVER (ORDER BY id) AS back FROM s) o WHERE back) AS disorder,
        count(*) FILTER (WHERE target_id IS NULL)::int AS no_target, count(*) FILTER (WHERE reason IS NULL)::int AS no_reason
      FROM s`;
    expect(stats.n).toBe(3_000);
    expect(stats.emails).toBeGreaterThan(20);
    expect(stats.emails).toBeLessThanOrEqual(40);
    expect(stats.anonymous).toBeGreaterThan(0);
    expect(stats.min.getTime()).toBeGreaterThanOrEqual(windowEnd.getTime() - 5 * DAY_MS - 60_000);
    expect(stats.max.getTime()).toBeLessThanOrEqual(windowEnd.getTime() + 60_000);
    expect(stats.max.getTime() - stats.min.getTime()).toBeGreaterThan(4.9 * DAY_MS);
    expect(stats.disorder).toBe(0);
    for (const type of stats.types) expect(AUDIT_EVENT_TYPES).toContain(type);
    expect(stats.types.length).toBeGreaterThan(25);
    expect(stats.success / 3_000).toBeGreaterThan(0.75);
    expect(stats.failure).toBeGreaterThan(150);
    expect(stats.blocked).toBeGreaterThan(30);
    expect(stats.no_target).toBeGreaterThan(0);
    expect(stats.no_reason).toBeGreaterThan(0);

    // The page reads them like any other events.
    const busiest = syntheticEmail(0);
    const page = await listAuditEvents({ email: busiest, from: addDays(todayUtc(), -60), to: addDays(todayUtc(), -40) });
    expect(page.events.length).toBeGreaterThan(0);
    expect(page.events.every((event) => event.actorEmail === busiest)).toBe(true);
    expect(page.events.every((event) => event.ip && /^(198\.51\.100|203\.0\.113|192\.0\.2)\.\d+$|^2001:db8:/.test(event.ip))).toBe(true);
  });

  it("refuses nonsense sizes", async () => {
    await withClient(testDatabaseUrl(), async (client) => {
      await expect(seedSyntheticAuditEvents(client, { count: -1 })).rejects.toThrow(/count/);
      await expect(seedSyntheticAuditEvents(client, { count: 10, users: 0 })).rejects.toThrow(/users/);
      await expect(seedSyntheticAuditEvents(client, { count: 10, users: 100_000 })).rejects.toThrow(/users/);
      await expect(seedSyntheticAuditEvents(client, { count: 10, days: 0 })).rejects.toThrow(/days/);
    });
  });
});
