import "server-only";
import type { ProofFacts, ProofMethod } from "@/lib/step-up/proofs";
import { findUnusedRecoveryCode, markRecoveryCodeUsed } from "@/lib/two-factor/recovery-codes";
import { announceRecoveryCodeUse } from "@/lib/two-factor/second-factor";
import { matchTotpStep, recordTotpStep } from "@/lib/two-factor/totp";

/** A second factor is there to be asked for only while two-step verification is on. */
const twoFactorOn = (facts: ProofFacts) => facts.twoFactorOn;

const SECOND_FACTOR_REFUSALS = { missing: "SECOND_FACTOR_REQUIRED", wrong: "SECOND_FACTOR_INVALID" } as const;

/** A code from the authenticator app: each time step accepted once. */
export const authenticator: ProofMethod = {
  available: twoFactorOn,
  async verify(tx, { context, value }) {
    const userId = context.session.user.id;
    const step = await matchTotpStep(tx, userId, value);
    if (!step) return null;
    return {
      async run() {
        // Cannot fail under the account's lock: the step was unused when it was matched.
        if (!(await recordTotpStep(tx, userId, step))) throw new Error("authenticator step used twice under one lock");
      },
    };
  },
  refusals: SECOND_FACTOR_REFUSALS,
};

/** One of the recovery codes: spent, audited and announced in the change's transaction. */
export const recoveryCode: ProofMethod = {
  available: twoFactorOn,
  async verify(tx, { context, value, challenge }) {
    const { user } = context.session;
    const codeId = await findUnusedRecoveryCode(tx, user.id, value);
    if (!codeId) return null;
    return {
      async run() {
        if (!(await markRecoveryCodeUsed(tx, codeId))) throw new Error("recovery code spent twice under one lock");
        await announceRecoveryCodeUse(tx, user, context.meta, challenge.description);
      },
    };
  },
  refusals: SECOND_FACTOR_REFUSALS,
};
