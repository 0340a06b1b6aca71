import "server-only";
import { randomUUID } from "node:crypto";
import { recordAuditEvent, recordAuditEventsStatement, type AuditEventInput } from "@/lib/audit/record";
import { sha256Hex } from "@/lib/crypto";
import { preparedStatement, Prisma, type Tx } from "@/lib/db";
import type { RequestContext } from "@/lib/http/context";
import { asOwnChallenge, type OwnChallenge } from "@/lib/step-up/challenges";
import { grantUsedEvent, mintGrantStatement } from "@/lib/step-up/grants";
import { clearFailuresStatement, countFailure, LOCKED_FOR_COLUMN } from "@/lib/step-up/lockout";
import { STEP_UP_LIMITS, STEP_UP_POLICY, type StepUpAction } from "@/lib/step-up/policy";
import {
  EVERY_PROOF_FACTS,
  PROOF_FACTS_COLUMNS,
  PROOF_METHODS,
  requiredSteps,
  type ProofFacts,
  type ProofSpend,
} from "@/lib/step-up/proofs";
import { AppError, type ErrorCode } from "@/shared/errors";
import { isUuid } from "@/shared/format";
import type { ProofKind, ProofValues, StepUpProof } from "@/shared/step-up";

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
 * A right proof costs two statements: the lock with the counted try, and one that spends and grants.
 */
export async function verifyProofs(
  tx: Tx,
  context: RequestContext,
  expected: ExpectedChange,
  proof: StepUpProof,
  grantUse: GrantUse,
): Promise<AppError | null> {
  const userId = context.session.user.id;
  const sent = proof.proofs;
  const { account, challenge, attempt } = await lockAndCount(tx, context, expected, proof);
  if (!challenge) return new AppError("CODE_INVALID");
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
  const steps = requiredSteps(account.facts, challenge.action);
  const given = proofsGiven(steps, sent);
  const missing = given.findIndex((kind) => kind === undefined);
  // Nothing compared, nothing counted: the modal asks for what is missing.
  if (missing >= 0) return new AppError(PROOF_METHODS[steps[missing]?.[0] ?? "email_code"].refusals.missing);

  if (!attempt) {
    const reason = await whyNotCounted(tx, challenge.id);
    await audit({
      type: reason === "CODE_EXPIRED" ? "step_up.expired" : "step_up.verify_failed",
      outcome: reason === "TOO_MANY_ATTEMPTS" ? "BLOCKED" : "FAILURE",
      reason: reason.toLowerCase(),
    });
    return new AppError(reason);
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
  await spendAndGrant(tx, context, { challenge, spends, verified, grantUse, endFailures: account.hasFailures });
  return null;
}

/** For each step, the kind sent for it; undefined when none of its kinds was sent. */
function proofsGiven(steps: ProofKind[][], sent: ProofValues): (ProofKind | undefined)[] {
  return steps.map((step) => step.find((kind) => sent[kind] !== undefined));
}

type ChallengeRow = Omit<OwnChallenge, "action" | "details"> & { action: string; details: unknown };
type CheckStart = {
  account: { lockedFor: number | null; facts: ProofFacts; hasFailures: boolean };
  /** The challenge, when it is this session's, not cancelled, and was asked for exactly this change. */
  challenge: OwnChallenge | null;
  /** The try, when it was counted; with the hash of the challenge's live emailed code for the comparison in memory. */
  attempt: { attemptsLeft: number; liveCode: { id: string; codeHash: string } | null } | null;
};

/**
 * One statement: holds the account's row until the transaction ends, so one account's proofs are
 * checked one at a time, and under that lock counts the challenge's try with one conditional UPDATE
 * before anything is compared, but only where nothing refuses it first: the challenge is this
 * session's, for this change, open, with tries left, the account is not locked, and the proofs
 * sent answer every step. Which steps there are depends on the account's state, read by this same
 * statement, so that last condition is decided in memory for every state the account could be in.
 * Only the account's row is re-read after waiting for the lock: the UPDATE re-checks the
 * challenge's own row, and the code's hash is read only with a counted try.
 */
async function lockAndCount(tx: Tx, context: RequestContext, expected: ExpectedChange, proof: StepUpProof): Promise<CheckStart> {
  const { session } = context;
  const answerable = EVERY_PROOF_FACTS.filter(
    (facts) => !proofsGiven(requiredSteps(facts, expected.action), proof.proofs).includes(undefined),
  );
  const rows = await tx.$queryRaw<
    (ProofFacts & {
      lockedFor: number | null;
      hasFailures: boolean;
      challenge: ChallengeRow | null;
      attempts: number | null;
      max_attempts: number | null;
      code_id: string | null;
      code_hash: string | null;
    })[]
  >`${preparedStatement("step-up-lock-and-count")}
    WITH account AS (
      SELECT ${LOCKED_FOR_COLUMN}, ${PROOF_FACTS_COLUMNS}, u.step_up_failures > 0 OR u.step_up_lockouts > 0 AS "hasFailures"
      FROM users u WHERE u.id = ${session.user.id}::uuid
      FOR UPDATE),
    challenge AS (
      SELECT id, action, payload_hash AS "payloadHash", description, details, code_id AS "codeId" FROM step_up_challenges
      WHERE id = ${isUuid(proof.challengeId) ? proof.challengeId : null}::uuid AND user_id = ${session.user.id}::uuid
        AND session_id = ${session.id}::uuid AND cancelled_at IS NULL AND action = ${expected.action} AND payload_hash = ${expected.payloadHash}),
    counted AS (
      UPDATE step_up_challenges c SET attempts = c.attempts + 1
      FROM account, challenge
      WHERE c.id = challenge.id AND account."lockedFor" IS NULL
        AND (account."twoFactorOn", account."hasPasskeys") IN (
          SELECT * FROM unnest(${answerable.map((facts) => facts.twoFactorOn)}::boolean[], ${answerable.map((facts) => facts.hasPasskeys)}::boolean[]))
        AND c.cancelled_at IS NULL AND c.verified_at IS NULL AND c.expires_at > now() AND c.attempts < c.max_attempts
      RETURNING c.attempts, c.max_attempts, c.code_id)
    SELECT account.*, (SELECT to_jsonb(challenge) FROM challenge) AS challenge, counted.attempts, counted.max_attempts,
      code.id AS code_id, code.code_hash
    FROM account
    LEFT JOIN counted ON true
    LEFT JOIN one_time_codes code
      ON code.id = counted.code_id AND code.purpose = 'STEP_UP' AND code.consumed_at IS NULL AND code.expires_at > now()`;
  const row = rows[0];
  if (!row)
    return {
      account: { lockedFor: null, facts: { twoFactorOn: false, hasPasskeys: false }, hasFailures: false },
      challenge: null,
      attempt: null,
    };
  const { lockedFor, twoFactorOn, hasPasskeys, hasFailures } = row;
  const liveCode = row.code_id && row.code_hash ? { id: row.code_id, codeHash: row.code_hash } : null;
  return {
    account: { lockedFor, facts: { twoFactorOn, hasPasskeys }, hasFailures },
    challenge: row.challenge ? asOwnChallenge(row.challenge) : null,
    attempt: row.attempts !== null && row.max_attempts !== null ? { attemptsLeft: row.max_attempts - row.attempts, liveCode } : null,
  };
}

/** Why a try that nothing else refused was not counted, read afresh. Used, cancelled and unknown challenges all look the same. */
async function whyNotCounted(tx: Tx, challengeId: string): Promise<"CODE_INVALID" | "CODE_EXPIRED" | "TOO_MANY_ATTEMPTS"> {
  const state = await tx.$queryRaw<{ exhausted: boolean; open: boolean }[]>`
    SELECT attempts >= max_attempts AS exhausted, cancelled_at IS NULL AND verified_at IS NULL AS open
    FROM step_up_challenges WHERE id = ${challengeId}::uuid`;
  const challenge = state[0];
  if (!challenge?.open) return "CODE_INVALID";
  if (challenge.exhausted) return "TOO_MANY_ATTEMPTS";
  return "CODE_EXPIRED";
}

/**
 * Every step was right: in one statement the challenge is marked proven, each proof's claim (and
 * what follows it) is made, the grant minted, the account's run of failures ended (when there is
 * one) and the audit rows written. A proof lost to a concurrent use throws, rolling everything back.
 */
async function spendAndGrant(
  tx: Tx,
  context: RequestContext,
  success: { challenge: OwnChallenge; spends: ProofSpend[]; verified: AuditEventInput; grantUse: GrantUse; endFailures: boolean },
): Promise<void> {
  const { challenge, spends, verified, grantUse } = success;
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
    ...(success.endFailures ? [Prisma.sql`cleared AS (${clearFailuresStatement(context.session.user.id)})`] : []),
    Prisma.sql`audited AS (${recordAuditEventsStatement(
      grantUse === "with_change" ? [verified, grantUsedEvent(context, challenge.action, grantId)] : [verified],
    )})`,
  ];
  const counts = [proven, ...claims.map((_, index) => claimName(index))].map((name) => Prisma.sql`(SELECT count(*) FROM ${name})::int`);
  const statement = Prisma.sql`WITH ${Prisma.join(parts, ",\n")} SELECT ARRAY[${Prisma.join(counts)}] AS counts`;
  // Its text depends only on which proofs were spent and how, a handful of shapes: each is planned once per connection.
  const shape = sha256Hex(statement.sql).slice(0, 16);
  const rows = await tx.$queryRaw<{ counts: number[] }[]>`${preparedStatement(`step-up-finish-${shape}`)}${statement}`;
  const [provenCount, ...claimed] = rows[0]?.counts ?? [];
  // Cannot happen: the try counted above holds the challenge's row until the transaction ends.
  if (provenCount !== 1) throw new AppError("CODE_INVALID");
  const lost = claims.find((_, index) => claimed[index] !== 1);
  if (lost) throw lost.lost();
}
