import "server-only";
import { isWellFormedToken } from "@/lib/api-tokens/format";
import { sha256Hex } from "@/lib/crypto";
import { db, preparedStatement, Prisma } from "@/lib/db";
import { getEnv } from "@/lib/env";
import {
  addressLimitKey,
  countHitsSql,
  hitRateLimit,
  rateDecision,
  secondsLeftInWindowSql,
  type CountedHit,
  type RateDecision,
  type RateRule,
} from "@/lib/rate-limit";
import { ADMIN_ONLY_SCOPES, type ApiTokenScope } from "@/shared/api-tokens";

/** A limit the request was counted against, in the order they were applied (the address, then the token). */
export type AppliedLimit = { name: "ip" | "token"; rule: RateRule; decision: RateDecision };

export type BearerResult =
  | { ok: true; user: { id: string; email: string }; tokenId: string }
  | { ok: false; status: 401; error: "invalid_token" }
  | { ok: false; status: 403; error: "insufficient_scope"; tokenId: string }
  | { ok: false; status: 429; error: "rate_limited"; retryAfterSeconds: number };

type Row = {
  address_window_start: string | null;
  address_count: number | null;
  address_reset: number | null;
  address_seconds_left: number | null;
  token_id: string | null;
  user_id: string | null;
  email: string | null;
  granted: boolean | null;
  token_window_start: string | null;
  token_count: number | null;
  token_reset: number | null;
  token_seconds_left: number | null;
};

const WINDOW_SECONDS = 60;
const TOKEN_LIMIT_KEY_PREFIX = "api:token:";
// Recording the last use on every request would make each API call a write.
const TOUCH_AFTER_SECONDS = 60;

/**
 * The whole bearer gate of an API request, in one statement: the per-address limit (counted first,
 * so guessing tokens is limited too), the token, its own limit, its scope and, at most once a
 * minute, its last use. Malformed, unknown, expired and revoked tokens, and those of a disabled
 * account, all get the same 401; a malformed one (bad checksum) is counted against its address and
 * never looked up. `applied` receives each limit the request was counted against (for the RateLimit
 * header fields), whatever the result.
 */
export async function authenticateBearer(
  authorization: string | null,
  scope: ApiTokenScope,
  ip: string | null,
  applied: AppliedLimit[] = [],
): Promise<BearerResult> {
  const { API_RATE_LIMIT_PER_IP, API_RATE_LIMIT_PER_TOKEN } = getEnv();
  const perAddress: RateRule = { limit: API_RATE_LIMIT_PER_IP, windowSeconds: WINDOW_SECONDS };
  const perToken: RateRule = { limit: API_RATE_LIMIT_PER_TOKEN, windowSeconds: WINDOW_SECONDS };
  const addressKey = addressLimitKey("api", ip);
  // The scheme name is case-insensitive (RFC 9110).
  const token = /^Bearer ([^\s]+)$/i.exec(authorization ?? "")?.[1];
  if (!token || !isWellFormedToken(token)) {
    const address = await hitRateLimit(addressKey, perAddress);
    applied.push({ name: "ip", rule: perAddress, decision: address });
    return address.allowed ? { ok: false, status: 401, error: "invalid_token" } : limited(address);
  }

  const stale = Prisma.sql`(t.last_used_at IS NULL OR t.last_used_at < now() - make_interval(secs => ${TOUCH_AFTER_SECONDS}))`;
  // An admin-only scope stops working the moment its owner stops being an admin.
  const granted = Prisma.sql`(${scope} = ANY(t.scopes) AND (u.role = 'ADMIN' OR NOT ${ADMIN_ONLY_SCOPES.includes(scope)}))`;
  // Data-modifying CTEs all see the snapshot the statement started with, so each step reads what the
  // one before it returned: the token is looked up only when the address hit was counted, its hit is
  // counted only when it was found, and last use is touched only when that hit was counted too.
  const [row] = await db.$queryRaw<Row[]>`${preparedStatement("bearer-check")}
    WITH address_hit AS (${countHitsSql(Prisma.sql`SELECT ${addressKey}::text`, perAddress)}),
    token AS (
      SELECT t.id AS token_id, u.id AS user_id, u.email, ${stale} AS stale, ${granted} AS granted
      FROM api_tokens t JOIN users u ON u.id = t.user_id
      WHERE t.token_hash = ${sha256Hex(token)} AND t.revoked_at IS NULL AND t.expires_at > now()
        AND u.disabled_at IS NULL AND u.deleted_at IS NULL AND EXISTS (SELECT FROM address_hit)
    ),
    token_hit AS (${countHitsSql(Prisma.sql`SELECT ${TOKEN_LIMIT_KEY_PREFIX} || token_id::text FROM token`, perToken)}),
    touched AS (
      UPDATE api_tokens t SET last_used_at = now(), last_used_ip = ${ip}::inet
      WHERE t.id = (SELECT token_id FROM token WHERE granted AND stale) AND EXISTS (SELECT FROM token_hit) AND ${stale}
    )
    SELECT a.window_start AS address_window_start, a.count AS address_count, a.reset AS address_reset,
      CASE WHEN a.count IS NULL THEN (SELECT ${secondsLeftInWindowSql(perAddress)} FROM rate_limits WHERE key = ${addressKey}) END
        AS address_seconds_left,
      t.token_id::text, t.user_id::text, t.email, t.granted,
      h.window_start AS token_window_start, h.count AS token_count, h.reset AS token_reset,
      CASE WHEN t.token_id IS NOT NULL AND h.count IS NULL THEN
        (SELECT ${secondsLeftInWindowSql(perToken)} FROM rate_limits WHERE key = ${TOKEN_LIMIT_KEY_PREFIX} || t.token_id::text)
      END AS token_seconds_left
    FROM (SELECT) AS one LEFT JOIN address_hit a ON true LEFT JOIN token t ON true LEFT JOIN token_hit h ON true`;
  if (!row) throw new Error("the bearer check returned no row");

  const address = rateDecision(
    perAddress,
    counted(row.address_window_start, row.address_count, row.address_reset),
    row.address_seconds_left,
  );
  applied.push({ name: "ip", rule: perAddress, decision: address });
  if (!address.allowed) return limited(address);
  if (row.token_id === null || row.user_id === null || row.email === null) return { ok: false, status: 401, error: "invalid_token" };

  const byToken = rateDecision(perToken, counted(row.token_window_start, row.token_count, row.token_reset), row.token_seconds_left);
  applied.push({ name: "token", rule: perToken, decision: byToken });
  if (!byToken.allowed) return limited(byToken);
  if (!row.granted) return { ok: false, status: 403, error: "insufficient_scope", tokenId: row.token_id };
  return { ok: true, user: { id: row.user_id, email: row.email }, tokenId: row.token_id };
}

function counted(windowStart: string | null, count: number | null, reset: number | null): CountedHit | null {
  return windowStart === null || count === null || reset === null ? null : { window_start: windowStart, count, reset };
}

function limited(decision: RateDecision): BearerResult {
  return { ok: false, status: 429, error: "rate_limited", retryAfterSeconds: decision.retryAfterSeconds };
}
