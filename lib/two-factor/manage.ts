import "server-only";
import { recordAuditEvent } from "@/lib/audit/record";
import { db } from "@/lib/db";
import { notifyAccountChange } from "@/lib/email/account-notice";
import type { RequestContext } from "@/lib/http/context";
import { withStepUp } from "@/lib/step-up/with-step-up";
import { assertTwoFactor } from "@/lib/two-factor/enrolment";
import { countRecoveryCodesLeft, RECOVERY_CODES, replaceRecoveryCodes } from "@/lib/two-factor/recovery-codes";
import { AppError } from "@/shared/errors";
import type { TwoFactorStatus } from "@/shared/two-factor";

export async function getTwoFactorStatus(userId: string): Promise<TwoFactorStatus> {
  const user = await db.user.findUniqueOrThrow({ where: { id: userId }, select: { twoFactorEnabledAt: true } });
  return {
    enabled: Boolean(user.twoFactorEnabledAt),
    enabledAt: user.twoFactorEnabledAt?.toISOString() ?? null,
    recoveryCodesLeft: user.twoFactorEnabledAt ? await countRecoveryCodesLeft(userId) : 0,
    warnAt: RECOVERY_CODES.warnAt,
  };
}

/** Behind step-up with both proofs (email code + authenticator or recovery code), single use. */
export async function disableTwoFactor(context: RequestContext): Promise<void> {
  const { session, meta } = context;
  await assertTwoFactor(session.user.id, true);
  await withStepUp(context, "two_factor.disable", {}, async (tx) => {
    const disabled = await tx.user.updateMany({
      where: { id: session.user.id, twoFactorEnabledAt: { not: null } },
      data: { twoFactorSecret: null, twoFactorEnabledAt: null, totpLastStep: null },
    });
    if (disabled.count !== 1) throw new AppError("TWO_FACTOR_OFF");
    await tx.recoveryCode.deleteMany({ where: { userId: session.user.id } });
    await recordAuditEvent(tx, { type: "two_factor.disabled", actor: session.user, target: { type: "user", id: session.user.id }, meta });
    await notifyAccountChange(tx, context, { notice: "twoFactorOff" });
  });
}

/** A new set of 10; the old set stops working in the same transaction. */
export async function regenerateRecoveryCodes(context: RequestContext): Promise<{ recoveryCodes: string[] }> {
  const { session, meta } = context;
  await assertTwoFactor(session.user.id, true);
  return withStepUp(context, "recovery_codes.regenerate", {}, async (tx) => {
    const recoveryCodes = await replaceRecoveryCodes(tx, session.user.id);
    await recordAuditEvent(tx, {
      type: "recovery_codes.regenerated",
      actor: session.user,
      target: { type: "user", id: session.user.id },
      meta,
    });
    await notifyAccountChange(tx, context, { notice: "recoveryCodesRegenerated" });
    return { recoveryCodes };
  });
}
