import "server-only";
import { DEFAULT_LOCALE } from "@/i18n/locales";
import { translatorFor } from "@/i18n/translator";
import { recordAuditEvent } from "@/lib/audit/record";
import { db, type Tx } from "@/lib/db";
import { sendEmail } from "@/lib/email/send";
import { stepUpCodeMessage } from "@/lib/email/templates/step-up-code";
import type { RequestContext } from "@/lib/http/context";
import { codeMatches, consumeCodeStatement, issueCode, reissueCode, secondsUntilResend } from "@/lib/one-time-code";
import { CODE_POLICIES } from "@/lib/one-time-code/policy";
import { forgiveRateLimitHit, hitRateLimit, type RateDecision } from "@/lib/rate-limit";
import { challengeDetails, describeChallenge } from "@/lib/step-up/describe";
import { STEP_UP_LIMITS } from "@/lib/step-up/policy";
import type { ChallengeForProof, ProofMethod } from "@/lib/step-up/proofs";
import { AppError } from "@/shared/errors";

/**
 * The emailed code, what the product is built around: proof that whoever asks can read the
 * account's inbox right now. Sent when the challenge starts, at most 5 an hour per user; a resend
 * replaces it (the old code stops working) without giving back any of the challenge's tries.
 */

const PURPOSE = "STEP_UP" as const;
export const EMAIL_CODE_POLICY = CODE_POLICIES[PURPOSE];

export const emailCode: ProofMethod = {
  available: () => true,

  async prepare({ challenge, context, cancelToken }) {
    const send = await reserveSend(context, challenge.action);
    let code: { id: string; code: string; expiresAt: Date } | null = null;
    return {
      async store(tx) {
        code = await issueCode(tx, { purpose: PURPOSE, recipient: context.session.user.email });
        await tx.stepUpChallenge.update({ where: { id: challenge.id }, data: { codeId: code.id } });
      },
      async deliver() {
        if (!code) throw new Error("the code was never issued");
        await deliver(context, challenge, { ...code, cancelToken, idempotencyKey: challenge.id }, send);
      },
      release: () => forgiveRateLimitHit(sendsKey(context), send),
    };
  },

  async verify(_tx, { value, liveCode }) {
    if (!liveCode || !codeMatches(liveCode, value)) return null;
    // Cannot be lost under the account's lock, short of the code expiring in between.
    return { claim: consumeCodeStatement(liveCode.id), lost: () => new AppError("CODE_EXPIRED") };
  },

  refusals: { missing: "CODE_INVALID", wrong: "CODE_INVALID" },
};

/** When the modal may ask for a new code for this challenge (its last send plus the cooldown). */
export async function resendAvailableAt(codeId: string | null): Promise<Date> {
  const code = codeId ? await db.oneTimeCode.findUnique({ where: { id: codeId }, select: { lastSentAt: true } }) : null;
  return new Date((code?.lastSentAt ?? new Date()).getTime() + EMAIL_CODE_POLICY.resendCooldownSeconds * 1000);
}

/**
 * A new code for the challenge, once its cooldown is over and within the hourly budget; the old
 * code stops working. `renewLink` gives the new email its own "This wasn't me" link.
 */
export async function resendEmailCode(
  context: RequestContext,
  challenge: ChallengeForProof,
  renewLink: () => Promise<string>,
): Promise<void> {
  if (!challenge.codeId) return sendFirstCode(context, challenge, renewLink);
  // The cooldown is checked before the hourly budget, so clicks that send nothing cost nothing.
  const wait = await secondsUntilResend({ id: challenge.codeId, purpose: PURPOSE });
  if (wait === null) throw new AppError("CODE_INVALID");
  if (wait > 0) throw new AppError("RESEND_TOO_SOON", { retryAfterSeconds: wait });
  const send = await reserveSend(context, challenge.action);
  const reissued = await reissueCode({ id: challenge.codeId, purpose: PURPOSE });
  if (!reissued.ok) {
    await forgiveRateLimitHit(sendsKey(context), send);
    if (reissued.reason === "RESEND_TOO_SOON") throw new AppError("RESEND_TOO_SOON", { retryAfterSeconds: reissued.retryAfterSeconds });
    throw new AppError("CODE_INVALID");
  }
  await db.$executeRaw`UPDATE step_up_challenges SET expires_at = now() + make_interval(secs => ${STEP_UP_LIMITS.challengeSeconds}) WHERE id = ${challenge.id}::uuid`;
  const cancelToken = await renewLink();
  await deliver(
    context,
    challenge,
    { ...reissued, cancelToken, idempotencyKey: `${challenge.id}:${reissued.resendAvailableAt.getTime()}` },
    send,
  );
}

/** The first code of a challenge that started on a passkey: asked for, so sent now. */
async function sendFirstCode(context: RequestContext, challenge: ChallengeForProof, renewLink: () => Promise<string>): Promise<void> {
  const cancelToken = await renewLink();
  const prepared = await emailCode.prepare?.({ challenge, context, cancelToken });
  if (!prepared) throw new Error("the email code has no set-up");
  try {
    await db.$transaction((tx) => prepared.store(tx));
  } catch (error) {
    await prepared.release();
    throw error;
  }
  await prepared.deliver();
}

function sendsKey(context: RequestContext): string {
  return `step-up:sends:${context.session.user.id}`;
}

/** Counts one send against the hourly budget; the decision lets a send that failed be taken back. */
async function reserveSend(context: RequestContext, action: string): Promise<RateDecision> {
  const decision = await hitRateLimit(sendsKey(context), { limit: STEP_UP_LIMITS.sendsPerHour, windowSeconds: 3600 });
  if (decision.allowed) return decision;
  await db.$transaction((tx: Tx) =>
    recordAuditEvent(tx, {
      type: "step_up.rate_limited",
      outcome: "BLOCKED",
      actor: context.session.user,
      reason: action,
      meta: context.meta,
    }),
  );
  throw new AppError("RATE_LIMITED", { retryAfterSeconds: decision.retryAfterSeconds });
}

async function deliver(
  context: RequestContext,
  challenge: ChallengeForProof,
  code: { code: string; expiresAt: Date; cancelToken: string; idempotencyKey: string },
  send: RateDecision,
): Promise<void> {
  // To the account's own address: in the language the session already read.
  const locale = context.session.locale ?? DEFAULT_LOCALE;
  const t = translatorFor(locale, "stepUpActions");
  const message = stepUpCodeMessage({
    locale,
    code: code.code,
    description: describeChallenge(t, challenge.description),
    details: challengeDetails(t, challenge.details),
    expiresAt: code.expiresAt,
    requestedAt: new Date(),
    ip: context.meta.ip,
    userAgent: context.meta.userAgent,
    cancelToken: code.cancelToken,
  });
  const sent = await sendEmail({ ...message, to: context.session.user.email, idempotencyKey: code.idempotencyKey });
  if (sent.ok) return;
  // Nobody can learn this code now, and an immediate retry (what the error message asks for) must not cost the budget.
  await forgiveRateLimitHit(sendsKey(context), send);
  throw new AppError("EMAIL_SEND_FAILED");
}
