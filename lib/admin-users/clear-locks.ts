import "server-only";
import { actOnUser, findTarget, recordUserEvent, UNCHANGED, type AdminUserOutcome } from "@/lib/admin-users/act";
import { readSignInLocks } from "@/lib/admin-users/summary";
import { secondFactorAccountKey, signInAccountKey } from "@/lib/auth/sign-in-limits";
import { notifyAccountChange } from "@/lib/email/account-notice";
import type { RequestContext } from "@/lib/http/context";

/**
 * The account can sign in and step up again at once: its password and second-factor counters are
 * gone, and step-up's run of failures, lock and the doubling of the next lock are reset.
 */
export async function clearUserLocks(context: RequestContext, userId: string): Promise<AdminUserOutcome> {
  const target = await findTarget(context, userId);
  return actOnUser(
    context,
    target,
    { action: "admin.user.clear_locks", payload: { userId: target.id, email: target.email } },
    async (tx, user) => {
      const signIn = (await readSignInLocks(tx, [user])).get(user.id);
      const stepUp = await tx.user.findUniqueOrThrow({ where: { id: user.id }, select: { stepUpLockedUntil: true, stepUpFailures: true } });
      const counters = await tx.rateLimit.deleteMany({
        where: { key: { in: [signInAccountKey(user.email), secondFactorAccountKey(user.id)] } },
      });
      const reset = await tx.user.updateMany({
        where: { id: user.id, OR: [{ stepUpFailures: { gt: 0 } }, { stepUpLockouts: { gt: 0 } }, { stepUpLockedUntil: { not: null } }] },
        data: { stepUpFailures: 0, stepUpLockouts: 0, stepUpLockedUntil: null },
      });
      if (counters.count === 0 && reset.count === 0) return UNCHANGED;
      await recordUserEvent(tx, context, "admin.user_locks_cleared", user.id, {
        metadata: {
          signInLockedUntil: signIn?.signIn?.until ?? null,
          secondFactorLockedUntil: signIn?.secondFactor?.until ?? null,
          stepUpLockedUntil: stepUp.stepUpLockedUntil?.toISOString() ?? null,
          stepUpFailures: stepUp.stepUpFailures,
        },
      });
      await notifyAccountChange(tx, context, { to: user.email, recipient: { userId: user.id }, notice: "locksCleared" });
      return { changed: true };
    },
  );
}
