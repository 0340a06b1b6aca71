import "server-only";
import { db, Prisma, type Tx } from "@/lib/db";

/**
 * Roll-ups for the admin audit page, so its chart and attention panel cost the same at 10k and
 * 10M events. Writers never touch them (200 users would queue on a counter row): the job queue
 * folds committed events in behind a watermark on `tx_id`, and a read adds the events past it.
 *
 * The watermark is `pg_snapshot_xmin` of the statement that rolls up: every transaction with a
 * lower id had ended, so its events are all visible to that statement (or rolled back). An event
 * committed late with an older `created_at` still has its own transaction's id, at or above the
 * watermark, so it is read live until the next roll-up takes it in: each event is counted once.
 * Each read is one statement, so it sees the counts and the watermark of the same roll-up.
 */

// The first run on a log that was never rolled up counts all of it in one statement (about
// seconds per million events), far beyond Prisma's 5 s default for a transaction.
const ROLL_UP_TIMEOUT_MS = 10 * 60_000;

/**
 * Takes the roll-ups' lock, or null when another run (another instance's job, or retention)
 * holds it: that run folds in the same events, so this one has nothing to add and must not queue
 * behind it.
 */
async function lockRollupState(tx: Tx): Promise<{ countsTxId: bigint } | null> {
  const [state] = await tx.$queryRaw<{ countsTxId: bigint }[]>`
    SELECT counts_tx_id AS "countsTxId" FROM audit_rollup_state WHERE id = 1 FOR UPDATE SKIP LOCKED`;
  return state ?? null;
}

/**
 * Folds every event behind the current horizon into the per-day counts; returns how many it took
 * in, or null when another run was doing it.
 */
export async function rollUpEventCounts(): Promise<number | null> {
  return db.$transaction(
    async (tx) => {
      const state = await lockRollupState(tx);
      if (!state) return null;
      const [row] = await tx.$queryRaw<[{ events: bigint }]>`
        WITH horizon AS (SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint AS xmin),
        fresh AS (
          SELECT (e.created_at AT TIME ZONE 'UTC')::date AS day, e.type, e.outcome, count(*) AS n
          FROM audit_events e, horizon
          WHERE e.tx_id >= ${state.countsTxId} AND e.tx_id < horizon.xmin
          GROUP BY 1, 2, 3
        ),
        added AS (
          INSERT INTO audit_event_counts AS c (day, type, outcome, count)
          SELECT day, type, outcome, n FROM fresh
          ON CONFLICT (day, type, outcome) DO UPDATE SET count = c.count + EXCLUDED.count
        ),
        moved AS (
          UPDATE audit_rollup_state SET counts_tx_id = GREATEST(counts_tx_id, (SELECT xmin FROM horizon)) WHERE id = 1
        )
        SELECT COALESCE(sum(n), 0)::bigint AS events FROM fresh`;
      return Number(row.events);
    },
    { timeout: ROLL_UP_TIMEOUT_MS },
  );
}

/**
 * Rebuilds the attention panel's window: each address's refused and failed events in the 24 hours
 * up to now, behind the current horizon. A read then adds the events since and drops those that
 * have left the window since, a minute's worth at most when the job runs every minute. Returns
 * how many addresses the window holds, or null when another run was rebuilding it.
 */
export async function rollUpAttentionWindow(): Promise<number | null> {
  return db.$transaction(
    async (tx) => {
      if (!(await lockRollupState(tx))) return null;
      await tx.$executeRaw`DELETE FROM audit_attention_window`;
      const [row] = await tx.$queryRaw<[{ accounts: bigint }]>`
        WITH horizon AS (SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint AS xmin),
        fresh AS (
          SELECT actor_email, count(*)::int AS total,
            count(*) FILTER (WHERE outcome = 'FAILURE')::int AS failed,
            count(*) FILTER (WHERE type = 'step_up.locked')::int AS lockouts,
            count(*) FILTER (WHERE outcome = 'BLOCKED' AND type <> 'step_up.locked')::int AS rate_limited
          FROM audit_events, horizon
          WHERE created_at > now() - interval '24 hours' AND created_at <= now()
            AND outcome <> 'SUCCESS' AND actor_email IS NOT NULL AND tx_id < horizon.xmin
          GROUP BY actor_email
        ),
        added AS (
          INSERT INTO audit_attention_window (actor_email, total, failed, lockouts, rate_limited) SELECT * FROM fresh
        ),
        moved AS (
          UPDATE audit_rollup_state SET attention_tx_id = (SELECT xmin FROM horizon), attention_at = now() WHERE id = 1
        )
        SELECT count(*)::bigint AS accounts FROM fresh`;
      return Number(row.accounts);
    },
    { timeout: ROLL_UP_TIMEOUT_MS },
  );
}

/** The job: both roll-ups, each in its own transaction. */
export async function rollUpAuditEvents(): Promise<{ counted: number | null; attentionAccounts: number | null }> {
  const counted = await rollUpEventCounts();
  const attentionAccounts = await rollUpAttentionWindow();
  return { counted, attentionAccounts };
}

export type CountFilter = { types?: string[]; outcome?: string; from: string; to: string };

/**
 * Events per UTC day from `from` to `to` (inclusive) by outcome: the rolled-up counts plus a live
 * count of the events past the watermark. `live` is the same filter over audit_events.
 */
export function countedPerDay(filter: CountFilter, live: Prisma.Sql) {
  const conditions: Prisma.Sql[] = [Prisma.sql`day BETWEEN ${filter.from}::date AND ${filter.to}::date`];
  if (filter.types) conditions.push(Prisma.sql`type = ANY(${filter.types})`);
  if (filter.outcome) conditions.push(Prisma.sql`outcome = ${filter.outcome}::"AuditOutcome"`);
  return db.$queryRaw<{ day: Date; success: number; failure: number; blocked: number }[]>`
    WITH counted AS (
      SELECT day, outcome, sum(count) AS n FROM audit_event_counts WHERE ${Prisma.join(conditions, " AND ")} GROUP BY 1, 2
      UNION ALL
      SELECT (created_at AT TIME ZONE 'UTC')::date, outcome, count(*) FROM audit_events
      WHERE tx_id >= audit_counts_tx_id() AND ${live}
      GROUP BY 1, 2
    )
    SELECT d.day,
      COALESCE(sum(c.n) FILTER (WHERE c.outcome = 'SUCCESS'), 0)::int AS success,
      COALESCE(sum(c.n) FILTER (WHERE c.outcome = 'FAILURE'), 0)::int AS failure,
      COALESCE(sum(c.n) FILTER (WHERE c.outcome = 'BLOCKED'), 0)::int AS blocked
    FROM generate_series(${filter.from}::date, ${filter.to}::date, interval '1 day') AS d(day)
    LEFT JOIN counted c ON c.day = d.day::date
    GROUP BY d.day
    ORDER BY d.day`;
}

/**
 * The `limit` addresses with the most refused and failed events in the last 24 hours: the window
 * the job built at T (events behind its watermark W), plus the events it could not see (past W,
 * or newer than T), minus those that have left the window since T. Only addresses touched by
 * that difference can change rank, so the rest is read from the window's index, best first.
 */
export async function attentionLeaders(limit: number) {
  // The oldest created_at any branch below can reach, as a constant, so that Postgres plans only
  // the months from there (a month per partition: lib/audit/partitions.ts). Read first, it can only
  // be older than what the statement itself then sees (both times only move forward): each branch
  // keeps its own exact bounds.
  // Before the first roll-up (attention_at is -infinity) every month is read, as before.
  const [{ floor }] = await db.$queryRaw<[{ floor: Date | null }]>`
    SELECT CASE WHEN isfinite(attention_at) THEN LEAST(now(), attention_at) - interval '24 hours' END AS floor
    FROM audit_rollup_state WHERE id = 1`;
  const since = floor ? Prisma.sql`e.created_at >= ${floor}` : Prisma.sql`TRUE`;
  return db.$queryRaw<{ email: string; failed: number; lockouts: number; rate_limited: number }[]>`
    WITH s AS (
      SELECT audit_attention_tx_id() AS w, GREATEST(now(), audit_attention_at()) - interval '24 hours' AS since
    ),
    changes AS (
      -- Written past the watermark: none of them is in the window.
      SELECT e.actor_email, e.outcome, e.type, 1 AS sign FROM audit_events e, s
      WHERE ${since} AND e.tx_id >= audit_attention_tx_id() AND e.created_at > s.since AND e.outcome <> 'SUCCESS' AND e.actor_email IS NOT NULL
      UNION ALL
      -- Behind the watermark, but newer than the window.
      SELECT e.actor_email, e.outcome, e.type, 1 FROM audit_events e, s
      WHERE ${since} AND e.created_at > audit_attention_at() AND e.tx_id < s.w AND e.outcome <> 'SUCCESS' AND e.actor_email IS NOT NULL
      UNION ALL
      -- In the window, but more than 24 hours old by now.
      SELECT e.actor_email, e.outcome, e.type, -1 FROM audit_events e, s
      WHERE ${since} AND e.created_at > audit_attention_at() - interval '24 hours'
        AND e.created_at <= GREATEST(now(), audit_attention_at()) - interval '24 hours'
        AND e.tx_id < s.w AND e.outcome <> 'SUCCESS' AND e.actor_email IS NOT NULL
    ),
    delta AS (
      SELECT actor_email, sum(sign)::int AS total,
        COALESCE(sum(sign) FILTER (WHERE outcome = 'FAILURE'), 0)::int AS failed,
        COALESCE(sum(sign) FILTER (WHERE type = 'step_up.locked'), 0)::int AS lockouts,
        COALESCE(sum(sign) FILTER (WHERE outcome = 'BLOCKED' AND type <> 'step_up.locked'), 0)::int AS rate_limited
      FROM changes GROUP BY actor_email
    ),
    candidates AS (
      (SELECT w.actor_email FROM audit_attention_window w
       WHERE NOT EXISTS (SELECT 1 FROM delta d WHERE d.actor_email = w.actor_email)
       ORDER BY w.total DESC, w.actor_email LIMIT ${limit})
      UNION
      SELECT actor_email FROM delta
    ),
    totals AS (
      SELECT c.actor_email AS email,
        COALESCE(w.total, 0) + COALESCE(d.total, 0) AS total,
        COALESCE(w.failed, 0) + COALESCE(d.failed, 0) AS failed,
        COALESCE(w.lockouts, 0) + COALESCE(d.lockouts, 0) AS lockouts,
        COALESCE(w.rate_limited, 0) + COALESCE(d.rate_limited, 0) AS rate_limited
      FROM candidates c
      LEFT JOIN audit_attention_window w ON w.actor_email = c.actor_email
      LEFT JOIN delta d ON d.actor_email = c.actor_email
    )
    SELECT email, failed::int, lockouts::int, rate_limited::int FROM totals WHERE total > 0
    ORDER BY total DESC, email
    LIMIT ${limit}`;
}
