import "server-only";
import { recordAuditEvent, recordStandaloneEvent } from "@/lib/audit/record";
import { db } from "@/lib/db";
import { notifyAccountChange } from "@/lib/email/account-notice";
import type { RequestContext } from "@/lib/http/context";
import { endStepUpFor } from "@/lib/step-up/grants";
import { withStepUp } from "@/lib/step-up/with-step-up";
import { replaceRecoveryCodes } from "@/lib/two-factor/recovery-codes";
import { openSecret, sealSecret } from "@/lib/two-factor/secret-box";
import { groupManualKey, matchTotp, newTotpSecret, totpQrSvg, totpUri } from "@/lib/two-factor/totp";
import { AppError } from "@/shared/errors";
import { type ConfirmEnrolmentInput, type EnrolmentDto } from "@/shared/two-factor";

export const ENROLMENT_LIMITS = { ttlSeconds: 10 * 60, maxAttempts: 5 } as const;

/** What the set-up dialog shows: the secret exists in plaintext only in this response. */
/**
 * Step 1 of turning 2FA on, behind step-up: a fresh secret, kept encrypted and tied to this
 * session for 10 minutes. Nothing changes for the account until step 2 proves the app has it.
 */
export async function startTwoFactorEnrolment(context: RequestContext): Promise<EnrolmentDto> {
  const { session, meta } = context;
  await assertTwoFactor(session.user.id, false);
  const secret = newTotpSecret();
  const enrolment = await withStepUp(context, "two_factor.enable", {}, async (tx) => {
    const data = {
      sessionId: session.id,
      secret: sealSecret(session.user.id, secret),
      attempts: 0,
      expiresAt: new Date(Date.now() + ENROLMENT_LIMITS.ttlSeconds * 1000),
    };
    const row = await tx.twoFactorEnrolment.upsert({
      where: { userId: session.user.id },
      create: { userId: session.user.id, ...data },
      update: data,
      select: { id: true, expiresAt: true },
    });
    await recordAuditEvent(tx, {
      type: "two_factor.enrolment_started",
      actor: session.user,
      target: { type: "two_factor_enrolment", id: row.id },
      meta,
    });
    return row;
  });
  const otpauthUri = totpUri(session.user.email, secret);
  return {
    enrolmentId: enrolment.id,
    qrSvg: await totpQrSvg(otpauthUri),
    otpauthUri,
    manualKey: groupManualKey(secret),
    expiresAt: enrolment.expiresAt.toISOString(),
  };
}

/**
 * Step 2: a code from the new secret turns 2FA on and returns the 10 recovery codes, once.
 * The attempt is counted (5 per enrolment) before comparing.
 */
export async function confirmTwoFactorEnrolment(
  context: RequestContext,
  input: ConfirmEnrolmentInput,
): Promise<{ recoveryCodes: string[] }> {
  const { session, meta } = context;
  const userId = session.user.id;
  const counted = await db.$queryRaw<{ secret: string; attempts: number }[]>`
    UPDATE two_factor_enrolments SET attempts = attempts + 1
    WHERE id = ${input.enrolmentId}::uuid AND user_id = ${userId}::uuid AND session_id = ${session.id}::uuid
      AND expires_at > now() AND attempts < ${ENROLMENT_LIMITS.maxAttempts}
    RETURNING secret, attempts`;
  const enrolment = counted[0];
  if (!enrolment)
    throw new AppError((await enrolmentExhausted(userId, session.id, input.enrolmentId)) ? "TOO_MANY_ATTEMPTS" : "CODE_EXPIRED");

  const { secret } = openSecret(userId, enrolment.secret);
  const step = matchTotp(secret, input.code);
  if (step === null) {
    const attemptsLeft = ENROLMENT_LIMITS.maxAttempts - enrolment.attempts;
    await recordStandaloneEvent({
      type: "two_factor.enrolment_failed",
      outcome: "FAILURE",
      actor: session.user,
      target: { type: "two_factor_enrolment", id: input.enrolmentId },
      reason: "code_invalid",
      meta,
    });
    throw attemptsLeft > 0 ? new AppError("CODE_INVALID", { attemptsLeft }) : new AppError("TOO_MANY_ATTEMPTS");
  }

  return db.$transaction(async (tx) => {
    const removed = await tx.twoFactorEnrolment.deleteMany({ where: { id: input.enrolmentId, userId } });
    const enabled = await tx.user.updateMany({
      where: { id: userId, twoFactorEnabledAt: null },
      data: { twoFactorSecret: enrolment.secret, twoFactorEnabledAt: new Date(), totpLastStep: BigInt(step) },
    });
    // A parallel confirm got here first.
    if (removed.count !== 1 || enabled.count !== 1) throw new AppError("CODE_EXPIRED");
    // Grants proven by the email code alone must not outlive the stricter rule.
    await endStepUpFor(tx, userId);
    const recoveryCodes = await replaceRecoveryCodes(tx, userId);
    await recordAuditEvent(tx, { type: "two_factor.enabled", actor: session.user, target: { type: "user", id: userId }, meta });
    await notifyAccountChange(tx, context, { notice: "twoFactorOn" });
    return { recoveryCodes };
  });
}

/** Whether the refusal was the attempt limit (not expiry), so the user is told why. */
async function enrolmentExhausted(userId: string, sessionId: string, enrolmentId: string): Promise<boolean> {
  const rows = await db.$queryRaw<{ exhausted: boolean }[]>`
    SELECT attempts >= ${ENROLMENT_LIMITS.maxAttempts} AS exhausted FROM two_factor_enrolments
    WHERE id = ${enrolmentId}::uuid AND user_id = ${userId}::uuid AND session_id = ${sessionId}::uuid AND expires_at > now()`;
  return rows[0]?.exhausted ?? false;
}

export async function assertTwoFactor(userId: string, enabled: boolean): Promise<void> {
  const user = await db.user.findUniqueOrThrow({ where: { id: userId }, select: { twoFactorEnabledAt: true } });
  if (Boolean(user.twoFactorEnabledAt) !== enabled) throw new AppError(enabled ? "TWO_FACTOR_OFF" : "TWO_FACTOR_ALREADY_ON");
}
