import "server-only";
import { recordAuditEvent } from "@/lib/audit/record";
import { db } from "@/lib/db";
import { linkTokenHash } from "@/lib/http/link-token";
import type { RequestMeta } from "@/lib/http/request-meta";
import { voidPasswordResetsFor } from "@/lib/password-reset/void";
import { signOutEverywhere } from "@/lib/sessions/lifecycle";
import type { ReportablePasswordReset } from "@/shared/password-reset";

const REPORTABLE_FOR_MS = 30 * 24 * 60 * 60 * 1000;

/** What the notice's "this wasn't me" link points at, if it can still be reported. */
export async function findReportablePasswordReset(token: string): Promise<ReportablePasswordReset | null> {
  const reset = await findByToken(token);
  return reset ? reportable(reset) : null;
}

/**
 * "This wasn't me" after a reset: every session of the account is signed out and waiting resets
 * end, so whoever reset the password is out. Nothing is reverted behind the owner's back (the old
 * password is gone for good); the page tells them to reset it again from the inbox they still hold.
 */
export async function reportPasswordReset(token: string, meta: RequestMeta): Promise<ReportablePasswordReset | null> {
  const reset = await findByToken(token);
  if (!reset?.userId) return null;
  const userId = reset.userId;
  const reported = await db.$transaction(async (tx) => {
    const marked = await tx.passwordReset.updateMany({ where: { id: reset.id, reportedAt: null }, data: { reportedAt: new Date() } });
    if (marked.count !== 1) return false;
    const signedOut = await signOutEverywhere(tx, userId);
    await voidPasswordResetsFor(tx, userId);
    await recordAuditEvent(tx, {
      type: "password.reset_reported",
      outcome: "BLOCKED",
      actor: { email: reset.email },
      target: { type: "user", id: userId },
      reason: "reported_by_owner",
      meta,
      metadata: { passwordReset: reset.id, signedOutSessions: signedOut },
    });
    return true;
  });
  return reported ? reportable(reset) : null;
}

function reportable(reset: { id: string; completedAt: Date }): ReportablePasswordReset {
  return { resetAt: reset.completedAt.toISOString(), reference: reset.id.slice(0, 8).toUpperCase() };
}

async function findByToken(token: string) {
  const reportTokenHash = linkTokenHash(token);
  if (!reportTokenHash) return null;
  const reset = await db.passwordReset.findFirst({
    where: { reportTokenHash, reportedAt: null, completedAt: { gt: new Date(Date.now() - REPORTABLE_FOR_MS) } },
    select: { id: true, userId: true, email: true, completedAt: true },
  });
  return reset?.completedAt ? { ...reset, completedAt: reset.completedAt } : null;
}
