import "server-only";
import { recordAuditEvent } from "@/lib/audit/record";
import type { Tx } from "@/lib/db";
import type { RequestContext } from "@/lib/http/context";
import { checkCode, consumeCode } from "@/lib/one-time-code";
import { lockRemaining, secondFactorRequired, type OwnChallenge } from "@/lib/step-up/challenge";
import { STEP_UP_LIMITS, STEP_UP_POLICY } from "@/lib/step-up/policy";
import { acceptSecondFactor } from "@/lib/two-factor/second-factor";
import { AppError } from "@/shared/errors";
import type { StepUpProof } from "@/shared/step-up";

const PURPOSE = "STEP_UP" as const;

/**
 * Checks a step-up proof inside the transaction of the change it unlocks (withStepUp), holding
 * the account's row lock, so an account's attempts are compared one at a time: the challenge's
 * attempt (5 per code) and the account's failure (10 in a row, across challenges, then step-up
 * locks) are both counted exactly, whatever arrives in parallel. The attempt is counted before
 * comparing; success consumes the code and mints the grant the action's policy names. A
 * high-risk action with 2FA on also needs the second proof: it is looked at only when the email
 * code is right, and a wrong one costs the attempt like a wrong email code. Returns the refusal
 * rather than throwing it, because the transaction must still commit: a compared code is an
 * attempt.
 */
export async function checkStepUpProof(
  tx: Tx,
  context: RequestContext,
  challenge: OwnChallenge,
  input: StepUpProof,
): Promise<AppError | null> {
  const { session, meta } = context;
  const userId = session.user.id;
  const audit = (event: AuditDetails) =>
    recordAuditEvent(tx, {
      ...event,
      actor: session.user,
      target: { type: "step_up_challenge", id: challenge.id },
      meta,
      metadata: { action: challenge.action },
    });
  /** A compared, wrong proof: one more failure on the account, which may lock step-up. */
  const chargeFailure = async (reason: string, refusal: AppError): Promise<AppError> => {
    await audit({ type: "step_up.verify_failed", outcome: "FAILURE", reason });
    if ((await countFailure(tx, userId)) < STEP_UP_LIMITS.failuresBeforeLock) return refusal;
    const lockedFor = await lockStepUp(tx, userId);
    await audit({ type: "step_up.locked", outcome: "BLOCKED", reason: `${STEP_UP_LIMITS.failuresBeforeLock}_failures` });
    return new AppError("STEP_UP_LOCKED", { retryAfterSeconds: lockedFor });
  };

  await tx.$queryRaw`SELECT 1 FROM users WHERE id = ${userId}::uuid FOR UPDATE`;
  const lockedFor = await lockRemaining(userId, tx);
  if (lockedFor) {
    await audit({ type: "step_up.verify_failed", outcome: "BLOCKED", reason: "locked" });
    return new AppError("STEP_UP_LOCKED", { retryAfterSeconds: lockedFor });
  }
  const needsSecondFactor = await secondFactorRequired(userId, challenge.action, tx);
  if (needsSecondFactor && !input.secondFactor) return new AppError("SECOND_FACTOR_REQUIRED");

  const checked = await checkCode({ id: challenge.id, purpose: PURPOSE, code: input.code }, tx);
  if (!checked.ok && !checked.counted) {
    // Nothing was compared (expired, used or exhausted code), so the account is not charged.
    const expired = checked.reason === "CODE_EXPIRED";
    await audit({
      type: expired ? "step_up.expired" : "step_up.verify_failed",
      outcome: checked.reason === "TOO_MANY_ATTEMPTS" ? "BLOCKED" : "FAILURE",
      reason: checked.reason.toLowerCase(),
    });
    return new AppError(checked.reason);
  }
  if (!checked.ok) return chargeFailure(checked.reason.toLowerCase(), new AppError(checked.reason, { attemptsLeft: checked.attemptsLeft }));

  if (needsSecondFactor && input.secondFactor) {
    const accepted = await acceptSecondFactor(tx, { user: session.user, meta, purpose: challenge.description }, input.secondFactor);
    if (!accepted)
      return chargeFailure(
        "second_factor_invalid",
        new AppError("SECOND_FACTOR_INVALID", { attemptsLeft: await attemptsLeft(tx, challenge.id) }),
      );
  }
  // False only when the challenge was cancelled between the check and here: not a guess.
  if (!(await consumeCode(tx, challenge.id))) return new AppError("CODE_INVALID");
  const { grant } = STEP_UP_POLICY[challenge.action];
  await tx.$executeRaw`
    INSERT INTO step_up_grants (id, user_id, session_id, challenge_id, mode, action, payload_hash, expires_at)
    VALUES (gen_random_uuid(), ${userId}::uuid, ${session.id}::uuid, ${challenge.id}::uuid,
            ${grant === "sudo" ? "SUDO" : "SINGLE_USE"}::"GrantMode", ${challenge.action}, ${challenge.payloadHash},
            now() + make_interval(secs => ${STEP_UP_LIMITS.grantSeconds}))`;
  await tx.$executeRaw`UPDATE users SET step_up_failures = 0, step_up_lockouts = 0 WHERE id = ${userId}::uuid`;
  await audit({ type: "step_up.verified", outcome: "SUCCESS", reason: needsSecondFactor ? `${grant}+second_factor` : grant });
  return null;
}

type AuditDetails = {
  type: "step_up.verify_failed" | "step_up.expired" | "step_up.locked" | "step_up.verified";
  outcome: "SUCCESS" | "FAILURE" | "BLOCKED";
  reason: string;
};

async function attemptsLeft(tx: Tx, challengeId: string): Promise<number> {
  const code = await tx.oneTimeCode.findUnique({ where: { id: challengeId }, select: { attempts: true, maxAttempts: true } });
  return code ? Math.max(0, code.maxAttempts - code.attempts) : 0;
}

/** Adds one failure to the account's run of failures; returns the run's length. */
async function countFailure(tx: Tx, userId: string): Promise<number> {
  const rows = await tx.$queryRaw<{ failures: number }[]>`
    UPDATE users SET step_up_failures = step_up_failures + 1 WHERE id = ${userId}::uuid RETURNING step_up_failures AS failures`;
  return rows[0]?.failures ?? 0;
}

/** Locks step-up for 15 minutes, doubling with each lock not followed by a success. */
async function lockStepUp(tx: Tx, userId: string): Promise<number> {
  const { lockMinutes } = STEP_UP_LIMITS;
  const rows = await tx.$queryRaw<{ locked_for: number }[]>`
    UPDATE users SET step_up_failures = 0, step_up_lockouts = step_up_lockouts + 1,
      step_up_locked_until = now() + make_interval(mins => ${lockMinutes} * power(2, LEAST(step_up_lockouts, 10))::int)
    WHERE id = ${userId}::uuid
    RETURNING CEIL(EXTRACT(EPOCH FROM (step_up_locked_until - now())))::int AS locked_for`;
  return rows[0]?.locked_for ?? lockMinutes * 60;
}
