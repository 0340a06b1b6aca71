import "server-only";
import type { Tx } from "@/lib/db";
import type { RequestContext } from "@/lib/http/context";
import { STEP_UP_POLICY, type StepUpAction } from "@/lib/step-up/policy";
import { emailCode } from "@/lib/step-up/proofs/email-code";
import { passkey } from "@/lib/step-up/proofs/passkey";
import { authenticator, recoveryCode } from "@/lib/step-up/proofs/second-factor";
import type { ErrorCode } from "@/shared/errors";
import type { ProofKind } from "@/shared/step-up";

/** What a proof module sees of the challenge it is a proof for. */
export type ChallengeForProof = { id: string; action: string; description: string; details: Record<string, string>; codeId: string | null };

/**
 * One kind of step-up proof. The pipeline (lib/step-up/verify.ts) calls these in the policy's
 * order, inside the change's transaction and under the account's row lock, after the challenge's
 * attempt was counted: so a module only has to say whether the value is right, and spend it once
 * every step has been proven.
 */
export type ProofMethod = {
  /** Whether this user can give this proof now (read at every check: turning 2FA on raises the bar at once). */
  available: (client: Tx, userId: string) => Promise<boolean>;
  /** Offered in a step only beside another kind the user has: it never makes a step required on its own. */
  alternativeOnly?: true;
  /** Sets the proof up when a challenge starts (e.g. reserves a send from the hourly budget); may refuse. */
  prepare?: (start: ProofStart) => Promise<PreparedProof>;
  /** Compares `value`; when right, returns how to spend it, run only if every other step is right too. */
  verify: (tx: Tx, attempt: ProofAttempt) => Promise<(() => Promise<void>) | null>;
  /** What a missing or a wrong proof of this kind is answered with. */
  refusals: { missing: ErrorCode; wrong: ErrorCode };
};

/** The rest of starting a prepared proof: in the challenge's transaction, once it has committed, or undone. */
export type PreparedProof = {
  store: (tx: Tx) => Promise<void>;
  deliver: () => Promise<void>;
  release: () => Promise<void>;
};

type ProofStart = { challenge: ChallengeForProof; context: RequestContext; cancelToken: string };
type ProofAttempt = { challenge: ChallengeForProof; value: string; context: RequestContext };

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
export async function requiredSteps(client: Tx, userId: string, action: StepUpAction): Promise<ProofKind[][]> {
  const steps: ProofKind[][] = [];
  for (const step of STEP_UP_POLICY[action].steps) {
    const available: ProofKind[] = [];
    for (const kind of step) if (await PROOF_METHODS[kind].available(client, userId)) available.push(kind);
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
