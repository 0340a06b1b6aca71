import "server-only";
import { DEFAULT_LOCALE, isLocale, type Locale } from "@/i18n/locales";
import { requestLocale } from "@/i18n/request";
import { recordAuditEvent, recordStandaloneEvent } from "@/lib/audit/record";
import { hashPassword } from "@/lib/auth/password";
import { passwordProblem } from "@/lib/auth/password-policy";
import { db } from "@/lib/db";
import { rememberDevice } from "@/lib/devices/known-devices";
import { sendEmail, type OutgoingEmail } from "@/lib/email/send";
import { signUpAttemptMessage } from "@/lib/email/templates/sign-up-attempt";
import { verifyEmailMessage } from "@/lib/email/templates/verify-email";
import type { RequestMeta } from "@/lib/http/request-meta";
import { issueCode, redeemCode, reissueCode } from "@/lib/one-time-code";
import { CODE_POLICIES } from "@/lib/one-time-code/policy";
import { addressLimitKey, enforceRateLimits, type RateRule } from "@/lib/rate-limit";
import type { SignInMeta } from "@/lib/sessions/sign-in-session";
import type { SignUpInput } from "@/shared/auth";
import { AppError } from "@/shared/errors";
import { isUuid } from "@/shared/format";

const SIGN_UP_LIMITS = {
  perEmail: { limit: 5, windowSeconds: 60 * 60 },
  perIp: { limit: 20, windowSeconds: 60 * 60 },
} satisfies Record<string, RateRule>;

const PENDING_SIGN_UP_HOURS = 24;
const PURPOSE = "EMAIL_VERIFICATION" as const;

export type PendingSignUp = { requestId: string; email: string; resendAvailableAt: Date };

/**
 * Starts a sign-up. Taken and free addresses get the same answer and the same work (the
 * password is hashed and a pending request made either way); the owner of a taken address
 * gets a "someone tried to sign up" notice instead of a code.
 * The account only exists once the code is verified, from the browser that asked.
 */
export async function requestSignUp(input: SignUpInput, meta: RequestMeta): Promise<PendingSignUp> {
  const problem = passwordProblem(input.password, input.email);
  if (problem) throw new AppError("VALIDATION_FAILED", { fieldErrors: { password: [problem] } });
  await enforceLimits(input.email, meta);

  const passwordHash = await hashPassword(input.password);
  const account = await db.user.findUnique({ where: { email: input.email }, select: { id: true, locale: true } });
  const taken = Boolean(account);
  // The code goes to someone without an account yet: in the language they asked in. A taken
  // address's owner is told in their account's language.
  const locale = await requestLocale();

  // A taken address gets a real pending request too (that can never complete), so resend and
  // wrong codes answer exactly as they do for a free one.
  const pending = await db.$transaction(async (tx) => {
    await tx.signUpRequest.deleteMany({ where: { createdAt: { lt: new Date(Date.now() - PENDING_SIGN_UP_HOURS * 3_600_000) } } });
    const issued = await issueCode(tx, { purpose: PURPOSE, recipient: input.email });
    const request = await tx.signUpRequest.create({
      data: { email: input.email, passwordHash, codeId: issued.id, ip: meta.ip, userAgent: meta.userAgent },
      select: { id: true },
    });
    await recordAuditEvent(tx, {
      type: "auth.sign_up",
      actor: { email: input.email },
      target: { type: "sign_up_request", id: request.id },
      reason: taken ? "address_taken" : "code_sent",
      meta,
    });
    return { issued, requestId: request.id };
  });

  try {
    await deliver(
      input.email,
      account
        ? signUpAttemptMessage({ locale: accountLocale(account) })
        : verifyEmailMessage({ locale, code: pending.issued.code, expiresInMinutes: ttlMinutes() }),
      pending.issued.id,
    );
  } catch (error) {
    // Nobody can ever learn this code, but leave nothing half-made behind.
    await db.oneTimeCode.delete({ where: { id: pending.issued.id } });
    throw error;
  }
  return { requestId: pending.requestId, email: input.email, resendAvailableAt: pending.issued.resendAvailableAt };
}

export async function resendSignUpCode(requestId: string, meta: RequestMeta): Promise<{ resendAvailableAt: Date }> {
  const request = await findRequest(requestId);
  // An unknown request looks like a sent one, or "resend" would reveal taken addresses.
  if (!request) return { resendAvailableAt: resendTime(new Date()) };
  await enforceLimits(request.email, meta);
  const reissued = await reissueCode({ id: request.codeId, purpose: PURPOSE });
  if (!reissued.ok) {
    if (reissued.reason === "RESEND_TOO_SOON") throw new AppError("RESEND_TOO_SOON", { retryAfterSeconds: reissued.retryAfterSeconds });
    throw new AppError("CODE_INVALID");
  }
  const account = await db.user.findUnique({ where: { email: request.email }, select: { locale: true } });
  const locale = await requestLocale();
  const message = account
    ? signUpAttemptMessage({ locale: accountLocale(account) })
    : verifyEmailMessage({ locale, code: reissued.code, expiresInMinutes: ttlMinutes() });
  await deliver(request.email, message, `${reissued.id}:${reissued.resendAvailableAt.getTime()}`);
  return { resendAvailableAt: reissued.resendAvailableAt };
}

export async function verifySignUp(options: { requestId: string; code: string }, meta: SignInMeta): Promise<{ email: string }> {
  const request = await findRequest(options.requestId);
  if (!request) throw new AppError("CODE_INVALID");
  // The account keeps the language it was made in: its first emails and screens are in it.
  const locale = await requestLocale();
  const redeemed = await redeemCode({ id: request.codeId, purpose: PURPOSE, code: options.code }, async (tx) => {
    const { passwordHash } = await tx.signUpRequest.findUniqueOrThrow({ where: { id: request.id }, select: { passwordHash: true } });
    const taken = await tx.user.findUnique({ where: { email: request.email }, select: { id: true } });
    if (taken) throw new AppError("CODE_INVALID");
    const user = await tx.user.create({
      data: { email: request.email, passwordHash, emailVerifiedAt: new Date(), locale },
      select: { id: true, email: true },
    });
    await tx.signUpRequest.deleteMany({ where: { email: request.email } });
    await recordAuditEvent(tx, { type: "auth.email_verified", actor: user, target: { type: "user", id: user.id }, meta });
    if (meta.deviceId) await rememberDevice(tx, user.id, meta.deviceId, meta);
    return user;
  });
  if (!redeemed.ok) {
    await recordStandaloneEvent({
      type: "auth.email_verified",
      outcome: "FAILURE",
      actor: { email: request.email },
      reason: redeemed.reason.toLowerCase(),
      meta,
    });
    throw new AppError(redeemed.reason, { attemptsLeft: redeemed.attemptsLeft });
  }
  return { email: redeemed.value.email };
}

async function findRequest(requestId: string) {
  if (!isUuid(requestId)) return null;
  return db.signUpRequest.findUnique({ where: { id: requestId }, select: { id: true, email: true, codeId: true } });
}

function enforceLimits(email: string, meta: RequestMeta): Promise<void> {
  return enforceRateLimits([
    [`sign-up:email:${email}`, SIGN_UP_LIMITS.perEmail],
    [addressLimitKey("sign-up", meta.ip), SIGN_UP_LIMITS.perIp],
  ]);
}

async function deliver(to: string, message: Omit<OutgoingEmail, "to" | "idempotencyKey">, idempotencyKey: string | undefined) {
  const sent = await sendEmail({ ...message, to, idempotencyKey });
  if (!sent.ok) throw new AppError("EMAIL_SEND_FAILED");
}

function accountLocale(account: { locale: string | null }): Locale {
  return isLocale(account.locale) ? account.locale : DEFAULT_LOCALE;
}

function ttlMinutes(): number {
  return CODE_POLICIES[PURPOSE].ttlSeconds / 60;
}

function resendTime(from: Date): Date {
  return new Date(from.getTime() + CODE_POLICIES[PURPOSE].resendCooldownSeconds * 1000);
}
