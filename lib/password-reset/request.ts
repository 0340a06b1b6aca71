import "server-only";
import { DEFAULT_LOCALE, isLocale, type Locale } from "@/i18n/locales";
import { requestLocale } from "@/i18n/request";
import { recordAuditEvent } from "@/lib/audit/record";
import { db } from "@/lib/db";
import { sendEmail } from "@/lib/email/send";
import { passwordResetMessage, type PasswordResetRecipient } from "@/lib/email/templates/password-reset";
import type { RequestMeta } from "@/lib/http/request-meta";
import { issueCode, reissueCode, type IssuedCode } from "@/lib/one-time-code";
import { CODE_POLICIES } from "@/lib/one-time-code/policy";
import { addressLimitKey, enforceRateLimits, type RateRule } from "@/lib/rate-limit";
import { AppError } from "@/shared/errors";
import { isUuid } from "@/shared/format";

export const RESET_PURPOSE = "PASSWORD_RESET" as const;

const RESET_LIMITS = {
  perEmail: { limit: 5, windowSeconds: 60 * 60 },
  perIp: { limit: 20, windowSeconds: 60 * 60 },
} satisfies Record<string, RateRule>;

export type PendingPasswordReset = { resetId: string; resendAvailableAt: Date };

/**
 * "Forgot password". Every address takes the same path — limits, one reset row with its code, one
 * audit row, one email — so neither the answer nor the statements nor the timing say whether it
 * has an account. Only the email differs: an account gets the code and a link carrying it; an
 * address without one is told so (nobody else reads that inbox); a disabled account gets no code.
 */
export async function requestPasswordReset(email: string, meta: RequestMeta): Promise<PendingPasswordReset> {
  await enforceLimits(email, meta);
  const user = await db.user.findFirst({
    where: { email, deletedAt: null },
    select: { id: true, email: true, disabledAt: true, locale: true },
  });
  const recipient: PasswordResetRecipient = !user ? "no_account" : user.disabledAt ? "disabled" : "account";

  const issued = await db.$transaction(async (tx) => {
    // One waiting reset per address: a new request voids the code and link of the previous one.
    await tx.$executeRaw`
      UPDATE one_time_codes SET consumed_at = now()
      WHERE id IN (SELECT id FROM password_resets WHERE email = ${email} AND completed_at IS NULL) AND consumed_at IS NULL`;
    const code = await issueCode(tx, { purpose: RESET_PURPOSE, recipient: email });
    await tx.passwordReset.create({
      data: { id: code.id, userId: recipient === "account" ? (user?.id ?? null) : null, email, ip: meta.ip, userAgent: meta.userAgent },
    });
    await recordAuditEvent(tx, {
      type: "password.reset_requested",
      actor: user ? { id: user.id, email: user.email } : { email },
      target: { type: "password_reset", id: code.id },
      reason: recipient === "account" ? "code_sent" : recipient,
      meta,
    });
    return code;
  });

  try {
    await deliver(email, recipient, issued, issued.id, await recipientLocale(user));
  } catch (error) {
    // Nobody can ever learn this code: leave nothing half-made behind.
    await db.oneTimeCode.delete({ where: { id: issued.id } });
    throw error;
  }
  return { resetId: issued.id, resendAvailableAt: issued.resendAvailableAt };
}

/** A new code (and link) for the same reset, after the cooldown; the previous ones stop working. */
export async function resendPasswordReset(resetId: string, meta: RequestMeta): Promise<{ resendAvailableAt: Date }> {
  const reset = isUuid(resetId)
    ? await db.passwordReset.findFirst({
        where: { id: resetId, completedAt: null },
        select: { id: true, email: true, user: { select: { disabledAt: true, deletedAt: true, locale: true } } },
      })
    : null;
  if (!reset) throw new AppError("CODE_EXPIRED");
  await enforceLimits(reset.email, meta);
  const reissued = await reissueCode({ id: reset.id, purpose: RESET_PURPOSE });
  if (!reissued.ok) {
    if (reissued.reason === "RESEND_TOO_SOON") throw new AppError("RESEND_TOO_SOON", { retryAfterSeconds: reissued.retryAfterSeconds });
    throw new AppError("CODE_EXPIRED");
  }
  const live = reset.user && !reset.user.disabledAt && !reset.user.deletedAt;
  await deliver(
    reset.email,
    live ? "account" : "no_account",
    reissued,
    `${reissued.id}:${reissued.resendAvailableAt.getTime()}`,
    await recipientLocale(reset.user),
  );
  return { resendAvailableAt: reissued.resendAvailableAt };
}

/**
 * An account's email is in its language; an address without one is written to in the language
 * the request asked in (its owner, presumably, asked). Both paths do the same work.
 */
async function recipientLocale(account: { locale: string | null } | null): Promise<Locale> {
  const asked = await requestLocale();
  if (!account) return asked;
  return isLocale(account.locale) ? account.locale : DEFAULT_LOCALE;
}

async function deliver(
  to: string,
  recipient: PasswordResetRecipient,
  code: IssuedCode,
  idempotencyKey: string,
  locale: Locale,
): Promise<void> {
  const message = passwordResetMessage({
    locale,
    recipient,
    resetId: code.id,
    code: code.code,
    expiresInMinutes: CODE_POLICIES[RESET_PURPOSE].ttlSeconds / 60,
  });
  const sent = await sendEmail({ ...message, to, idempotencyKey });
  if (!sent.ok) throw new AppError("EMAIL_SEND_FAILED");
}

function enforceLimits(email: string, meta: RequestMeta): Promise<void> {
  return enforceRateLimits([
    [`password-reset:email:${email}`, RESET_LIMITS.perEmail],
    [addressLimitKey("password-reset", meta.ip), RESET_LIMITS.perIp],
  ]);
}
