import "server-only";
import { DEFAULT_LOCALE, LOCALES, type Locale } from "@/i18n/locales";
import { db, Prisma, type Tx } from "@/lib/db";
import { insertWithTransaction } from "@/lib/db/batched-inserts";
import { queuedEmailContent, queuedEmailSubject, type QueuedEmail } from "@/lib/email/queued";
import { sendEmail } from "@/lib/email/send";
import { log } from "@/lib/log";

const MAX_ATTEMPTS = 12;
const BATCH = 20;

/**
 * Whose language an email is in, fixed when it is queued: the locale already loaded with the
 * recipient (null: none chosen, so English), or the account's with this id. Without either, the
 * account's at the address (English when no account has it).
 */
export type RecipientLocale = { locale: Locale | null } | { userId: string };

/**
 * Queues a notification in the transaction of the change it announces. Only the template's data
 * is written here: rendering takes tens of milliseconds of CPU, which inside the transaction would
 * hold a pooled connection and, under load, starve every other request of connections.
 */
export function enqueueEmail(tx: Tx, to: string, email: QueuedEmail, recipient?: RecipientLocale): Promise<void> {
  return insertWithTransaction(tx, { kind: "email_outbox", row: outboxRow(to, email, recipient), insertOf: insertOutboxRows });
}

function outboxRow(to: string, email: QueuedEmail, recipient?: RecipientLocale): Prisma.Sql {
  const data = JSON.stringify(email.data);
  if (recipient && "locale" in recipient) {
    const locale = recipient.locale ?? DEFAULT_LOCALE;
    return Prisma.sql`SELECT ${to}, ${queuedEmailSubject(email, locale)}, ${email.template}, ${data}::jsonb, ${locale}`;
  }
  // The account's language is read in the insert itself, not by a query of its own; the subject
  // (kept for operators and the legacy rows) is written in whichever language that turns out to be.
  const account = recipient ? Prisma.sql`id = ${recipient.userId}::uuid` : Prisma.sql`email = ${to}`;
  const subjects = Object.fromEntries(LOCALES.map((locale) => [locale, queuedEmailSubject(email, locale)]));
  return Prisma.sql`
    SELECT ${to}, ${JSON.stringify(subjects)}::jsonb ->> recipient.locale, ${email.template}, ${data}::jsonb, recipient.locale
    FROM (SELECT COALESCE((SELECT locale FROM users WHERE ${account}), ${DEFAULT_LOCALE}) AS locale) AS recipient`;
}

function insertOutboxRows(rows: Prisma.Sql[]): Prisma.Sql {
  return Prisma.sql`
    INSERT INTO email_outbox (id, "to", subject, template, data, locale)
    SELECT gen_random_uuid(), queued.* FROM (${Prisma.join(
      rows.map((row) => Prisma.sql`(${row})`),
      " UNION ALL ",
    )}) AS queued`;
}

type Claimed = {
  id: string;
  to: string;
  subject: string;
  template: string;
  data: unknown;
  locale: string;
  attempts: number;
  created_at: Date;
};

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
    RETURNING id, "to", subject, template, data, locale, attempts, created_at`;
  let sent = 0;
  for (const row of claimed) {
    const content = queuedEmailContent({ ...row, createdAt: row.created_at });
    if (!content) {
      // Retrying cannot fix data that does not fit its template; park the row for an operator.
      await db.emailOutbox.update({ where: { id: row.id }, data: { attempts: MAX_ATTEMPTS, lastError: "INVALID_TEMPLATE_DATA" } });
      log("error", "outbox.invalid_row", { id: row.id, template: row.template });
      continue;
    }
    const result = await sendEmail({ ...content, to: row.to, idempotencyKey: row.id });
    if (result.ok) {
      sent += 1;
      // Once delivered, the data (which may hold a "this wasn't me" link) is not kept.
      await db.emailOutbox.update({ where: { id: row.id }, data: { sentAt: new Date(), lastError: null, data: {} } });
    } else {
      await db.emailOutbox.update({ where: { id: row.id }, data: { lastError: result.error } });
      log("warn", "outbox.retry_scheduled", { id: row.id, attempts: row.attempts });
    }
  }
  return { sent, failed: claimed.length - sent };
}

/** Everything due now, batch after batch: the outbox job (lib/jobs) runs this every minute. */
export async function deliverAllDueEmails(): Promise<{ sent: number; failed: number }> {
  const total = { sent: 0, failed: 0 };
  for (;;) {
    const { sent, failed } = await deliverDueEmails();
    total.sent += sent;
    total.failed += failed;
    if (sent + failed < BATCH) return total;
  }
}
