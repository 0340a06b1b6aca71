import "server-only";
import type { Role } from "@/generated/prisma/enums";
import { isLocale, type Locale } from "@/i18n/locales";
import { recordAuditEvent } from "@/lib/audit/record";
import { db, preparedStatement, Prisma, type Tx } from "@/lib/db";
import { getEnv } from "@/lib/env";
import type { RequestContext } from "@/lib/http/context";
import type { RequestMeta } from "@/lib/http/request-meta";
import { endStepUpFor } from "@/lib/step-up/grants";
import { isUuid } from "@/shared/format";

export type SessionUser = { id: string; email: string; role: Role };
/** `locale` is the account's chosen language, null when it follows the browser. */
export type CurrentSession = { id: string; createdAt: Date; user: SessionUser; locale: Locale | null };

// Writing last_seen_at on every request would turn each page view into a write.
const TOUCH_AFTER_SECONDS = 60;

export async function createSession(tx: Tx, userId: string, meta: RequestMeta): Promise<string> {
  const { SESSION_MAX_AGE_HOURS } = getEnv();
  const rows = await tx.$queryRaw<{ id: string }[]>`
    INSERT INTO sessions (id, user_id, ip, user_agent, created_at, last_seen_at, expires_at)
    VALUES (gen_random_uuid(), ${userId}::uuid, ${meta.ip}::inet, ${meta.userAgent}, now(), now(), now() + make_interval(hours => ${SESSION_MAX_AGE_HOURS}))
    RETURNING id`;
  const row = rows[0];
  if (!row) throw new Error("session insert returned no row");
  return row.id;
}

/** The rule for a live session, as SQL on `sessions s`: not revoked, not expired, not idle — by database time. */
export function activeSession(): Prisma.Sql {
  return Prisma.sql`s.revoked_at IS NULL AND s.expires_at > now()
    AND s.last_seen_at > now() - make_interval(mins => ${getEnv().SESSION_IDLE_TIMEOUT_MINUTES})`;
}

type SessionRow = { id: string; created_at: Date; stale: boolean; user_id: string; email: string; role: Role; locale: string | null };

/**
 * A session is valid while not revoked, not past its absolute lifetime and not idle too long — by
 * database time. Every signed-in request asks this at least once: each connection plans it once.
 */
export async function resolveSession(sessionId: string): Promise<CurrentSession | null> {
  if (!isUuid(sessionId)) return null;
  const rows = await db.$queryRaw<SessionRow[]>`${preparedStatement("resolve-session")}
    SELECT s.id, s.created_at, s.last_seen_at < now() - make_interval(secs => ${TOUCH_AFTER_SECONDS}) AS stale,
           u.id AS user_id, u.email, u.role, u.locale
    FROM sessions s JOIN users u ON u.id = s.user_id
    WHERE s.id = ${sessionId}::uuid AND ${activeSession()} AND u.disabled_at IS NULL AND u.deleted_at IS NULL`;
  const row = rows[0];
  if (!row) return null;
  if (row.stale) await db.$executeRaw`UPDATE sessions SET last_seen_at = now() WHERE id = ${row.id}::uuid`;
  return {
    id: row.id,
    createdAt: row.created_at,
    user: { id: row.user_id, email: row.email, role: row.role },
    locale: isLocale(row.locale) ? row.locale : null,
  };
}

/**
 * Every browser of the account signed out (refused on its next request), a sign-in waiting for its
 * second factor ended, and step-up closed: after a recovery, a report or an admin's action nothing
 * proven before may stay usable. Returns how many sessions were live.
 */
export async function signOutEverywhere(tx: Tx, userId: string): Promise<number> {
  return (await lockDownAccount(tx, userId, null)).sessions;
}

/** signOutEverywhere, keeping one session (the owner's own, when they secure the account from it); with what it ended. */
export async function lockDownAccount(
  tx: Tx,
  userId: string,
  keepSessionId: string | null,
): Promise<{ sessions: number; challenges: number; grants: number }> {
  const signedOut = await tx.session.updateMany({
    where: { userId, revokedAt: null, ...(keepSessionId && { id: { not: keepSessionId } }) },
    data: { revokedAt: new Date() },
  });
  await tx.signInChallenge.updateMany({ where: { userId, consumedAt: null }, data: { consumedAt: new Date() } });
  return { sessions: signedOut.count, ...(await endStepUpFor(tx, userId)) };
}

/** Signing out: this session ends now, and the sign-out is recorded. */
export async function endSession(context: Pick<RequestContext, "session" | "meta">, reason: "sign_out"): Promise<void> {
  const { session, meta } = context;
  await db.$transaction(async (tx) => {
    await tx.session.updateMany({ where: { id: session.id, revokedAt: null }, data: { revokedAt: new Date() } });
    await recordAuditEvent(tx, { type: "auth.sign_out", actor: session.user, target: { type: "session", id: session.id }, reason, meta });
  });
}
