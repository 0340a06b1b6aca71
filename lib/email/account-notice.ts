import "server-only";
import type { Tx } from "@/lib/db";
import { enqueueEmail } from "@/lib/email/outbox";
import { securityNoticeMessage } from "@/lib/email/templates/security-notice";
import type { StepUpContext } from "@/lib/step-up/challenge";

/** The notice after a change to the signed-in user's account, queued in the change's transaction. */
export function notifyAccountChange(tx: Tx, context: StepUpContext, notice: { title: string; summary: string; facts?: Record<string, string>; to?: string }) {
  return enqueueEmail(
    tx,
    notice.to ?? context.session.user.email,
    securityNoticeMessage({ title: notice.title, summary: notice.summary, facts: notice.facts ?? {}, at: new Date(), meta: context.meta }),
  );
}
