import "server-only";
import { recordAuditEvent } from "@/lib/audit/record";
import { db } from "@/lib/db";
import { linkTokenHash } from "@/lib/http/link-token";
import type { RequestMeta } from "@/lib/http/request-meta";
import { signOutEverywhere } from "@/lib/sessions/lifecycle";
import type { ReportableEmailChange } from "@/shared/account";
import { maskEmail } from "@/shared/format";

const REPORTABLE_FOR_MS = 30 * 24 * 60 * 60 * 1000;

/** What the old address's "this wasn't me" link points at, if it can still be reported. */
export async function findReportableEmailChange(token: string): Promise<ReportableEmailChange | null> {
  const change = await findByToken(token);
  return change
    ? { maskedNewEmail: maskEmail(change.newEmail), changedAt: change.confirmedAt.toISOString(), reference: reference(change.id) }
    : null;
}

/**
 * "This wasn't me" from the old inbox: every session of the account is signed out and step-up
 * ends, so whoever changed the address is out too; the report is recorded for the admins,
 * who can put the address back (a database operation; there is no in-app tool for it yet).
 * The link is the proof of (former) inbox control.
 */
export async function reportEmailChange(token: string, meta: RequestMeta): Promise<ReportableEmailChange | null> {
  const change = await findByToken(token);
  if (!change) return null;
  const reported = await db.$transaction(async (tx) => {
    const marked = await tx.emailChange.updateMany({ where: { id: change.id, reportedAt: null }, data: { reportedAt: new Date() } });
    if (marked.count !== 1) return false;
    const signedOut = await signOutEverywhere(tx, change.userId);
    await recordAuditEvent(tx, {
      type: "email.change_reported",
      outcome: "BLOCKED",
      actor: { email: change.oldEmail },
      target: { type: "user", id: change.userId },
      reason: "reported_by_old_address",
      meta,
      metadata: { emailChange: change.id, signedOutSessions: signedOut },
    });
    return true;
  });
  return reported
    ? { maskedNewEmail: maskEmail(change.newEmail), changedAt: change.confirmedAt.toISOString(), reference: reference(change.id) }
    : null;
}

function reference(id: string): string {
  return id.slice(0, 8).toUpperCase();
}

async function findByToken(token: string) {
  const reportTokenHash = linkTokenHash(token);
  if (!reportTokenHash) return null;
  const change = await db.emailChange.findFirst({
    where: { reportTokenHash, reportedAt: null, confirmedAt: { gt: new Date(Date.now() - REPORTABLE_FOR_MS) } },
    select: { id: true, userId: true, oldEmail: true, newEmail: true, confirmedAt: true },
  });
  return change?.confirmedAt ? { ...change, confirmedAt: change.confirmedAt } : null;
}
