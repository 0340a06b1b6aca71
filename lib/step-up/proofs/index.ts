import "server-only";
import { Prisma, type Tx } from "@/lib/db";
import type { RequestContext } from "@/lib/http/context";
import { STEP_UP_POLICY, type StepUpAction } from "@/lib/step-up/policy";
import { emailCode } from "@/lib/step-up/proofs/email-code";
import { passkey } from "@/lib/step-up/proofs/passkey";
import { authenticator, recoveryCode } from "@/lib/step-up/proofs/second-factor";
import type { ErrorCode } from "@/shared/errors";
import type { ProofKind } from "@/shared/step-up";

/** What a proof module sees of the challenge it is a proof for. */
export type ChallengeForProof = { id: string; action: string; description: string; details: Record<string, string>; codeId: string | null };

/** What decides which proofs a user can give right now: read in one statement with the account's row. */
export type ProofFacts = { twoFactorOn: boolean; hasPasskeys: boolean };

/** The columns that read `ProofFacts` from the account's row, aliased `u`. */
export const PROOF_FACTS_COLUMNS = Prisma.sql`u.two_factor_enabled_at IS NOT NULL AS "twoFactorOn",
  EXISTS (SELECT 1 FROM passkeys p WHERE p.user_id = u.id) AS "hasPasskeys"`;

/** Every state an account can be in as far as proofs go: for deciding something before reading which it is in. */
export const EVERY_PROOF_FACTS: ProofFacts[] = [false, true].flatMap((twoFactorOn) =>
  [false, true].map((hasPasskeys) => ({ twoFactorOn, hasPasskeys })),
);

export async function readProofFacts(client: Tx, userId: string): Promise<ProofFacts> {
  const rows = await client.$queryRaw<ProofFacts[]>`SELECT ${PROOF_FACTS_COLUMNS} FROM users u WHERE u.id = ${userId}::uuid`;
  return rows[0] ?? { twoFactorOn: false, hasPasskeys: false };
}

/**
 * One kind of step-up proof. The pipeline (lib/step-up/verify.ts) calls these in the policy's
 * order, inside the change's transaction and under the account's row lock, after the challenge's
 * attempt was counted: so a module only has to say whether the value is right, and how to spend it
 * once every step has been proven.
 */
export type ProofMethod = {
  /** Whether this user can give this proof now (read at every check: turning 2FA on raises the bar at once). */
  available: (facts: ProofFacts) => boolean;
  /** Offered in a step only beside another kind the user has: it never makes a step required on its own. */
  alternativeOnly?: true;
  /** Sets the proof up when a challenge starts (e.g. reserves a send from the hourly budget); may refuse. */
  prepare?: (start: ProofStart) => Promise<PreparedProof>;
  /** Compares `value`; when right, returns how to spend it, done only if every other step is right too. */
  verify: (tx: Tx, attempt: ProofAttempt) => Promise<ProofSpend | null>;
  /** What a missing or a wrong proof of this kind is answered with. */
  refusals: { missing: ErrorCode; wrong: ErrorCode };
};

/**
 * How a right proof is used up. Preferably as parts of the check's one finishing statement: `claim`,
 * a conditional `UPDATE … RETURNING` that returns a row for exactly one caller, and `follow`, writes
 * that go with it (given the claim's name in the statement, to depend on it); a claim that returns
 * nothing was beaten by a concurrent use, and `lost` is thrown, rolling the change back. Otherwise
 * `run`, in the same transaction just before that statement.
 */
export type ProofSpend =
  { claim: Prisma.Sql; follow?: (claimed: Prisma.Sql) => Prisma.Sql; lost: () => Error } | { run: () => Promise<void> };

/** The rest of starting a prepared proof: in the challenge's transaction, once it has committed, or undone. */
export type PreparedProof = {
  store: (tx: Tx) => Promise<void>;
  deliver: () => Promise<void>;
  release: () => Promise<void>;
};

type ProofStart = { challenge: ChallengeForProof; context: RequestContext; cancelToken: string };
type ProofAttempt = {
  challenge: ChallengeForProof;
  value: string;
  context: RequestContext;
  /** The challenge's emailed code as it stood when the try was counted; null when none is live. */
  liveCode: { id: string; codeHash: string } | null;
};

/** Every kind of proof. A new kind is one module here, its value schema in shared/step-up.ts and policy entries. */
export const PROOF_METHODS: Record<ProofKind, ProofMethod> = {
  email_code: emailCode,
  authenticator,
  recovery_code: recoveryCode,
  passkey,
};

/**
 * The policy's steps that this user can give right now, each with the kinds available to them: a
 * step none of whose kinds the user has (a second factor without 2FA) is left out. Read at every
 * check, never stored: turning 2FA on mid-challenge raises the bar at once.
 */
export function requiredSteps(facts: ProofFacts, action: StepUpAction): ProofKind[][] {
  const steps: ProofKind[][] = [];
  for (const step of STEP_UP_POLICY[action].steps) {
    const available = step.filter((kind) => PROOF_METHODS[kind].available(facts));
    if (available.some((kind) => !PROOF_METHODS[kind].alternativeOnly)) steps.push(available);
  }
  return steps;
}

/**
 * The kinds to set up when a challenge starts. A step the user can do with a passkey sends no
 * email: the code for it is sent only when they ask for it ("Email me a code instead").
 */
export function kindsToPrepare(steps: ProofKind[][]): ProofKind[] {
  return [...new Set(steps.flatMap((step) => (step.includes("passkey") ? step.filter((kind) => kind !== "email_code") : step)))];
}
