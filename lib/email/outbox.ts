import "server-only";
import { render } from "@react-email/render";
import { db, type Tx } from "@/lib/db";
import { sendEmail } from "@/lib/email/send";
import type { EmailMessageContent } from "@/lib/email/templates/layout";
import { errorName, log } from "@/lib/log";

const MAX_ATTEMPTS = 12;
const BATCH = 20;

/** Queues a notification in the transaction of the change it announces. */
export async function enqueueEmail(tx: Tx, to: string, content: EmailMessageContent): Promise<void> {
  const html = await render(content.react);
  await tx.emailOutbox.create({ data: { to, subject: content.subject, text: content.text, html } });
}

type Claimed = { id: string; to: string; subject: string; text: string; html: string; attempts: number };

/**
 * Sends what is due. Rows are claimed with SKIP LOCKED and pushed back by an exponential
 * backoff before sending, so several instances never send the same row at once and a crash
 * mid-send only delays it. The outbox id is the provider's idempotency key.
 */
export async function deliverDueEmails(): Promise<{ sent: number; failed: number }> {
  const claimed = await db.$queryRaw<Claimed[]>`
    UPDATE email_outbox SET attempts = attempts + 1,
      next_attempt_at = now() + make_interval(secs => LEAST(3600, 15 * power(2, attempts)::int))
    WHERE id IN (
      SELECT id FROM email_outbox
      WHERE sent_at IS NULL AND next_attempt_at <= now() AND attempts < ${MAX_ATTEMPTS}
      ORDER BY next_attempt_at LIMIT ${BATCH} FOR UPDATE SKIP LOCKED)
    RETURNING id, "to", subject, text, html, attempts`;
  let sent = 0;
  for (const row of claimed) {
    const result = await sendEmail({ to: row.to, subject: row.subject, text: row.text, html: row.html, idempotencyKey: row.id });
    if (result.ok) {
      sent += 1;
      // Once delivered, the body (which may hold a "this wasn't me" link) is not kept.
      await db.emailOutbox.update({ where: { id: row.id }, data: { sentAt: new Date(), lastError: null, text: "", html: "" } });
    } else {
      await db.emailOutbox.update({ where: { id: row.id }, data: { lastError: result.error } });
      log("warn", "outbox.retry_scheduled", { id: row.id, attempts: row.attempts });
    }
  }
  return { sent, failed: claimed.length - sent };
}

/** Background delivery for retries; every instance may run it. */
export function startOutboxWorker(intervalMs = 15_000): () => void {
  const timer = setInterval(() => {
    deliverDueEmails().catch((error: unknown) => log("error", "outbox.failed", { error: errorName(error) }));
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
