import "server-only";
import { db, Prisma, type Tx } from "@/lib/db";
import { AppError } from "@/shared/errors";

export type RateRule = { limit: number; windowSeconds: number };
/**
 * `windowStart` names the window an allowed hit was counted in, exactly as Postgres holds it (null
 * when refused, and so not counted); `remaining` hits are left in it, which restarts in `resetSeconds`.
 */
export type RateDecision = {
  allowed: boolean;
  retryAfterSeconds: number;
  windowStart: string | null;
  remaining: number;
  resetSeconds: number;
};

/** A counted hit as the statement from `countHitsSql` returns it. */
export type CountedHit = { window_start: string; count: number; reset: number };

/** Seconds until the window of the `rate_limits` row in scope restarts (0 once it has). */
export function secondsLeftInWindowSql(rule: RateRule): Prisma.Sql {
  return Prisma.sql`CEIL(GREATEST(0, EXTRACT(EPOCH FROM (window_start + make_interval(secs => ${rule.windowSeconds}) - now()))))::int`;
}

/**
 * The one statement that counts a hit in a fixed window for each key `keys` selects (one text
 * column): a `CountedHit` row per allowed hit, none for a refused one. A statement of its own in
 * `hitRateLimit`; a CTE where a caller counts a hit together with other work in one round trip.
 */
export function countHitsSql(keys: Prisma.Sql, rule: RateRule): Prisma.Sql {
  const windowPassed = Prisma.sql`rate_limits.window_start <= now() - make_interval(secs => ${rule.windowSeconds})`;
  return Prisma.sql`
    INSERT INTO rate_limits (key, window_start, count) SELECT hit.key, now(), 1 FROM (${keys}) AS hit(key)
    ON CONFLICT (key) DO UPDATE SET
      window_start = CASE WHEN ${windowPassed} THEN now() ELSE rate_limits.window_start END,
      count = CASE WHEN ${windowPassed} THEN 1 ELSE rate_limits.count + 1 END
    WHERE ${windowPassed} OR rate_limits.count < ${rule.limit}
    RETURNING window_start::text, count, ${secondsLeftInWindowSql(rule)} AS reset`;
}

/** The decision for a hit: counted (`hit`), or refused with the seconds its window still has, when known. */
export function rateDecision(rule: RateRule, hit: CountedHit | null, refusedSecondsLeft: number | null): RateDecision {
  if (hit) {
    return {
      allowed: true,
      retryAfterSeconds: 0,
      windowStart: hit.window_start,
      remaining: Math.max(0, rule.limit - hit.count),
      resetSeconds: hit.reset,
    };
  }
  const retryAfterSeconds = Math.max(1, refusedSecondsLeft ?? rule.windowSeconds);
  return { allowed: false, retryAfterSeconds, windowStart: null, remaining: 0, resetSeconds: retryAfterSeconds };
}

/**
 * Counts one hit against `key` in a fixed window, atomically in Postgres (one statement), so the
 * limit holds across requests, processes and app instances. A refused hit is not counted: a burst
 * that is turned away leaves nothing behind that a later forgiveness would have to undo.
 */
export async function hitRateLimit(key: string, rule: RateRule, client: Tx = db): Promise<RateDecision> {
  const counted = await client.$queryRaw<CountedHit[]>(countHitsSql(Prisma.sql`SELECT ${key}::text`, rule));
  const hit = counted[0];
  if (hit) return rateDecision(rule, hit, null);
  const rows = await client.$queryRaw<{ seconds_left: number }[]>`
    SELECT ${secondsLeftInWindowSql(rule)} AS seconds_left FROM rate_limits WHERE key = ${key}`;
  return rateDecision(rule, null, rows[0]?.seconds_left ?? null);
}

/**
 * Takes back one counted hit, e.g. when an attempt counted up front turned out to be legitimate.
 * Only in the window it was counted in: a hit from a window that has since restarted is gone already.
 */
export async function forgiveRateLimitHit(key: string, decision: RateDecision, client: Tx = db): Promise<void> {
  if (!decision.windowStart) return;
  await client.$executeRaw`UPDATE rate_limits SET count = count - 1 WHERE key = ${key} AND window_start = ${decision.windowStart}::timestamptz AND count > 0`;
}

export async function resetRateLimit(key: string, client: Tx = db): Promise<void> {
  await client.$executeRaw`DELETE FROM rate_limits WHERE key = ${key}`;
}

/** A per-address limit's key. Requests whose address is unknown share one bucket, so they cannot step around it. */
export function addressLimitKey(scope: string, ip: string | null): string {
  return `${scope}:ip:${ip ?? "unknown"}`;
}

/** Counts one hit against each limit; RATE_LIMITED (with the longest wait) when any is exhausted. */
export async function enforceRateLimits(limits: [key: string, rule: RateRule][]): Promise<void> {
  const decisions = await Promise.all(limits.map(([key, rule]) => hitRateLimit(key, rule)));
  const blocked = decisions.filter((decision) => !decision.allowed);
  if (blocked.length > 0) {
    throw new AppError("RATE_LIMITED", { retryAfterSeconds: Math.max(...blocked.map((decision) => decision.retryAfterSeconds)) });
  }
}
