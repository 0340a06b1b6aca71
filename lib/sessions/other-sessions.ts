import "server-only";
import { recordAuditEvent } from "@/lib/audit/record";
import { db, type Tx } from "@/lib/db";
import { notifyAccountChange } from "@/lib/email/account-notice";
import type { RequestContext } from "@/lib/http/context";
import { describeUserAgent } from "@/lib/http/user-agent";
import { activeSession } from "@/lib/sessions/lifecycle";
import { withStepUp } from "@/lib/step-up/with-step-up";
import { AppError } from "@/shared/errors";
import type { SessionDto } from "@/shared/sessions";

type ActiveRow = { id: string; user_agent: string | null; ip: string | null; created_at: Date; last_seen_at: Date };

/** Sessions that would still be accepted right now (same rules as resolveSession), newest activity first. */
export async function listActiveSessions(userId: string, currentSessionId: string): Promise<SessionDto[]> {
  const rows = await db.$queryRaw<ActiveRow[]>`
    SELECT s.id, s.user_agent, s.ip, s.created_at, s.last_seen_at FROM sessions s
    WHERE s.user_id = ${userId}::uuid AND ${activeSession()}
    ORDER BY s.last_seen_at DESC`;
  return rows.map((row) => ({
    id: row.id,
    device: describeUserAgent(row.user_agent),
    ip: row.ip,
    createdAt: row.created_at.toISOString(),
    lastSeenAt: row.last_seen_at.toISOString(),
    current: row.id === currentSessionId,
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
