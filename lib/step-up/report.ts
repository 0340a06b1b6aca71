import "server-only";
import type { Translate } from "@/i18n/translate";
import { recordAuditEvent } from "@/lib/audit/record";
import { db } from "@/lib/db";
import { linkTokenHash } from "@/lib/http/link-token";
import type { RequestMeta } from "@/lib/http/request-meta";
import { closeChallenge } from "@/lib/step-up/challenges";
import { describeChallenge } from "@/lib/step-up/describe";

const REPORTABLE_FOR_MS = 24 * 60 * 60 * 1000;

/** `description`: what the request was for, in the reader's words (lib/step-up/describe.ts). */
export type ReportedChallenge = { description: string } | null;

/** What a "This wasn't me" link points at, if it is still pending, described in `t`'s language. */
export async function findReportableChallenge(cancelToken: string, t: Translate<"stepUpActions">): Promise<ReportedChallenge> {
  const challenge = await findByToken(cancelToken);
  return challenge ? { description: describeChallenge(t, challenge.description) } : null;
}

/**
 * "This wasn't me": cancels the challenge and signs out the session that asked for it,
 * whoever clicks (the link itself is the proof of inbox control).
 */
export async function reportChallenge(cancelToken: string, meta: RequestMeta): Promise<boolean> {
  const challenge = await findByToken(cancelToken);
  if (!challenge) return false;
  return db.$transaction(async (tx) => {
    const reported = await tx.stepUpChallenge.updateMany({
      where: { id: challenge.id, reportedAt: null },
      data: { reportedAt: new Date() },
    });
    if (reported.count !== 1) return false;
    await closeChallenge(tx, challenge.id);
    await tx.session.updateMany({ where: { id: challenge.sessionId, revokedAt: null }, data: { revokedAt: new Date() } });
    await tx.stepUpGrant.updateMany({ where: { sessionId: challenge.sessionId, consumedAt: null }, data: { consumedAt: new Date() } });
    await recordAuditEvent(tx, {
      type: "step_up.reported",
      outcome: "BLOCKED",
      actor: challenge.user,
      target: { type: "session", id: challenge.sessionId },
      reason: challenge.action,
      meta,
    });
    return true;
  });
}

async function findByToken(cancelToken: string) {
  const cancelTokenHash = linkTokenHash(cancelToken);
  if (!cancelTokenHash) return null;
  return db.stepUpChallenge
    .findFirst({
      // Still honoured after the code was used or the modal dismissed: the session that asked is signed out either way.
      where: { cancelTokenHash, reportedAt: null, createdAt: { gt: new Date(Date.now() - REPORTABLE_FOR_MS) } },
      select: {
        id: true,
        action: true,
        description: true,
        sessionId: true,
        session: { select: { user: { select: { id: true, email: true } } } },
      },
    })
    .then((challenge) => (challenge ? { ...challenge, user: challenge.session.user } : null));
}
