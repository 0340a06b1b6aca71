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

/**
 * Counts one hit against `key` in a fixed window, atomically in Postgres (one statement), so the
 * limit holds across requests, processes and app instances. A refused hit is not counted: a burst
 * that is turned away leaves nothing behind that a later forgiveness would have to undo.
 */
export async function hitRateLimit(key: string, rule: RateRule, client: Tx = db): Promise<RateDecision> {
  const windowPassed = Prisma.sql`rate_limits.window_start <= now() - make_interval(secs => ${rule.windowSeconds})`;
  const counted = await client.$queryRaw<{ window_start: string; count: number; reset: number }[]>`
    INSERT INTO rate_limits (key, window_start, count) VALUES (${key}, now(), 1)
    ON CONFLICT (key) DO UPDATE SET
      window_start = CASE WHEN ${windowPassed} THEN now() ELSE rate_limits.window_start END,
      count = CASE WHEN ${windowPassed} THEN 1 ELSE rate_limits.count + 1 END
    WHERE ${windowPassed} OR rate_limits.count < ${rule.limit}
    RETURNING window_start::text, count,
      CEIL(GREATEST(0, EXTRACT(EPOCH FROM (window_start + make_interval(secs => ${rule.windowSeconds}) - now()))))::int AS reset`;
  const hit = counted[0];
  if (hit) {
    return {
      allowed: true,
      retryAfterSeconds: 0,
      windowStart: hit.window_start,
      remaining: Math.max(0, rule.limit - hit.count),
      resetSeconds: hit.reset,
    };
  }
  const rows = await client.$queryRaw<{ retry_after: number }[]>`
    SELECT CEIL(GREATEST(0, EXTRACT(EPOCH FROM (window_start + make_interval(secs => ${rule.windowSeconds}) - now()))))::int AS retry_after
    FROM rate_limits WHERE key = ${key}`;
  const retryAfterSeconds = Math.max(1, rows[0]?.retry_after ?? rule.windowSeconds);
  return { allowed: false, retryAfterSeconds, windowStart: null, remaining: 0, resetSeconds: retryAfterSeconds };
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
