import "server-only";
import { recordAuditEvent } from "@/lib/audit/record";
import type { Tx } from "@/lib/db";
import { queueSecurityNotice } from "@/lib/email/account-notice";
import type { ProofMethod } from "@/lib/step-up/proofs";
import { countRecoveryCodesLeft, findUnusedRecoveryCode, markRecoveryCodeUsed } from "@/lib/two-factor/recovery-codes";
import { matchTotpStep, recordTotpStep } from "@/lib/two-factor/totp";

/** A second factor is there to be asked for only while two-step verification is on. */
async function twoFactorOn(client: Tx, userId: string): Promise<boolean> {
  const user = await client.user.findUnique({ where: { id: userId }, select: { twoFactorEnabledAt: true } });
  return Boolean(user?.twoFactorEnabledAt);
}

const SECOND_FACTOR_REFUSALS = { missing: "SECOND_FACTOR_REQUIRED", wrong: "SECOND_FACTOR_INVALID" } as const;

/** A code from the authenticator app: each time step accepted once. */
export const authenticator: ProofMethod = {
  available: twoFactorOn,
  async verify(tx, { context, value }) {
    const userId = context.session.user.id;
    const step = await matchTotpStep(tx, userId, value);
    if (!step) return null;
    return async () => {
      // Cannot fail under the account's lock: the step was unused when it was matched.
      if (!(await recordTotpStep(tx, userId, step))) throw new Error("authenticator step used twice under one lock");
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
    return async () => {
      await markRecoveryCodeUsed(tx, codeId);
      const left = await countRecoveryCodesLeft(user.id, tx);
      await recordAuditEvent(tx, {
        type: "recovery_code.used",
        actor: user,
        reason: challenge.description,
        meta: context.meta,
        metadata: { left },
      });
      await queueSecurityNotice(tx, user.email, context.meta, {
        title: "A recovery code was used",
        summary: `One of your recovery codes was used to ${challenge.description}. ${left} ${left === 1 ? "code is" : "codes are"} left; each works once.`,
      });
    };
  },
  refusals: SECOND_FACTOR_REFUSALS,
};
