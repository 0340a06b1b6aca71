import "server-only";
import { recordAuditEvent } from "@/lib/audit/record";
import { db, jsonTime, Prisma } from "@/lib/db";
import { notifyAccountChange } from "@/lib/email/account-notice";
import type { RequestContext } from "@/lib/http/context";
import { withStepUp } from "@/lib/step-up/with-step-up";
import { assertTwoFactor } from "@/lib/two-factor/enrolment";
import { RECOVERY_CODES, replaceRecoveryCodes } from "@/lib/two-factor/recovery-codes";
import { AppError } from "@/shared/errors";
import type { TwoFactorStatus } from "@/shared/two-factor";

export type TwoFactorJson = { enabledAt: string | null; recoveryCodesLeft: number };

/** Whether two-step verification is on and how many recovery codes are left, as a JSON scalar subquery. */
export function twoFactorJson(userId: string): Prisma.Sql {
  return Prisma.sql`(SELECT json_build_object('enabledAt', u.two_factor_enabled_at, 'recoveryCodesLeft',
      CASE WHEN u.two_factor_enabled_at IS NULL THEN 0
           ELSE (SELECT count(*) FROM recovery_codes r WHERE r.user_id = u.id AND r.used_at IS NULL) END)
    FROM users u WHERE u.id = ${userId}::uuid)`;
}

export async function getTwoFactorStatus(userId: string): Promise<TwoFactorStatus> {
  const [row] = await db.$queryRaw<[{ status: TwoFactorJson | null }]>`SELECT ${twoFactorJson(userId)} AS status`;
  if (!row.status) throw new AppError("NOT_FOUND");
  return twoFactorFromJson(row.status);
}

export function twoFactorFromJson({ enabledAt, recoveryCodesLeft }: TwoFactorJson): TwoFactorStatus {
  return {
    enabled: enabledAt !== null,
    enabledAt: jsonTime(enabledAt)?.toISOString() ?? null,
    recoveryCodesLeft,
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
