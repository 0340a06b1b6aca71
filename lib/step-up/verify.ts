import "server-only";
import { recordAuditEvent } from "@/lib/audit/record";
import type { Tx } from "@/lib/db";
import type { RequestContext } from "@/lib/http/context";
import type { OwnChallenge } from "@/lib/step-up/challenges";
import { mintGrant } from "@/lib/step-up/grants";
import { clearFailures, countFailure, lockAccount, lockRemaining } from "@/lib/step-up/lockout";
import { STEP_UP_LIMITS, STEP_UP_POLICY } from "@/lib/step-up/policy";
import { PROOF_METHODS, requiredSteps } from "@/lib/step-up/proofs";
import { AppError, type ErrorCode } from "@/shared/errors";
import type { ProofKind, ProofValues } from "@/shared/step-up";

type Verdict = {
  type: "step_up.verify_failed" | "step_up.expired" | "step_up.locked" | "step_up.verified";
  outcome: "SUCCESS" | "FAILURE" | "BLOCKED";
  reason: string;
};

/**
 * Checks the proofs sent for a challenge, inside the transaction of the change they unlock, holding
 * the account's row lock, so one account's attempts are judged one at a time:
 * 1. the challenge's try is counted first (5 per challenge, whichever proof turns out wrong);
 * 2. each step the policy names is checked in order with the proof sent for it, stopping at the
 *    first wrong one, which also counts on the account (10 in a row, across challenges, lock
 *    step-up);
 * 3. only when every step is right is each proof spent, the challenge marked proven and the grant
 *    minted. Returns the refusal rather than throwing it: the transaction must still commit, since a
 *    compared proof is an attempt.
 */
export async function verifyProofs(tx: Tx, context: RequestContext, challenge: OwnChallenge, sent: ProofValues): Promise<AppError | null> {
  const userId = context.session.user.id;
  const audit = (verdict: Verdict, proofs?: ProofKind[]) =>
    recordAuditEvent(tx, {
      ...verdict,
      actor: context.session.user,
      target: { type: "step_up_challenge", id: challenge.id },
      meta: context.meta,
      metadata: { action: challenge.action, ...(proofs && { proofs }) },
    });

  await lockAccount(tx, userId);
  const lockedFor = await lockRemaining(userId, tx);
  if (lockedFor) {
    await audit({ type: "step_up.verify_failed", outcome: "BLOCKED", reason: "locked" });
    return new AppError("STEP_UP_LOCKED", { retryAfterSeconds: lockedFor });
  }
  const steps = await requiredSteps(tx, userId, challenge.action);
  const given = steps.map((step) => step.find((kind) => sent[kind] !== undefined));
  const missing = given.findIndex((kind) => kind === undefined);
  // Nothing compared, nothing counted: the modal asks for what is missing.
  if (missing >= 0) return new AppError(PROOF_METHODS[steps[missing]?.[0] ?? "email_code"].refusals.missing);

  const attempt = await countAttempt(tx, challenge.id);
  if (!attempt.counted) {
    await audit({
      type: attempt.reason === "CODE_EXPIRED" ? "step_up.expired" : "step_up.verify_failed",
      outcome: attempt.reason === "TOO_MANY_ATTEMPTS" ? "BLOCKED" : "FAILURE",
      reason: attempt.reason.toLowerCase(),
    });
    return new AppError(attempt.reason);
  }

  const spends: (() => Promise<void>)[] = [];
  for (const kind of given as ProofKind[]) {
    const spend = await PROOF_METHODS[kind].verify(tx, { challenge, value: sent[kind] ?? "", context });
    if (spend) {
      spends.push(spend);
      continue;
    }
    const wrong = PROOF_METHODS[kind].refusals.wrong;
    const reason: ErrorCode = wrong === "CODE_INVALID" && attempt.attemptsLeft === 0 ? "TOO_MANY_ATTEMPTS" : wrong;
    await audit({
      type: "step_up.verify_failed",
      outcome: "FAILURE",
      reason: kind === "email_code" ? reason.toLowerCase() : `${wrong.toLowerCase()}`,
    });
    const lockFor = await countFailure(tx, userId);
    if (lockFor === null) return new AppError(reason, { attemptsLeft: attempt.attemptsLeft });
    await audit({ type: "step_up.locked", outcome: "BLOCKED", reason: `${STEP_UP_LIMITS.failuresBeforeLock}_failures` });
    return new AppError("STEP_UP_LOCKED", { retryAfterSeconds: lockFor });
  }

  // False only when the challenge was cancelled between the check and here: not a guess.
  const proven = await tx.stepUpChallenge.updateMany({
    where: { id: challenge.id, verifiedAt: null, cancelledAt: null },
    data: { verifiedAt: new Date() },
  });
  if (proven.count !== 1) return new AppError("CODE_INVALID");
  for (const spend of spends) await spend();
  await mintGrant(tx, context, challenge);
  await clearFailures(tx, userId);
  const { grant } = STEP_UP_POLICY[challenge.action];
  // Which kinds proved it (e.g. a passkey rather than the emailed code).
  await audit(
    { type: "step_up.verified", outcome: "SUCCESS", reason: steps.length > 1 ? `${grant}+second_factor` : grant },
    given as ProofKind[],
  );
  return null;
}

type CountedAttempt =
  { counted: true; attemptsLeft: number } | { counted: false; reason: "CODE_INVALID" | "CODE_EXPIRED" | "TOO_MANY_ATTEMPTS" };

/** One try of the challenge, counted by one conditional UPDATE before anything is compared. */
async function countAttempt(tx: Tx, challengeId: string): Promise<CountedAttempt> {
  const rows = await tx.$queryRaw<{ attempts: number; max_attempts: number }[]>`
    UPDATE step_up_challenges SET attempts = attempts + 1
    WHERE id = ${challengeId}::uuid AND cancelled_at IS NULL AND verified_at IS NULL AND expires_at > now() AND attempts < max_attempts
    RETURNING attempts, max_attempts`;
  const row = rows[0];
  if (row) return { counted: true, attemptsLeft: row.max_attempts - row.attempts };
  // Used, cancelled and unknown challenges all look the same to the caller.
  const state = await tx.$queryRaw<{ expired: boolean; exhausted: boolean; open: boolean }[]>`
    SELECT expires_at <= now() AS expired, attempts >= max_attempts AS exhausted, cancelled_at IS NULL AND verified_at IS NULL AS open
    FROM step_up_challenges WHERE id = ${challengeId}::uuid`;
  const challenge = state[0];
  if (!challenge?.open) return { counted: false, reason: "CODE_INVALID" };
  if (challenge.exhausted) return { counted: false, reason: "TOO_MANY_ATTEMPTS" };
  return { counted: false, reason: "CODE_EXPIRED" };
}
