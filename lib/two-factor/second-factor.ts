import "server-only";
import { recordAuditEvent } from "@/lib/audit/record";
import type { Tx } from "@/lib/db";
import { queueSecurityNotice } from "@/lib/email/account-notice";
import type { RequestMeta } from "@/lib/http/request-meta";
import { countRecoveryCodesLeft, spendRecoveryCode } from "@/lib/two-factor/recovery-codes";
import { acceptTotp } from "@/lib/two-factor/totp";
import type { SecondFactorProof } from "@/shared/two-factor";

/**
 * The second proof, for signing in and for high-risk step-up: an authenticator code (each
 * time step once) or a recovery code (spent, announced and audited in this transaction).
 */
export async function acceptSecondFactor(
  tx: Tx,
  actor: { user: { id: string; email: string }; meta: RequestMeta; purpose: string },
  proof: SecondFactorProof,
): Promise<boolean> {
  const { user, meta } = actor;
  if (proof.method === "totp") return acceptTotp(tx, user.id, proof.code);
  if (!(await spendRecoveryCode(tx, user.id, proof.code))) return false;
  await announceRecoveryCodeUse(tx, user, meta, actor.purpose);
  return true;
}

/** A spent recovery code is audited, with how many are left, and announced to the account's address. */
export async function announceRecoveryCodeUse(
  tx: Tx,
  user: { id: string; email: string },
  meta: RequestMeta,
  purpose: string,
): Promise<void> {
  const left = await countRecoveryCodesLeft(user.id, tx);
  await recordAuditEvent(tx, { type: "recovery_code.used", actor: user, reason: purpose, meta, metadata: { left } });
  await queueSecurityNotice(
    tx,
    user.email,
    meta,
    { notice: "recoveryCodeUsed", values: { purpose: { action: purpose }, left } },
    { userId: user.id },
  );
}
