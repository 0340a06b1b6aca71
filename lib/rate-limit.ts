import "server-only";
import { db, type Tx } from "@/lib/db";

export type RateRule = { limit: number; windowSeconds: number };
export type RateDecision = { allowed: boolean; retryAfterSeconds: number };

type Row = { count: number; retry_after: number };

/**
 * Counts one hit against `key` in a fixed window, atomically in Postgres (one statement),
 * so the limit holds across requests, processes and app instances.
 */
export async function hitRateLimit(key: string, rule: RateRule, client: Tx = db): Promise<RateDecision> {
  const rows = await client.$queryRaw<Row[]>`
    INSERT INTO rate_limits (key, window_start, count) VALUES (${key}, now(), 1)
    ON CONFLICT (key) DO UPDATE SET
      window_start = CASE WHEN rate_limits.window_start <= now() - make_interval(secs => ${rule.windowSeconds}) THEN now() ELSE rate_limits.window_start END,
      count = CASE WHEN rate_limits.window_start <= now() - make_interval(secs => ${rule.windowSeconds}) THEN 1 ELSE rate_limits.count + 1 END
    RETURNING count, CEIL(GREATEST(0, EXTRACT(EPOCH FROM (window_start + make_interval(secs => ${rule.windowSeconds}) - now()))))::int AS retry_after`;
  const row = rows[0];
  if (!row) throw new Error("rate limit upsert returned no row");
  return { allowed: row.count <= rule.limit, retryAfterSeconds: row.count <= rule.limit ? 0 : Math.max(1, row.retry_after) };
}

/** Takes back one hit, e.g. when an attempt that was counted up front turned out to be legitimate. */
export async function forgiveRateLimitHit(key: string, client: Tx = db): Promise<void> {
  await client.$executeRaw`UPDATE rate_limits SET count = GREATEST(count - 1, 0) WHERE key = ${key}`;
}

export async function resetRateLimit(key: string, client: Tx = db): Promise<void> {
  await client.$executeRaw`DELETE FROM rate_limits WHERE key = ${key}`;
}
