import "server-only";
import { actOnUser, findTarget, recordUserEvent, UNCHANGED, type AdminUserOutcome } from "@/lib/admin-users/act";
import { db } from "@/lib/db";
import { notifyAccountChange } from "@/lib/email/account-notice";
import type { RequestContext } from "@/lib/http/context";

/**
 * For an owner who lost their authenticator and recovery codes, after the identity checks the
 * reason records: the secret, the recovery codes, the passkeys and any set-up in progress are
 * removed, and the owner is told to set it up again. Never the last active admin's.
 */
export async function resetUserTwoFactor(context: RequestContext, userId: string, reason: string): Promise<AdminUserOutcome> {
  const target = await findTarget(context, userId);
  if (!(await hasTwoFactorState(target.id))) return UNCHANGED;
  return actOnUser(
    context,
    target,
    { action: "admin.user.reset_two_factor", payload: { userId: target.id, email: target.email, reason }, guardLastAdmin: true },
    async (tx, user) => {
      const secret = await tx.user.updateMany({
        where: { id: user.id, OR: [{ twoFactorEnabledAt: { not: null } }, { twoFactorSecret: { not: null } }] },
        data: { twoFactorSecret: null, twoFactorEnabledAt: null, totpLastStep: null },
      });
      const codes = await tx.recoveryCode.deleteMany({ where: { userId: user.id } });
      const enrolment = await tx.twoFactorEnrolment.deleteMany({ where: { userId: user.id } });
      const passkeys = await tx.passkey.deleteMany({ where: { userId: user.id } });
      if (secret.count === 0 && codes.count === 0 && enrolment.count === 0 && passkeys.count === 0) return UNCHANGED;
      await recordUserEvent(tx, context, "admin.user_two_factor_reset", user.id, {
        reason,
        metadata: {
          authenticator: secret.count === 1,
          recoveryCodes: codes.count,
          enrolment: enrolment.count === 1,
          passkeys: passkeys.count,
        },
      });
      await notifyAccountChange(tx, context, { to: user.email, recipient: { userId: user.id }, notice: "twoFactorReset" });
      return { changed: true };
    },
  );
}

async function hasTwoFactorState(userId: string): Promise<boolean> {
  const user = await db.user.findUnique({
    where: { id: userId },
    select: {
      twoFactorEnabledAt: true,
      twoFactorEnrolment: { select: { id: true } },
      _count: { select: { recoveryCodes: true, passkeys: true } },
    },
  });
  return Boolean(user && (user.twoFactorEnabledAt || user.twoFactorEnrolment || user._count.recoveryCodes > 0 || user._count.passkeys > 0));
}
