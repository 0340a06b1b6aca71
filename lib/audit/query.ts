import "server-only";
import type { Locale } from "@/i18n/locales";
import { translatorFor } from "@/i18n/translator";
import { attentionLeaders, countedPerDay } from "@/lib/audit/rollups";
import { targetNamesOf } from "@/lib/audit/target-names";
import { db, preparedStatement, Prisma } from "@/lib/db";
import { describeUserAgent } from "@/lib/http/user-agent";
import { describeChallenge } from "@/lib/step-up/describe";
import { type AttentionAccount, type AuditEventDto, type AuditFilter, type DailyCount } from "@/shared/audit";
import {
  describeEvent,
  eventCategory,
  typesInCategory,
  type AccountActivityDto,
  type DescribableEvent,
  type EventCategory,
  type Viewpoint,
} from "@/shared/audit-events";
import { ECS_CATEGORY, ECS_OUTCOME, type AuditFeedEvent, type FeedCursor } from "@/shared/audit-feed";

const AUDIT_PAGE_SIZE = 50;

type Describe = (event: DescribableEvent, viewpoint: Viewpoint) => string;
const describers = new Map<Locale, Describe>();

/**
 * Sentences in `locale`, with the step-up phrases they quote (a challenge's description, a
 * recovery code's purpose) in the same language. The audit feed is always English.
 */
function describerFor(locale: Locale): Describe {
  let describe = describers.get(locale);
  if (!describe) {
    const t = translatorFor(locale, "auditEvents");
    const actions = translatorFor(locale, "stepUpActions");
    const phrase = (text: string) => describeChallenge(actions, text);
    describe = (event, viewpoint) => describeEvent(event, viewpoint, t, { phrase });
    describers.set(locale, describe);
  }
  return describe;
}

type Row = {
  id: bigint;
  tx_id: bigint;
  created_at: Date;
  type: string;
  outcome: AuditEventDto["outcome"];
  actor_id: string | null;
  actor_email: string | null;
  target_type: string | null;
  target_id: string | null;
  reason: string | null;
  ip: string | null;
  user_agent: string | null;
  metadata: Prisma.JsonValue | null;
};

/**
 * One page, newest first, by keyset: (created_at, id) of the last row shown. New events never
 * shift later pages. Sentences in `locale` (the admin's language on the audit page).
 */
export async function listAuditEvents(
  filter: AuditFilter,
  locale: Locale = "en",
): Promise<{ events: AuditEventDto[]; nextCursor: string | null }> {
  const rows = await selectPage(filter, decodeCursor(filter.cursor), AUDIT_PAGE_SIZE + 1);
  const page = rows.slice(0, AUDIT_PAGE_SIZE);
  const last = page.at(-1);
  return { events: await toDtos(page, locale), nextCursor: rows.length > AUDIT_PAGE_SIZE && last ? encodeCursor(last) : null };
}

/**
 * The account's own security history, for its owner: what it did and what was done to it, newest
 * first, 50 a page, in words written for the owner in `locale` (the request's on the activity
 * page; English in the JSON API). Another account acting on it (an admin) is never named, and
 * neither its address nor its IP or device is shown.
 */
export async function listAccountActivity(
  accountId: string,
  options: { category?: EventCategory; cursor?: string },
  locale: Locale = "en",
): Promise<{ events: AccountActivityDto[]; nextCursor: string | null }> {
  const filter: AuditFilter = { account: accountId, group: options.category };
  const rows = await selectPage(filter, decodeCursor(options.cursor), AUDIT_PAGE_SIZE + 1);
  const page = rows.slice(0, AUDIT_PAGE_SIZE);
  const last = page.at(-1);
  const viewpoint: Viewpoint = { kind: "account", accountId };
  const names = await targetNamesOf(page.map(asTarget));
  const describe = describerFor(locale);
  const events = page.map((row, index): AccountActivityDto => {
    const byAdmin = row.actor_id !== null && row.actor_id !== accountId;
    return {
      id: row.id.toString(),
      createdAt: row.created_at.toISOString(),
      sentence: describe(describable(row, names[index] ?? null, byAdmin ? null : row.actor_email), viewpoint),
      category: eventCategory(row.type),
      outcome: row.outcome,
      ip: byAdmin ? null : row.ip,
      device: byAdmin || !row.user_agent ? "—" : describeUserAgent(row.user_agent),
      byAdmin,
    };
  });
  return { events, nextCursor: rows.length > AUDIT_PAGE_SIZE && last ? encodeCursor(last) : null };
}

/** Every matching event, newest first, in keyset batches: memory stays bounded whatever the total. Sentences in `locale`. */
export async function* streamAuditEvents(filter: AuditFilter, batchSize = 1000, locale: Locale = "en"): AsyncGenerator<AuditEventDto[]> {
  let after = decodeCursor(filter.cursor);
  for (;;) {
    const rows = await selectPage(filter, after, batchSize);
    if (rows.length) yield await toDtos(rows, locale);
    const last = rows.at(-1);
    if (rows.length < batchSize || !last) return;
    after = { createdAt: last.created_at, id: last.id };
  }
}

/**
 * A place in the audit feed: the writing transaction's id, then the row's id. The feed's order is
 * this pair's, and `readAuditFeed` only ever hands out rows behind every transaction still running,
 * so nothing can later appear behind a position already handed out.
 */
export type FeedPosition = FeedCursor;

/** Before the oldest event still kept. */
export const FEED_ORIGIN: FeedPosition = { txId: 0n, id: 0n };

/** Behind every event written so far and ahead of every one still being written: "from now on". */
export async function feedHead(): Promise<FeedPosition> {
  const [row] = await db.$queryRaw<[{ xmin: bigint }]>`SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint AS xmin`;
  return { txId: row.xmin, id: 0n };
}

/**
 * Up to `limit` events after `after`, in feed order, with the position after the last one (or
 * `after` itself when there are none yet). An event whose transaction is still running, or that
 * began before one still running, waits for the next read: that is what makes a position final.
 */
export async function readAuditFeed(
  after: FeedPosition,
  limit: number,
  filter: AuditFilter = {},
): Promise<{ events: AuditFeedEvent[]; position: FeedPosition }> {
  const { horizon, from } = await feedMonths(after);
  const past = Prisma.sql`(tx_id, id) > (${after.txId}, ${after.id}) AND tx_id < ${horizon} AND ${whereClause(filter, null)}`;
  // The months from `from` on (planned alone: a constant), and the default partition's rows before it.
  const rows = await db.$queryRaw<Row[]>`
    SELECT * FROM (
      (SELECT ${COLUMNS} FROM audit_events WHERE created_at >= ${from} AND ${past} ORDER BY tx_id, id LIMIT ${limit})
      UNION ALL
      (SELECT ${COLUMNS} FROM audit_events_default WHERE created_at < ${from} AND ${past} ORDER BY tx_id, id LIMIT ${limit})
    ) e
    ORDER BY e.tx_id, e.id
    LIMIT ${limit}`;
  const last = rows.at(-1);
  return { events: await toFeedEvents(rows), position: last ? { txId: last.tx_id, id: last.id } : after };
}

// Past every month: only the default partition is left to read.
const END_OF_TIME = new Date("9999-12-31T00:00:00Z");

/**
 * Where a feed read past `after` must look: the start of the oldest month that may hold a row past
 * it (one not sealed yet, or whose highest tx_id reaches the position; lib/audit/partitions.ts),
 * and the horizon the read hands rows out below. The horizon is this statement's, not the read's:
 * a row inserted into a sealed month after this look comes from a transaction that was running
 * at it or began later, so its tx_id is at or above the horizon and waits for the next read.
 */
async function feedMonths(after: FeedPosition): Promise<{ horizon: bigint; from: Date }> {
  const [row] = await db.$queryRaw<[{ horizon: bigint; from: Date | null }]>`${preparedStatement("audit-feed-months")}
    SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint AS horizon,
      (SELECT min(m.starts_at) FROM audit_event_months() m
       WHERE NOT EXISTS (SELECT 1 FROM audit_sealed_months s WHERE s.name = m.name AND s.max_tx_id < ${after.txId})) AS "from"`;
  return { horizon: row.horizon, from: row.from ?? END_OF_TIME };
}

/** How far behind the feed's end a position is: events not yet past it, and the age of the oldest of them. */
export async function feedLag(after: FeedPosition): Promise<{ events: number; seconds: number }> {
  const { from } = await feedMonths(after);
  const [row] = await db.$queryRaw<[{ events: number; oldest: Date | null }]>`
    SELECT count(*)::int AS events, min(created_at) AS oldest FROM (
      SELECT created_at FROM audit_events WHERE created_at >= ${from} AND (tx_id, id) > (${after.txId}, ${after.id})
      UNION ALL
      SELECT created_at FROM audit_events_default WHERE created_at < ${from} AND (tx_id, id) > (${after.txId}, ${after.id})
    ) e`;
  return { events: row.events, seconds: row.oldest ? Math.max(0, Math.round((Date.now() - row.oldest.getTime()) / 1000)) : 0 };
}

/** One page of the admin audit page's events (same filters, order and cursor) as feed documents. */
export async function listAuditFeedPage(
  filter: AuditFilter,
  limit: number,
): Promise<{ events: AuditFeedEvent[]; nextCursor: string | null }> {
  const rows = await selectPage(filter, decodeCursor(filter.cursor), limit + 1);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { events: await toFeedEvents(page), nextCursor: rows.length > limit && last ? encodeCursor(last) : null };
}

/** Events per UTC day over the filter's range (default: the last 30 days), every day present. */
export async function countEventsPerDay(filter: AuditFilter): Promise<DailyCount[]> {
  const { from, to } = chartRange(filter);
  const rows =
    filter.email || filter.account
      ? await countOnePerDay(filter, from, to)
      : await countedPerDay(
          { types: filter.group ? typesInCategory(filter.group) : undefined, outcome: filter.outcome, from, to },
          whereClause({ ...filter, from, to }, null),
        );
  return rows.map((row) => ({ day: row.day.toISOString().slice(0, 10), success: row.success, failure: row.failure, blocked: row.blocked }));
}

/**
 * The chart for one address or account, straight from its events (the roll-ups are not per
 * account): bounded by that account's events in the range, through its own index.
 */
function countOnePerDay(filter: AuditFilter, from: string, to: string) {
  return db.$queryRaw<{ day: Date; success: number; failure: number; blocked: number }[]>`
    SELECT d.day,
      COALESCE(c.success, 0)::int AS success, COALESCE(c.failure, 0)::int AS failure, COALESCE(c.blocked, 0)::int AS blocked
    FROM generate_series(${from}::date, ${to}::date, interval '1 day') AS d(day)
    LEFT JOIN (
      SELECT date_trunc('day', created_at AT TIME ZONE 'UTC') AS day,
        count(*) FILTER (WHERE outcome = 'SUCCESS') AS success,
        count(*) FILTER (WHERE outcome = 'FAILURE') AS failure,
        count(*) FILTER (WHERE outcome = 'BLOCKED') AS blocked
      FROM audit_events
      WHERE ${whereClause({ ...filter, from, to }, null)}
      GROUP BY 1
    ) c ON c.day = d.day
    ORDER BY d.day`;
}

/**
 * Accounts with the most failed verifications, lockouts and rate-limit hits in the last 24 hours
 * (ties by address), from the window the roll-up job keeps (lib/audit/rollups.ts).
 */
export async function listAccountsNeedingAttention(limit = 10): Promise<AttentionAccount[]> {
  const rows = await attentionLeaders(limit);
  return rows.map((row) => ({ email: row.email, failedVerifications: row.failed, lockouts: row.lockouts, rateLimited: row.rate_limited }));
}

type Position = { createdAt: Date; id: bigint };

const COLUMNS = Prisma.sql`id, tx_id, created_at, type, outcome, actor_id, actor_email, target_type, target_id, reason, ip, user_agent, metadata`;

/**
 * Up to `limit` rows newest first, read month slice by month slice (lib/audit/partitions.ts): each
 * statement names its stretch of created_at, so Postgres plans only the months in it (planning a
 * statement over every month of 8 years cost 10–17 ms, more than running it). A slice that does
 * not fill the page is followed by an older one twice as long, and the last one reaches back past
 * the oldest month, into whatever the default partition holds.
 */
async function selectPage(filter: AuditFilter, after: Position | null, limit: number): Promise<Row[]> {
  const rows: Row[] = [];
  for (const slice of slicesNewestFirst(filter, after, await oldestMonthStart())) {
    rows.push(...(await selectSlice(filter, after, limit - rows.length, slice)));
    if (rows.length >= limit) break;
  }
  return rows;
}

async function selectSlice(filter: AuditFilter, after: Position | null, limit: number, slice: Slice): Promise<Row[]> {
  if (filter.account && filter.group) {
    // One category of one account: each of its types newest first from (actor_id, type, created_at,
    // id) and (target_type, target_id, type, created_at, id), merged. Filtering the account's whole
    // history by type instead would read all of it when the category is rare.
    const rest = whereClause({ ...filter, account: undefined, group: undefined }, after, slice);
    const types = typesInCategory(filter.group);
    return db.$queryRaw<Row[]>`
      SELECT * FROM (
        (SELECT e.* FROM unnest(${types}::text[]) AS t(type) CROSS JOIN LATERAL (
          SELECT ${COLUMNS} FROM audit_events
          WHERE actor_id = ${filter.account}::uuid AND type = t.type AND ${rest}
          ORDER BY created_at DESC, id DESC LIMIT ${limit}) e)
        UNION
        (SELECT e.* FROM unnest(${types}::text[]) AS t(type) CROSS JOIN LATERAL (
          SELECT ${COLUMNS} FROM audit_events
          WHERE target_type = 'user' AND target_id = ${filter.account} AND type = t.type AND ${rest}
          ORDER BY created_at DESC, id DESC LIMIT ${limit}) e)
      ) e
      ORDER BY e.created_at DESC, e.id DESC
      LIMIT ${limit}`;
  }
  if (filter.account) {
    // What the account did and what was done to it, each newest first from its own index
    // ((actor_id, created_at, id) and (target_type, target_id, created_at, id)), merged; UNION drops
    // an event that is both (a user's change to their own account).
    const rest = whereClause({ ...filter, account: undefined }, after, slice);
    return db.$queryRaw<Row[]>`
      SELECT * FROM (
        (SELECT ${COLUMNS} FROM audit_events WHERE actor_id = ${filter.account}::uuid AND ${rest}
         ORDER BY created_at DESC, id DESC LIMIT ${limit})
        UNION
        (SELECT ${COLUMNS} FROM audit_events WHERE target_type = 'user' AND target_id = ${filter.account} AND ${rest}
         ORDER BY created_at DESC, id DESC LIMIT ${limit})
      ) e
      ORDER BY e.created_at DESC, e.id DESC
      LIMIT ${limit}`;
  }
  if (filter.email) {
    const emails = await emailsWithPrefix(filter.email, MAX_MERGED_EMAILS + 1, slice);
    if (emails.length === 0) return [];
    if (emails.length <= MAX_MERGED_EMAILS) {
      // Each address's newest events straight from (actor_email, created_at, id), merged: the
      // work is bounded by the page size, not by how many events the account has.
      return db.$queryRaw<Row[]>`
        SELECT e.* FROM unnest(${emails}::text[]) AS m(email)
        CROSS JOIN LATERAL (
          SELECT ${COLUMNS} FROM audit_events
          WHERE actor_email = m.email AND ${whereClause({ ...filter, email: undefined }, after, slice)}
          ORDER BY created_at DESC, id DESC
          LIMIT ${limit}
        ) e
        ORDER BY e.created_at DESC, e.id DESC
        LIMIT ${limit}`;
    }
  }
  return db.$queryRaw<Row[]>`
    SELECT ${COLUMNS}
    FROM audit_events
    WHERE ${whereClause(filter, after, slice)}
    ORDER BY created_at DESC, id DESC
    LIMIT ${limit}`;
}

// An email prefix usually names one account (the attention panel links to the full address).
// Ordering all of a busy account's events to show 50 grows with its history, so up to this many
// matching addresses are read one by one (above, the planner's usual plan is the cheaper one).
const MAX_MERGED_EMAILS = 20;

/** Distinct actor emails starting with `prefix` in the slice, by skipping through the email index. */
async function emailsWithPrefix(prefix: string, limit: number, slice: Slice): Promise<string[]> {
  const pattern = `${escapeLike(prefix)}%`;
  const within = sliceClause(slice);
  const rows = await db.$queryRaw<{ email: string }[]>`
    WITH RECURSIVE emails(email) AS (
      (SELECT actor_email FROM audit_events WHERE actor_email LIKE ${pattern} AND ${within} ORDER BY actor_email USING ~<~ LIMIT 1)
      UNION ALL
      SELECT (
        SELECT actor_email FROM audit_events
        WHERE actor_email LIKE ${pattern} AND actor_email ~>~ emails.email AND ${within}
        ORDER BY actor_email USING ~<~ LIMIT 1
      )
      FROM emails WHERE emails.email IS NOT NULL
    )
    SELECT email FROM emails WHERE email IS NOT NULL LIMIT ${limit}`;
  return rows.map((row) => row.email);
}

function whereClause(filter: AuditFilter, after: Position | null, slice: Slice = ALL_TIME): Prisma.Sql {
  const conditions: Prisma.Sql[] = [Prisma.sql`TRUE`];
  if (filter.email) conditions.push(Prisma.sql`actor_email LIKE ${`${escapeLike(filter.email)}%`}`);
  if (filter.account)
    conditions.push(Prisma.sql`(actor_id = ${filter.account}::uuid OR (target_type = 'user' AND target_id = ${filter.account}))`);
  if (filter.group) conditions.push(Prisma.sql`type = ANY(${typesInCategory(filter.group)})`);
  if (filter.outcome) conditions.push(Prisma.sql`outcome = ${filter.outcome}::"AuditOutcome"`);
  // Timestamps, not `::date` (whose conversion to timestamptz depends on the session's time zone,
  // so Postgres could not leave out the months outside the range while planning).
  if (filter.from) conditions.push(Prisma.sql`created_at >= ${utcDay(filter.from)}`);
  if (filter.to) conditions.push(Prisma.sql`created_at < ${utcDay(filter.to, 1)}`);
  if (after) conditions.push(Prisma.sql`(created_at, id) < (${after.createdAt}, ${after.id})`);
  conditions.push(sliceClause(slice));
  return Prisma.join(conditions, " AND ");
}

/** A stretch of created_at, [from, to); null is unbounded. */
type Slice = { from: Date | null; to: Date | null };
const ALL_TIME: Slice = { from: null, to: null };

function sliceClause(slice: Slice): Prisma.Sql {
  const conditions: Prisma.Sql[] = [Prisma.sql`TRUE`];
  if (slice.from) conditions.push(Prisma.sql`created_at >= ${slice.from}`);
  if (slice.to) conditions.push(Prisma.sql`created_at < ${slice.to}`);
  return Prisma.join(conditions, " AND ");
}

/** Midnight UTC of a calendar day (YYYY-MM-DD), `days` later. */
function utcDay(day: string, days = 0): Date {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000);
}

/** The first instant of the month `back` months before the one `at` is in (UTC). */
function monthStart(at: Date, back = 0): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() - back, 1));
}

/**
 * The slices a newest-first read goes through: the month of its top (the cursor, the range's
 * end or now) up to that top (or with no end at all: rows dated in the future are the newest),
 * then 1, 2, 4 … months before, and finally everything before, which holds at most the months
 * before the oldest the last look found and the default partition's rows (or, with a range, down
 * to its start). Every instant falls in exactly one slice, whatever `oldest` says.
 */
export function* slicesNewestFirst(
  filter: Pick<AuditFilter, "from" | "to">,
  after: Position | null,
  oldest: Date | null,
  now = new Date(),
): Generator<Slice> {
  const floor = filter.from ? utcDay(filter.from) : null;
  const ends = [after ? new Date(after.createdAt.getTime() + 1) : null, filter.to ? utcDay(filter.to, 1) : null].filter(
    (end) => end !== null,
  );
  let to: Date | null = ends.length ? new Date(Math.min(...ends.map((end) => end.getTime()))) : null;
  let from = monthStart(to && to <= now ? new Date(to.getTime() - 1) : now);
  for (let months = 1; ; months *= 2) {
    if (!oldest || from <= oldest || (floor && from <= floor)) {
      yield { from: floor, to };
      return;
    }
    yield { from, to };
    to = from;
    from = monthStart(from, months);
  }
}

// The oldest month's start, looked up at most once a minute per process. Only how many slices a
// read takes depends on it, never which rows it finds: the last slice is open-ended.
const MONTHS_TTL_MS = 60_000;
let oldestMonth: { readAt: number; start: Promise<Date | null> } | null = null;

function oldestMonthStart(): Promise<Date | null> {
  if (!oldestMonth || Date.now() - oldestMonth.readAt > MONTHS_TTL_MS) {
    const start = db.$queryRaw<{ start: Date | null }[]>`SELECT min(starts_at) AS start FROM audit_event_months()`.then(
      (rows) => rows[0]?.start ?? null,
    );
    oldestMonth = { readAt: Date.now(), start };
    start.catch(() => (oldestMonth = null));
  }
  return oldestMonth.start;
}

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (character) => `\\${character}`);
}

function chartRange(filter: AuditFilter): { from: string; to: string } {
  const to = filter.to ?? new Date().toISOString().slice(0, 10);
  const from = filter.from ?? new Date(Date.parse(`${to}T00:00:00Z`) - 29 * 86_400_000).toISOString().slice(0, 10);
  return from <= to ? { from, to } : { from: to, to: from };
}

function encodeCursor(row: Row): string {
  return Buffer.from(`${row.created_at.toISOString()}|${row.id}`).toString("base64url");
}

// Exactly what encodeCursor writes. Anything else is ignored (first page): a looser parse let
// through ids past bigint and dates Postgres refuses (a 500), or odd ones like "1" (year 2001).
const CURSOR = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)\|(\d{1,19})$/;
const MAX_ID = 2n ** 63n - 1n;

function decodeCursor(cursor: string | undefined): Position | null {
  const match = cursor ? CURSOR.exec(Buffer.from(cursor, "base64url").toString("utf8")) : null;
  if (!match?.[1] || !match[2]) return null;
  const createdAt = new Date(match[1]);
  const id = BigInt(match[2]);
  if (Number.isNaN(createdAt.getTime()) || createdAt.toISOString() !== match[1] || match[1] < "0001" || id > MAX_ID) return null;
  return { createdAt, id };
}

/** The rows as the admin pages show them; an actor whose account has since been deleted is named by id only. */
async function toDtos(rows: Row[], locale: Locale): Promise<AuditEventDto[]> {
  const { deleted, names } = await lookUp(rows);
  const describe = describerFor(locale);
  return rows.map((row, index) => toDto(row, row.actor_id !== null && deleted.has(row.actor_id), names[index] ?? null, describe));
}

/** Which of the rows' actors have since been deleted, and each row's target name. */
async function lookUp(rows: Row[]): Promise<{ deleted: Set<string>; names: (string | null)[] }> {
  const actorIds = [...new Set(rows.flatMap((row) => (row.actor_id ? [row.actor_id] : [])))];
  const [deleted, names] = await Promise.all([
    actorIds.length
      ? db.$queryRaw<{ id: string }[]>`
          SELECT id::text FROM users WHERE id = ANY(${actorIds}::uuid[]) AND deleted_at IS NOT NULL`.then(
          (found) => new Set(found.map((row) => row.id)),
        )
      : new Set<string>(),
    targetNamesOf(rows.map(asTarget)),
  ]);
  return { deleted, names };
}

/** Feed documents: their `message` is always English, whoever reads the feed. */
async function toFeedEvents(rows: Row[]): Promise<AuditFeedEvent[]> {
  const { deleted, names } = await lookUp(rows);
  const describe = describerFor("en");
  return rows.map((row, index): AuditFeedEvent => {
    const actorDeleted = row.actor_id !== null && deleted.has(row.actor_id);
    const targetName = names[index] ?? null;
    const actorEmail = actorDeleted ? null : row.actor_email;
    const category = eventCategory(row.type);
    const details = describable(row, targetName, actorEmail);
    return {
      "@timestamp": row.created_at.toISOString(),
      event: {
        id: row.id.toString(),
        action: row.type,
        category: [ECS_CATEGORY[category]],
        outcome: ECS_OUTCOME[row.outcome],
        kind: "event",
        dataset: "stepup.audit",
        reason: row.reason,
      },
      message: describe(details, { kind: "admin" }),
      user: { id: row.actor_id, email: actorEmail },
      source: row.ip ? { ip: row.ip } : null,
      user_agent: row.user_agent ? { original: row.user_agent } : null,
      stepup: {
        outcome: row.outcome,
        category,
        target: row.target_type ? { type: row.target_type, id: row.target_id, name: targetName } : null,
        metadata: details.metadata,
      },
    };
  });
}

function toDto(row: Row, actorDeleted: boolean, targetName: string | null, describe: Describe): AuditEventDto {
  const actorEmail = actorDeleted ? null : row.actor_email;
  return {
    id: row.id.toString(),
    createdAt: row.created_at.toISOString(),
    type: row.type,
    outcome: row.outcome,
    actorEmail,
    deletedActorId: actorDeleted ? row.actor_id : null,
    target: row.target_type ? `${row.target_type}${row.target_id ? `: ${row.target_id}` : ""}` : null,
    targetName,
    sentence: describe(describable(row, targetName, actorEmail), { kind: "admin" }),
    reason: row.reason,
    ip: row.ip,
    device: row.user_agent ? describeUserAgent(row.user_agent) : "—",
  };
}

function asTarget(row: Row) {
  return { targetType: row.target_type, targetId: row.target_id, metadata: row.metadata, actorId: row.actor_id };
}

/** `actorEmail` as the reader may see it: none for a deleted actor (admin) or for another account (owner). */
function describable(row: Row, targetName: string | null, actorEmail: string | null): DescribableEvent {
  const metadata = typeof row.metadata === "object" && row.metadata !== null && !Array.isArray(row.metadata) ? row.metadata : null;
  return {
    type: row.type,
    outcome: row.outcome,
    actorId: row.actor_id,
    actorEmail,
    targetType: row.target_type,
    targetId: row.target_id,
    targetName,
    reason: row.reason,
    metadata,
  };
}
