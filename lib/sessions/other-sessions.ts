import "server-only";
import { recordAuditEvent } from "@/lib/audit/record";
import { db, jsonTime, Prisma, type Tx } from "@/lib/db";
import { notifyAccountChange } from "@/lib/email/account-notice";
import type { RequestContext } from "@/lib/http/context";
import { describeUserAgent } from "@/lib/http/user-agent";
import { activeSession } from "@/lib/sessions/lifecycle";
import { withStepUp } from "@/lib/step-up/with-step-up";
import { AppError } from "@/shared/errors";
import type { SessionDto } from "@/shared/sessions";

export type ActiveSessionJson = { id: string; userAgent: string | null; ip: string | null; createdAt: string; lastSeenAt: string };

/**
 * Sessions that would still be accepted right now (same rules as resolveSession), newest activity
 * first, as one JSON array (a scalar subquery).
 */
export function activeSessionsJson(userId: string): Prisma.Sql {
  return Prisma.sql`(SELECT COALESCE(json_agg(json_build_object(
      'id', s.id, 'userAgent', s.user_agent, 'ip', s.ip, 'createdAt', s.created_at, 'lastSeenAt', s.last_seen_at
    ) ORDER BY s.last_seen_at DESC), '[]') FROM sessions s WHERE s.user_id = ${userId}::uuid AND ${activeSession()})`;
}

export async function listActiveSessions(userId: string, currentSessionId: string): Promise<SessionDto[]> {
  const [row] = await db.$queryRaw<[{ sessions: ActiveSessionJson[] }]>`SELECT ${activeSessionsJson(userId)} AS sessions`;
  return activeSessionsFromJson(row.sessions, currentSessionId);
}

export function activeSessionsFromJson(sessions: ActiveSessionJson[], currentSessionId: string): SessionDto[] {
  return sessions.map((session) => ({
    id: session.id,
    device: describeUserAgent(session.userAgent),
    ip: session.ip,
    createdAt: jsonTime(session.createdAt).toISOString(),
    lastSeenAt: jsonTime(session.lastSeenAt).toISOString(),
    current: session.id === currentSessionId,
  }));
}

/** Signs out one of the user's other browsers; it is refused on its next request. */
export async function revokeOtherSession(context: RequestContext, sessionId: string): Promise<void> {
  const { session } = context;
  if (sessionId === session.id) throw new AppError("NOT_FOUND");
  const target = await db.session.findFirst({
    where: { id: sessionId, userId: session.user.id, revokedAt: null },
    select: { id: true, userAgent: true },
  });
  if (!target) throw new AppError("NOT_FOUND");
  const device = describeUserAgent(target.userAgent);
  await withStepUp(context, "session.revoke", { sessionId: target.id, device }, async (tx) => {
    const revoked = await revokeSessions(tx, context, [target.id]);
    if (revoked.length !== 1) throw new AppError("NOT_FOUND");
    await notifyAccountChange(tx, context, { notice: "sessionSignedOut", values: { device: { device: target.userAgent } } });
  });
}

/** Signs out every other browser of this user; returns how many. */
export async function signOutOtherSessions(context: RequestContext): Promise<number> {
  return withStepUp(context, "session.revoke_others", {}, async (tx) => {
    const count = await revokeOtherSessions(tx, context);
    if (count) await notifyAccountChange(tx, context, { notice: "otherSessionsSignedOut", values: { count } });
    return count;
  });
}

/** Inside a change's transaction (e.g. a password change): every other session of this user ends. */
export async function revokeOtherSessions(tx: Tx, context: RequestContext): Promise<number> {
  const { session } = context;
  const others = await tx.session.findMany({
    where: { userId: session.user.id, revokedAt: null, id: { not: session.id } },
    select: { id: true },
  });
  return (
    await revokeSessions(
      tx,
      context,
      others.map((other) => other.id),
    )
  ).length;
}

async function revokeSessions(tx: Tx, context: RequestContext, ids: string[]): Promise<string[]> {
  if (!ids.length) return [];
  const revoked = await tx.session.updateManyAndReturn({
    where: { id: { in: ids }, revokedAt: null },
    data: { revokedAt: new Date() },
    select: { id: true },
  });
  for (const { id } of revoked) {
    await recordAuditEvent(tx, {
      type: "session.revoked",
      actor: context.session.user,
      target: { type: "session", id },
      reason: "signed_out_by_user",
      meta: context.meta,
    });
  }
  return revoked.map((row) => row.id);
}
