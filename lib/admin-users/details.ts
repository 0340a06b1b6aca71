import "server-only";
import { findRecoveryHold } from "@/lib/account/recovery-hold";
import { summarize, SUMMARY_SELECT } from "@/lib/admin-users/summary";
import { db } from "@/lib/db";
import type { CurrentSession } from "@/lib/sessions/lifecycle";
import { listActiveSessions } from "@/lib/sessions/other-sessions";
import type { AdminUserDetailsDto } from "@/shared/admin-users";

/** /admin/users/[id]: null for an unknown or deleted account. */
export async function getUserDetails(viewer: CurrentSession, userId: string): Promise<AdminUserDetailsDto | null> {
  const user = await db.user.findFirst({
    where: { id: userId, deletedAt: null },
    select: {
      ...SUMMARY_SELECT,
      emailVerifiedAt: true,
      stepUpFailures: true,
      twoFactorEnrolment: { select: { id: true } },
    },
  });
  if (!user) return null;
  const [[summary], sessions, recoveryHold, disabledEvent] = await Promise.all([
    summarize([user]),
    listActiveSessions(user.id, viewer.id),
    findRecoveryHold(user.id),
    user.disabledAt
      ? db.auditEvent.findFirst({
          // Written with the change that set disabledAt (a day's margin): only the months since are read.
          where: {
            type: "admin.user_disabled",
            targetType: "user",
            targetId: user.id,
            createdAt: { gte: new Date(user.disabledAt.getTime() - 86_400_000) },
          },
          orderBy: [{ createdAt: "desc" }, { id: "desc" }],
          select: { actorEmail: true, reason: true },
        })
      : null,
  ]);
  if (!summary) return null;
  return {
    ...summary,
    emailVerifiedAt: user.emailVerifiedAt.toISOString(),
    disabled: user.disabledAt
      ? { at: user.disabledAt.toISOString(), by: disabledEvent?.actorEmail ?? null, reason: disabledEvent?.reason ?? null }
      : null,
    twoFactorEnabledAt: user.twoFactorEnabledAt?.toISOString() ?? null,
    pendingEnrolment: Boolean(user.twoFactorEnrolment),
    stepUpFailures: user.stepUpFailures,
    recoveryHold,
    sessions,
    isViewer: user.id === viewer.user.id,
  };
}

/** How the audit page names the account it is filtered to. */
export async function findAccountLabel(userId: string): Promise<string | null> {
  const user = await db.user.findUnique({ where: { id: userId }, select: { email: true, deletedAt: true } });
  if (!user) return null;
  return user.deletedAt ? `deleted account ${userId}` : user.email;
}
