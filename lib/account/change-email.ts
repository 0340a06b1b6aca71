import "server-only";
import { issue } from "@/i18n/issues";
import { DEFAULT_LOCALE } from "@/i18n/locales";
import { startRecoveryHold } from "@/lib/account/recovery-hold";
import { recordAuditEvent, recordStandaloneEvent } from "@/lib/audit/record";
import { db, jsonTime, Prisma } from "@/lib/db";
import { notifyAccountChange } from "@/lib/email/account-notice";
import { enqueueEmail } from "@/lib/email/outbox";
import { sendEmail } from "@/lib/email/send";
import { confirmNewEmailMessage } from "@/lib/email/templates/email-change";
import type { RequestContext } from "@/lib/http/context";
import { mintLinkToken } from "@/lib/http/link-token";
import { issueCode, redeemCode } from "@/lib/one-time-code";
import { CODE_POLICIES } from "@/lib/one-time-code/policy";
import { endStepUpFor } from "@/lib/step-up/grants";
import { withStepUp } from "@/lib/step-up/with-step-up";
import { type ConfirmEmailChangeInput, type PendingEmailChange, type RequestEmailChangeInput } from "@/shared/account";
import { AppError } from "@/shared/errors";
import { maskEmail } from "@/shared/format";

const PURPOSE = "EMAIL_CHANGE" as const;
const EXPIRES_IN_HOURS = CODE_POLICIES[PURPOSE].ttlSeconds / 3600;

/** The change waiting for its code, if any (the user sees the address they typed). */
/** The newest change still waiting for its code, as a JSON scalar subquery (null when none). */
export function pendingEmailChangeJson(userId: string): Prisma.Sql {
  return Prisma.sql`(SELECT json_build_object('newEmail', e.new_email, 'expiresAt', c.expires_at)
    FROM email_changes e JOIN one_time_codes c ON c.id = e.id
    WHERE e.user_id = ${userId}::uuid AND e.confirmed_at IS NULL AND c.consumed_at IS NULL AND c.expires_at > now()
    ORDER BY e.created_at DESC LIMIT 1)`;
}

export async function getPendingEmailChange(userId: string): Promise<PendingEmailChange | null> {
  const [row] = await db.$queryRaw<[{ pending: PendingEmailChange | null }]>`SELECT ${pendingEmailChangeJson(userId)} AS pending`;
  return pendingEmailChangeFromJson(row.pending);
}

export function pendingEmailChangeFromJson(pending: PendingEmailChange | null): PendingEmailChange | null {
  return pending && { newEmail: pending.newEmail, expiresAt: jsonTime(pending.expiresAt).toISOString() };
}

/**
 * Step-up (email code to the current address, plus the second factor when 2FA is on), then a
 * code to the new address. An address that belongs to another account gets the same answer and
 * the same pending state, but no email: nobody learns which addresses have accounts, and their
 * owners are not bothered.
 */
export async function requestEmailChange(context: RequestContext, { newEmail }: RequestEmailChangeInput): Promise<PendingEmailChange> {
  const { session, meta } = context;
  const userId = session.user.id;
  if (newEmail === session.user.email) throw new AppError("EMAIL_UNCHANGED", { fieldErrors: { newEmail: [issue("emailSameAsCurrent")] } });

  const requested = await withStepUp(context, "email.change", { newEmail }, async (tx) => {
    // One pending change at a time: a new request voids the previous code.
    await tx.oneTimeCode.updateMany({
      where: { emailChange: { userId, confirmedAt: null }, consumedAt: null },
      data: { consumedAt: new Date() },
    });
    const issued = await issueCode(tx, { purpose: PURPOSE, recipient: newEmail });
    await tx.emailChange.create({ data: { id: issued.id, userId, oldEmail: session.user.email, newEmail } });
    const taken = Boolean(await tx.user.findUnique({ where: { email: newEmail }, select: { id: true } }));
    await recordAuditEvent(tx, {
      type: "email.change_requested",
      actor: session.user,
      target: { type: "email_change", id: issued.id },
      reason: taken ? "address_taken" : undefined,
      meta,
      metadata: { newEmail: maskEmail(newEmail) },
    });
    return { issued, taken };
  });

  const pending = { newEmail, expiresAt: requested.issued.expiresAt.toISOString() };
  if (requested.taken) return pending;
  const sent = await sendEmail({
    to: newEmail,
    // The new address is not the account's yet: the email is in the account's language.
    ...confirmNewEmailMessage({ locale: session.locale ?? DEFAULT_LOCALE, code: requested.issued.code, expiresInHours: EXPIRES_IN_HOURS }),
    idempotencyKey: requested.issued.id,
  });
  if (!sent.ok) {
    // No email, no usable code: the request is void and can be made again.
    await db.oneTimeCode.updateMany({ where: { id: requested.issued.id, consumedAt: null }, data: { consumedAt: new Date() } });
    throw new AppError("EMAIL_SEND_FAILED");
  }
  return pending;
}

/**
 * The code from the new address switches the account over, in one transaction with: ending every
 * pending step-up challenge and grant (they were proven by the old inbox), the audit row, one
 * notice to the old address (new address masked, with a "this wasn't me" link) and one to the new.
 */
export async function confirmEmailChange(context: RequestContext, { code }: ConfirmEmailChangeInput): Promise<{ email: string }> {
  const { session, meta } = context;
  const userId = session.user.id;
  const pending = await db.emailChange.findFirst({
    where: { userId, confirmedAt: null, code: { consumedAt: null } },
    orderBy: { createdAt: "desc" },
    select: { id: true, oldEmail: true, newEmail: true },
  });
  if (!pending) throw new AppError("CODE_EXPIRED");

  const reportToken = mintLinkToken();
  const result = await redeemCode({ id: pending.id, purpose: PURPOSE, code }, async (tx) => {
    // Taken since the request (someone signed up with it): refuse like a bad code.
    if (await tx.user.findUnique({ where: { email: pending.newEmail }, select: { id: true } })) throw new AppError("CODE_INVALID");
    const switched = await tx.user.updateMany({ where: { id: userId, email: pending.oldEmail }, data: { email: pending.newEmail } });
    if (switched.count !== 1) throw new AppError("CODE_INVALID");
    await tx.emailChange.update({ where: { id: pending.id }, data: { confirmedAt: new Date(), reportTokenHash: reportToken.hash } });
    await endStepUpFor(tx, userId);
    const holdUntil = await startRecoveryHold(tx, userId, "email_change");
    await recordAuditEvent(tx, {
      type: "email.changed",
      actor: { id: userId, email: pending.newEmail },
      target: { type: "email_change", id: pending.id },
      meta,
      metadata: { from: maskEmail(pending.oldEmail), to: maskEmail(pending.newEmail), holdUntil: holdUntil?.toISOString() ?? null },
    });
    // Both addresses are the account's owner's: in the language the session already read.
    await enqueueEmail(
      tx,
      pending.oldEmail,
      { template: "emailChanged", data: { maskedNewEmail: maskEmail(pending.newEmail), reportToken: reportToken.token, meta } },
      { locale: session.locale },
    );
    await notifyAccountChange(tx, context, { to: pending.newEmail, recipient: { locale: session.locale }, notice: "emailChanged" });
  });
  if (!result.ok) {
    await recordStandaloneEvent({
      type: "email.change_failed",
      outcome: "FAILURE",
      actor: session.user,
      target: { type: "email_change", id: pending.id },
      reason: result.reason.toLowerCase(),
      meta,
    });
    throw new AppError(result.reason, { attemptsLeft: result.attemptsLeft });
  }
  return { email: pending.newEmail };
}

/** "Use a different address": the pending code stops working. */
export async function cancelEmailChange(context: RequestContext): Promise<void> {
  const { session, meta } = context;
  await db.$transaction(async (tx) => {
    const voided = await tx.oneTimeCode.updateManyAndReturn({
      where: { emailChange: { userId: session.user.id, confirmedAt: null }, consumedAt: null },
      data: { consumedAt: new Date() },
      select: { id: true },
    });
    for (const { id } of voided)
      await recordAuditEvent(tx, { type: "email.change_cancelled", actor: session.user, target: { type: "email_change", id }, meta });
  });
}
