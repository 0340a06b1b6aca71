import "server-only";
import { randomUUID } from "node:crypto";
import { recordAuditEvent, recordAuditEventsStatement, type AuditEventInput } from "@/lib/audit/record";
import { Prisma, type Tx } from "@/lib/db";
import type { RequestContext } from "@/lib/http/context";
import { asOwnChallenge, type OwnChallenge } from "@/lib/step-up/challenges";
import { grantUsedEvent, mintGrantStatement } from "@/lib/step-up/grants";
import { clearFailuresStatement, countFailure, LOCKED_FOR_COLUMN } from "@/lib/step-up/lockout";
import { STEP_UP_LIMITS, STEP_UP_POLICY, type StepUpAction } from "@/lib/step-up/policy";
import { PROOF_FACTS_COLUMNS, PROOF_METHODS, requiredSteps, type ProofFacts, type ProofSpend } from "@/lib/step-up/proofs";
import { AppError, type ErrorCode } from "@/shared/errors";
import { isUuid } from "@/shared/format";
import type { ProofKind, StepUpProof } from "@/shared/step-up";

type Verdict = {
  type: "step_up.verify_failed" | "step_up.expired" | "step_up.locked" | "step_up.verified";
  outcome: "SUCCESS" | "FAILURE" | "BLOCKED";
  reason: string;
};

/** The change the proofs must have been asked for: its action and the hash of its payload. */
export type ExpectedChange = { action: StepUpAction; payloadHash: string };

/**
 * `with_change`: the grant lets through the change the proofs were sent with, in this transaction
 * (withStepUp), so its use is recorded with it and a single-use grant is minted already spent.
 * `later`: the grant waits for a later request.
 */
export type GrantUse = "with_change" | "later";

/**
 * Checks the proofs sent for a challenge, inside the transaction of the change they unlock, holding
 * the account's row lock, so one account's attempts are judged one at a time:
 * 0. a challenge that is not this session's, or was asked for another change, is refused like an
 *    unknown one before anything is counted;
 * 1. the challenge's try is counted first (5 per challenge, whichever proof turns out wrong);
 * 2. each step the policy names is checked in order with the proof sent for it, stopping at the
 *    first wrong one, which also counts on the account (10 in a row, across challenges, lock
 *    step-up);
 * 3. only when every step is right is each proof spent, the challenge marked proven and the grant
 *    minted. Returns the refusal rather than throwing it: the transaction must still commit, since a
 *    compared proof is an attempt.
 * A right proof costs three statements: the lock, the counted try, and one that spends and grants.
 */
export async function verifyProofs(
  tx: Tx,
  context: RequestContext,
  expected: ExpectedChange,
  proof: StepUpProof,
  grantUse: GrantUse,
): Promise<AppError | null> {
  const userId = context.session.user.id;
  const account = await lockAccount(tx, context, proof.challengeId);
  const { challenge } = account;
  if (!challenge || challenge.action !== expected.action || challenge.payloadHash !== expected.payloadHash)
    return new AppError("CODE_INVALID");
  const event = (verdict: Verdict, proofs?: ProofKind[]): AuditEventInput => ({
    ...verdict,
    actor: context.session.user,
    target: { type: "step_up_challenge", id: challenge.id },
    meta: context.meta,
    metadata: { action: challenge.action, ...(proofs && { proofs }) },
  });
  const audit = (verdict: Verdict) => recordAuditEvent(tx, event(verdict));

  if (account.lockedFor) {
    await audit({ type: "step_up.verify_failed", outcome: "BLOCKED", reason: "locked" });
    return new AppError("STEP_UP_LOCKED", { retryAfterSeconds: account.lockedFor });
  }
  const sent = proof.proofs;
  const steps = requiredSteps(account.facts, challenge.action);
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

  const spends: ProofSpend[] = [];
  for (const kind of given as ProofKind[]) {
    const attempted = { challenge, value: sent[kind] ?? "", context, liveCode: attempt.liveCode };
    const spend = await PROOF_METHODS[kind].verify(tx, attempted);
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

  const { grant } = STEP_UP_POLICY[challenge.action];
  // Which kinds proved it (e.g. a passkey rather than the emailed code).
  const verified = event(
    { type: "step_up.verified", outcome: "SUCCESS", reason: steps.length > 1 ? `${grant}+second_factor` : grant },
    given as ProofKind[],
  );
  await spendAndGrant(tx, context, challenge, spends, verified, grantUse);
  return null;
}

type LockedAccount = { lockedFor: number | null; facts: ProofFacts; challenge: OwnChallenge | null };
type ChallengeRow = Omit<OwnChallenge, "action" | "details"> & { action: string; details: unknown };

/**
 * Holds the account's row until the transaction ends, so one account's proofs are checked one at a
 * time, and reads with it what the check needs first: the lockout, which proofs the user can give,
 * and the challenge if it is this session's and not cancelled. Only the account's row is re-read
 * after waiting for the lock; the challenge's changing state is left to `countAttempt`.
 */
async function lockAccount(tx: Tx, context: RequestContext, challengeId: string): Promise<LockedAccount> {
  const { session } = context;
  const rows = await tx.$queryRaw<(ProofFacts & { lockedFor: number | null; challenge: ChallengeRow | null })[]>`
    SELECT ${LOCKED_FOR_COLUMN}, ${PROOF_FACTS_COLUMNS},
      (SELECT to_jsonb(c) FROM (
        SELECT id, action, payload_hash AS "payloadHash", description, details, code_id AS "codeId" FROM step_up_challenges
        WHERE id = ${isUuid(challengeId) ? challengeId : null}::uuid AND user_id = u.id AND session_id = ${session.id}::uuid
          AND cancelled_at IS NULL) c) AS challenge
    FROM users u WHERE u.id = ${session.user.id}::uuid
    FOR UPDATE OF u`;
  const row = rows[0];
  if (!row) return { lockedFor: null, facts: { twoFactorOn: false, hasPasskeys: false }, challenge: null };
  const { lockedFor, twoFactorOn, hasPasskeys, challenge } = row;
  return { lockedFor, facts: { twoFactorOn, hasPasskeys }, challenge: challenge ? asOwnChallenge(challenge) : null };
}

type CountedAttempt =
  | { counted: true; attemptsLeft: number; liveCode: { id: string; codeHash: string } | null }
  | { counted: false; reason: "CODE_INVALID" | "CODE_EXPIRED" | "TOO_MANY_ATTEMPTS" };

/**
 * One try of the challenge, counted by one conditional UPDATE before anything is compared, which
 * also reads the hash of the challenge's live emailed code for the comparison in memory.
 */
async function countAttempt(tx: Tx, challengeId: string): Promise<CountedAttempt> {
  const rows = await tx.$queryRaw<{ attempts: number; max_attempts: number; code_id: string | null; code_hash: string | null }[]>`
    WITH counted AS (
      UPDATE step_up_challenges SET attempts = attempts + 1
      WHERE id = ${challengeId}::uuid AND cancelled_at IS NULL AND verified_at IS NULL AND expires_at > now() AND attempts < max_attempts
      RETURNING attempts, max_attempts, code_id)
    SELECT counted.attempts, counted.max_attempts, code.id AS code_id, code.code_hash
    FROM counted LEFT JOIN one_time_codes code
      ON code.id = counted.code_id AND code.purpose = 'STEP_UP' AND code.consumed_at IS NULL AND code.expires_at > now()`;
  const row = rows[0];
  if (row) {
    const liveCode = row.code_id && row.code_hash ? { id: row.code_id, codeHash: row.code_hash } : null;
    return { counted: true, attemptsLeft: row.max_attempts - row.attempts, liveCode };
  }
  // Used, cancelled and unknown challenges all look the same to the caller.
  const state = await tx.$queryRaw<{ expired: boolean; exhausted: boolean; open: boolean }[]>`
    SELECT expires_at <= now() AS expired, attempts >= max_attempts AS exhausted, cancelled_at IS NULL AND verified_at IS NULL AS open
    FROM step_up_challenges WHERE id = ${challengeId}::uuid`;
  const challenge = state[0];
  if (!challenge?.open) return { counted: false, reason: "CODE_INVALID" };
  if (challenge.exhausted) return { counted: false, reason: "TOO_MANY_ATTEMPTS" };
  return { counted: false, reason: "CODE_EXPIRED" };
}

/**
 * Every step was right: in one statement the challenge is marked proven, each proof's claim (and
 * what follows it) is made, the grant minted, the account's run of failures ended and the audit
 * rows written. A proof lost to a concurrent use throws, rolling everything back.
 */
async function spendAndGrant(
  tx: Tx,
  context: RequestContext,
  challenge: OwnChallenge,
  spends: ProofSpend[],
  verified: AuditEventInput,
  grantUse: GrantUse,
): Promise<void> {
  for (const spend of spends) if ("run" in spend) await spend.run();
  const claims = spends.flatMap((spend) => ("claim" in spend ? [spend] : []));
  const claimName = (index: number) => Prisma.raw(`claimed_${index}`);
  const grantId = randomUUID();
  const proven = Prisma.raw("proven");
  const parts = [
    Prisma.sql`${proven} AS (
      UPDATE step_up_challenges SET verified_at = now() WHERE id = ${challenge.id}::uuid AND verified_at IS NULL AND cancelled_at IS NULL
      RETURNING id)`,
    ...claims.flatMap((spend, index) => [
      Prisma.sql`${claimName(index)} AS (${spend.claim})`,
      ...(spend.follow ? [Prisma.sql`${Prisma.raw(`followed_${index}`)} AS (${spend.follow(claimName(index))})`] : []),
    ]),
    Prisma.sql`minted AS (${mintGrantStatement(
      {
        id: grantId,
        context,
        challengeId: challenge.id,
        action: challenge.action,
        payloadHash: challenge.payloadHash,
        usedNow: grantUse === "with_change",
      },
      proven,
    )})`,
    Prisma.sql`cleared AS (${clearFailuresStatement(context.session.user.id)})`,
    Prisma.sql`audited AS (${recordAuditEventsStatement(
      grantUse === "with_change" ? [verified, grantUsedEvent(context, challenge.action, grantId)] : [verified],
    )})`,
  ];
  const counts = [proven, ...claims.map((_, index) => claimName(index))].map((name) => Prisma.sql`(SELECT count(*) FROM ${name})::int`);
  const rows = await tx.$queryRaw<{ counts: number[] }[]>`WITH ${Prisma.join(parts, ",\n")} SELECT ARRAY[${Prisma.join(counts)}] AS counts`;
  const [provenCount, ...claimed] = rows[0]?.counts ?? [];
  // Cannot happen: the try counted above holds the challenge's row until the transaction ends.
  if (provenCount !== 1) throw new AppError("CODE_INVALID");
  const lost = claims.find((_, index) => claimed[index] !== 1);
  if (lost) throw lost.lost();
}
