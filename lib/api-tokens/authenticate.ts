import "server-only";
import { isWellFormedToken } from "@/lib/api-tokens/format";
import { sha256Hex } from "@/lib/crypto";
import { db } from "@/lib/db";
import { ADMIN_ONLY_SCOPES, type ApiTokenScope } from "@/shared/api-tokens";

export type BearerResult =
  | { ok: true; user: { id: string; email: string }; tokenId: string }
  | { ok: false; status: 401; error: "invalid_token" }
  | { ok: false; status: 403; error: "insufficient_scope"; tokenId: string };

type Row = { token_id: string; scopes: string[]; stale: boolean; user_id: string; email: string; role: "USER" | "ADMIN" };

// Recording the last use on every request would make each API call a write.
const TOUCH_AFTER_SECONDS = 60;

/**
 * Malformed, unknown, expired and revoked tokens, and those of a disabled account, all get the same 401; a malformed one
 * (bad checksum) never reaches the database.
 */
export async function authenticateBearer(authorization: string | null, scope: ApiTokenScope, ip: string | null): Promise<BearerResult> {
  // The scheme name is case-insensitive (RFC 9110).
  const token = /^Bearer ([^\s]+)$/i.exec(authorization ?? "")?.[1];
  if (!token || !isWellFormedToken(token)) return { ok: false, status: 401, error: "invalid_token" };
  const rows = await db.$queryRaw<Row[]>`
    SELECT t.id AS token_id, t.scopes, (t.last_used_at IS NULL OR t.last_used_at < now() - make_interval(secs => ${TOUCH_AFTER_SECONDS})) AS stale,
           u.id AS user_id, u.email, u.role::text AS role
    FROM api_tokens t JOIN users u ON u.id = t.user_id
    WHERE t.token_hash = ${sha256Hex(token)} AND t.revoked_at IS NULL AND t.expires_at > now()
      AND u.disabled_at IS NULL AND u.deleted_at IS NULL`;
  const row = rows[0];
  if (!row) return { ok: false, status: 401, error: "invalid_token" };
  // An admin-only scope stops working the moment its owner stops being an admin.
  const granted = row.scopes.includes(scope) && (row.role === "ADMIN" || !ADMIN_ONLY_SCOPES.includes(scope));
  if (!granted) return { ok: false, status: 403, error: "insufficient_scope", tokenId: row.token_id };
  if (row.stale) {
    await db.$executeRaw`UPDATE api_tokens SET last_used_at = now(), last_used_ip = ${ip}::inet
      WHERE id = ${row.token_id}::uuid AND (last_used_at IS NULL OR last_used_at < now() - make_interval(secs => ${TOUCH_AFTER_SECONDS}))`;
  }
  return { ok: true, user: { id: row.user_id, email: row.email }, tokenId: row.token_id };
}
