import "server-only";
import { recordAuditEvent } from "@/lib/audit/record";
import { db, type Tx } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { checkCode, consumeCode } from "@/lib/one-time-code";
import { lockRemaining, ownChallenge, type StepUpContext } from "@/lib/step-up/challenge";
import { STEP_UP_LIMITS, STEP_UP_POLICY } from "@/lib/step-up/policy";

const PURPOSE = "STEP_UP" as const;

/**
 * Checks a step-up code. Before comparing, the attempt is taken from the account (10 in a
 * row, across challenges, then step-up locks) and from the challenge (5 per code), each in
 * one atomic statement, so parallel guesses cannot get past either limit. Success mints the
 * grant the action's policy names, in one transaction with consuming the code.
 */
export async function verifyStepUp(context: StepUpContext, input: { challengeId: string; code: string }): Promise<void> {
  const { session, meta } = context;
  const userId = session.user.id;
  const challenge = await ownChallenge(session, input.challengeId);
  const audit = (event: AuditDetails, tx?: Tx) => {
    const write = (client: Tx) =>
      recordAuditEvent(client, { ...event, actor: session.user, target: { type: "step_up_challenge", id: challenge.id }, meta, metadata: { action: challenge.action } });
    return tx ? write(tx) : db.$transaction(write);
  };

  const failuresSoFar = await takeAccountAttempt(userId);
  if (failuresSoFar === null) {
    const lockedFor = await lockRemaining(userId);
    await audit({ type: "step_up.verify_failed", outcome: "BLOCKED", reason: lockedFor ? "locked" : "attempts_in_flight" });
    // Without a lock yet, the account's last allowed attempt is being compared right now.
    throw lockedFor ? new AppError("STEP_UP_LOCKED", { retryAfterSeconds: lockedFor }) : new AppError("TOO_MANY_ATTEMPTS");
  }

  const checked = await checkCode({ id: challenge.id, purpose: PURPOSE, code: input.code });
  if (!checked.ok) {
    if (!checked.counted) {
      await returnAccountAttempt(userId);
      const expired = checked.reason === "CODE_EXPIRED";
      await audit({ type: expired ? "step_up.expired" : "step_up.verify_failed", outcome: checked.reason === "TOO_MANY_ATTEMPTS" ? "BLOCKED" : "FAILURE", reason: checked.reason.toLowerCase() });
      throw new AppError(checked.reason);
    }
    await audit({ type: "step_up.verify_failed", outcome: "FAILURE", reason: checked.reason.toLowerCase() });
    if (failuresSoFar >= STEP_UP_LIMITS.failuresBeforeLock) {
      const lockedFor = await lockStepUp(userId);
      await audit({ type: "step_up.locked", outcome: "BLOCKED", reason: `${STEP_UP_LIMITS.failuresBeforeLock}_failures` });
      throw new AppError("STEP_UP_LOCKED", { retryAfterSeconds: lockedFor });
    }
    throw new AppError(checked.reason, { attemptsLeft: checked.attemptsLeft });
  }

  const minted = await db.$transaction(async (tx) => {
    if (!(await consumeCode(tx, challenge.id))) return false;
    const { grant } = STEP_UP_POLICY[challenge.action];
    await tx.$executeRaw`
      INSERT INTO step_up_grants (id, user_id, session_id, challenge_id, mode, action, payload_hash, expires_at)
      VALUES (gen_random_uuid(), ${userId}::uuid, ${session.id}::uuid, ${challenge.id}::uuid,
              ${grant === "sudo" ? "SUDO" : "SINGLE_USE"}::"GrantMode", ${challenge.action}, ${challenge.payloadHash},
              now() + make_interval(secs => ${STEP_UP_LIMITS.grantSeconds}))`;
    await tx.$executeRaw`UPDATE users SET step_up_failures = 0, step_up_lockouts = 0 WHERE id = ${userId}::uuid`;
    await audit({ type: "step_up.verified", outcome: "SUCCESS", reason: grant }, tx);
    return true;
  });
  if (!minted) {
    // Right code, but a parallel request used it first: not a guess.
    await returnAccountAttempt(userId);
    throw new AppError("CODE_INVALID");
  }
}

type AuditDetails = {
  type: "step_up.verify_failed" | "step_up.expired" | "step_up.locked" | "step_up.verified";
  outcome: "SUCCESS" | "FAILURE" | "BLOCKED";
  reason: string;
};

/**
 * Counts one attempt against the account unless step-up is locked or the last allowed
 * attempt is already in flight; returns the count including this attempt, or null.
 */
async function takeAccountAttempt(userId: string): Promise<number | null> {
  const rows = await db.$queryRaw<{ failures: number }[]>`
    UPDATE users SET step_up_failures = step_up_failures + 1
    WHERE id = ${userId}::uuid AND step_up_failures < ${STEP_UP_LIMITS.failuresBeforeLock}
      AND (step_up_locked_until IS NULL OR step_up_locked_until <= now())
    RETURNING step_up_failures AS failures`;
  return rows[0]?.failures ?? null;
}

/** For attempts that compared nothing (expired, used or exhausted code). */
async function returnAccountAttempt(userId: string): Promise<void> {
  await db.$executeRaw`UPDATE users SET step_up_failures = GREATEST(step_up_failures - 1, 0) WHERE id = ${userId}::uuid`;
}

/** Locks step-up for 15 minutes, doubling with each lock not followed by a success. */
async function lockStepUp(userId: string): Promise<number> {
  const { lockMinutes } = STEP_UP_LIMITS;
  const rows = await db.$queryRaw<{ locked_for: number }[]>`
    UPDATE users SET step_up_failures = 0, step_up_lockouts = step_up_lockouts + 1,
      step_up_locked_until = now() + make_interval(mins => ${lockMinutes} * power(2, LEAST(step_up_lockouts, 10))::int)
    WHERE id = ${userId}::uuid
    RETURNING CEIL(EXTRACT(EPOCH FROM (step_up_locked_until - now())))::int AS locked_for`;
  return rows[0]?.locked_for ?? lockMinutes * 60;
}

