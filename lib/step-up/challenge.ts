import "server-only";
import { randomBytes } from "node:crypto";
import { z } from "zod";
import { recordAuditEvent } from "@/lib/audit/record";
import { sha256Hex } from "@/lib/crypto";
import { db, type Tx } from "@/lib/db";
import { sendEmail } from "@/lib/email/send";
import { stepUpCodeMessage } from "@/lib/email/templates/step-up-code";
import type { RequestContext } from "@/lib/http/context";
import { issueCode, reissueCode, secondsUntilResend, type IssuedCode } from "@/lib/one-time-code";
import { CODE_POLICIES } from "@/lib/one-time-code/policy";
import { forgiveRateLimitHit, hitRateLimit, resetRateLimit, type RateDecision } from "@/lib/rate-limit";
import type { CurrentSession } from "@/lib/sessions/lifecycle";
import { hashPayload } from "@/lib/step-up/payload";
import { STEP_UP_LIMITS, STEP_UP_POLICY, type StepUpAction, type StepUpPayloads } from "@/lib/step-up/policy";
import { AppError } from "@/shared/errors";
import { isUuid, maskEmail } from "@/shared/format";
import type { StepUpChallengeDto } from "@/shared/step-up";

const PURPOSE = "STEP_UP" as const;
const detailsSchema = z.record(z.string(), z.string());
const POLICY = CODE_POLICIES[PURPOSE];

/**
 * Creates a challenge bound to (user, session, action, payload hash) and emails its code.
 * Within the resend cooldown the same request gets the pending challenge back instead of
 * a second email, so double submits and parallel requests send one code.
 */
export async function startChallenge<A extends StepUpAction>(
  context: RequestContext,
  action: A,
  payload: StepUpPayloads[A],
): Promise<StepUpChallengeDto> {
  const { session, meta } = context;
  const user = session.user;
  await assertNotLocked(user.id);
  const payloadHash = hashPayload(action, payload);
  const description = STEP_UP_POLICY[action].describe(payload);
  const details = STEP_UP_POLICY[action].details(payload);
  const secondFactor = await secondFactorRequired(user.id, action);

  const cooldownKey = `step-up:start:${session.id}:${payloadHash}`;
  const cooldown = await hitRateLimit(cooldownKey, { limit: 1, windowSeconds: POLICY.resendCooldownSeconds });
  if (!cooldown.allowed) {
    const pending = await findPendingChallenge(session.id, action, payloadHash, secondFactor);
    if (pending) return pending;
    throw new AppError("RESEND_TOO_SOON", { retryAfterSeconds: cooldown.retryAfterSeconds });
  }
  const send = await assertSendAllowed(context, action);

  const cancelToken = randomBytes(32).toString("base64url");
  const issued = await db.$transaction(async (tx) => {
    const code = await issueCode(tx, { purpose: PURPOSE, recipient: user.email });
    await tx.stepUpChallenge.create({
      data: {
        id: code.id,
        userId: user.id,
        sessionId: session.id,
        action,
        payloadHash,
        description,
        details,
        cancelTokenHash: sha256Hex(cancelToken),
        ip: meta.ip,
        userAgent: meta.userAgent,
      },
    });
    await recordAuditEvent(tx, {
      type: "step_up.challenge_sent",
      actor: user,
      target: { type: "step_up_challenge", id: code.id },
      reason: action,
      meta,
    });
    return code;
  });

  await emailCode(context, {
    issued,
    details,
    description,
    cancelToken,
    idempotencyKey: issued.id,
    send,
    onFailure: () => resetRateLimit(cooldownKey),
  });
  return toDto({
    id: issued.id,
    action,
    description,
    email: user.email,
    expiresAt: issued.expiresAt,
    resendAvailableAt: issued.resendAvailableAt,
    attemptsLeft: POLICY.maxAttempts,
    secondFactor,
  });
}

/** A new code for the same challenge; the previous code stops working, attempts are never reset. */
export async function resendChallenge(context: RequestContext, challengeId: string): Promise<StepUpChallengeDto> {
  const { session, meta } = context;
  const challenge = await ownChallenge(session, challengeId);
  await assertNotLocked(session.user.id);
  // The cooldown is checked before the hourly budget, so clicks that send nothing cost nothing.
  const wait = await secondsUntilResend({ id: challenge.id, purpose: PURPOSE });
  if (wait === null) throw new AppError("CODE_INVALID");
  if (wait > 0) throw new AppError("RESEND_TOO_SOON", { retryAfterSeconds: wait });
  const send = await assertSendAllowed(context, challenge.action);
  const reissued = await reissueCode({ id: challenge.id, purpose: PURPOSE });
  if (!reissued.ok) {
    if (reissued.reason === "RESEND_TOO_SOON") throw new AppError("RESEND_TOO_SOON", { retryAfterSeconds: reissued.retryAfterSeconds });
    throw new AppError("CODE_INVALID");
  }
  // A fresh cancel link too: the old email's link must not outlive its code.
  const cancelToken = randomBytes(32).toString("base64url");
  await db.$transaction(async (tx) => {
    await tx.stepUpChallenge.update({ where: { id: challenge.id }, data: { cancelTokenHash: sha256Hex(cancelToken) } });
    await recordAuditEvent(tx, {
      type: "step_up.challenge_resent",
      actor: session.user,
      target: { type: "step_up_challenge", id: challenge.id },
      reason: challenge.action,
      meta,
    });
  });
  await emailCode(context, {
    issued: reissued,
    details: challenge.details,
    description: challenge.description,
    cancelToken,
    idempotencyKey: `${reissued.id}:${reissued.resendAvailableAt.getTime()}`,
    send,
  });
  const code = await db.oneTimeCode.findUniqueOrThrow({ where: { id: challenge.id }, select: { attempts: true, maxAttempts: true } });
  return toDto({
    ...challenge,
    email: session.user.email,
    expiresAt: reissued.expiresAt,
    resendAvailableAt: reissued.resendAvailableAt,
    attemptsLeft: code.maxAttempts - code.attempts,
    secondFactor: await secondFactorRequired(session.user.id, challenge.action),
  });
}

/** The user closed the modal: the challenge can no longer be used. */
export async function cancelChallenge(context: RequestContext, challengeId: string): Promise<void> {
  const { session, meta } = context;
  const challenge = await ownChallenge(session, challengeId);
  await db.$transaction(async (tx) => {
    if (!(await closeChallenge(tx, challenge.id))) return;
    await recordAuditEvent(tx, {
      type: "step_up.cancelled",
      actor: session.user,
      target: { type: "step_up_challenge", id: challenge.id },
      reason: "dismissed",
      meta,
    });
  });
}

/** Ends a challenge and its code; true only for the caller that ended it. */
export async function closeChallenge(tx: Tx, challengeId: string): Promise<boolean> {
  const closed = await tx.stepUpChallenge.updateMany({ where: { id: challengeId, cancelledAt: null }, data: { cancelledAt: new Date() } });
  await tx.oneTimeCode.updateMany({ where: { id: challengeId, consumedAt: null }, data: { consumedAt: new Date() } });
  return closed.count === 1;
}

export type OwnChallenge = { id: string; action: StepUpAction; description: string; details: Record<string, string>; payloadHash: string };

/** Another user's or another session's challenge is treated exactly like an unknown one. */
export async function ownChallenge(session: CurrentSession, challengeId: string): Promise<OwnChallenge> {
  const challenge = isUuid(challengeId)
    ? await db.stepUpChallenge.findFirst({
        where: { id: challengeId, userId: session.user.id, sessionId: session.id, cancelledAt: null },
        select: { id: true, action: true, description: true, details: true, payloadHash: true },
      })
    : null;
  if (!challenge || !(challenge.action in STEP_UP_POLICY)) throw new AppError("CODE_INVALID");
  return { ...challenge, action: challenge.action as StepUpAction, details: detailsSchema.parse(challenge.details) };
}

export async function assertNotLocked(userId: string): Promise<void> {
  const lockedFor = await lockRemaining(userId);
  if (lockedFor) throw new AppError("STEP_UP_LOCKED", { retryAfterSeconds: lockedFor });
}

/** Seconds until step-up unlocks for this user, or null when it is not locked. */
export async function lockRemaining(userId: string, client: Tx = db): Promise<number | null> {
  const rows = await client.$queryRaw<{ remaining: number }[]>`
    SELECT CEIL(EXTRACT(EPOCH FROM (step_up_locked_until - now())))::int AS remaining
    FROM users WHERE id = ${userId}::uuid AND step_up_locked_until > now()`;
  const remaining = rows[0]?.remaining;
  return remaining === undefined ? null : Math.max(1, remaining);
}

/** Counts one send against the hourly budget; the decision lets a send that failed be taken back. */
async function assertSendAllowed(context: RequestContext, action: string): Promise<RateDecision> {
  const decision = await hitRateLimit(sendsKey(context), { limit: STEP_UP_LIMITS.sendsPerHour, windowSeconds: 3600 });
  if (decision.allowed) return decision;
  await db.$transaction((tx) =>
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

function sendsKey(context: RequestContext): string {
  return `step-up:sends:${context.session.user.id}`;
}

async function findPendingChallenge(
  sessionId: string,
  action: string,
  payloadHash: string,
  secondFactor: boolean,
): Promise<StepUpChallengeDto | null> {
  const pending = await db.stepUpChallenge.findFirst({
    where: {
      sessionId,
      action,
      payloadHash,
      cancelledAt: null,
      code: { consumedAt: null, expiresAt: { gt: new Date() }, attempts: { lt: POLICY.maxAttempts } },
    },
    orderBy: { createdAt: "desc" },
    select: {
      id: true,
      action: true,
      description: true,
      session: { select: { user: { select: { email: true } } } },
      code: { select: { expiresAt: true, lastSentAt: true, attempts: true, maxAttempts: true } },
    },
  });
  if (!pending) return null;
  return toDto({
    id: pending.id,
    action: pending.action,
    description: pending.description,
    email: pending.session.user.email,
    expiresAt: pending.code.expiresAt,
    resendAvailableAt: new Date(pending.code.lastSentAt.getTime() + POLICY.resendCooldownSeconds * 1000),
    attemptsLeft: pending.code.maxAttempts - pending.code.attempts,
    secondFactor,
  });
}

async function emailCode(
  context: RequestContext,
  options: {
    issued: IssuedCode;
    details: Record<string, string>;
    description: string;
    cancelToken: string;
    idempotencyKey: string;
    /** The send's hit on the hourly budget, given back when the email could not be sent. */
    send: RateDecision;
    onFailure?: () => Promise<void>;
  },
): Promise<void> {
  const message = stepUpCodeMessage({
    code: options.issued.code,
    description: options.description,
    details: options.details,
    expiresAt: options.issued.expiresAt,
    requestedAt: new Date(),
    ip: context.meta.ip,
    userAgent: context.meta.userAgent,
    cancelToken: options.cancelToken,
  });
  const sent = await sendEmail({ ...message, to: context.session.user.email, idempotencyKey: options.idempotencyKey });
  if (sent.ok) return;
  // Nobody can learn this code now; make sure it can never be used either, and that an
  // immediate retry (what the error message asks for) is not held back by the cooldown.
  await db.$transaction((tx) => closeChallenge(tx, options.issued.id));
  await forgiveRateLimitHit(sendsKey(context), options.send);
  await options.onFailure?.();
  throw new AppError("EMAIL_SEND_FAILED");
}

type ChallengeView = {
  id: string;
  action: string;
  description: string;
  email: string;
  expiresAt: Date;
  resendAvailableAt: Date;
  attemptsLeft: number;
  secondFactor: boolean;
};

function toDto(challenge: ChallengeView): StepUpChallengeDto {
  return {
    id: challenge.id,
    action: challenge.action,
    description: challenge.description,
    maskedEmail: maskEmail(challenge.email),
    expiresAt: challenge.expiresAt.toISOString(),
    resendAvailableAt: challenge.resendAvailableAt.toISOString(),
    attemptsLeft: challenge.attemptsLeft,
    secondFactor: challenge.secondFactor,
  };
}

/** Read at every check, never from the challenge: turning 2FA on mid-challenge raises the bar at once. */
export async function secondFactorRequired(userId: string, action: StepUpAction, client: Tx = db): Promise<boolean> {
  if (!STEP_UP_POLICY[action].secondFactor) return false;
  const user = await client.user.findUnique({ where: { id: userId }, select: { twoFactorEnabledAt: true } });
  return Boolean(user?.twoFactorEnabledAt);
}
