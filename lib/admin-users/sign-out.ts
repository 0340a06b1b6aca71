import "server-only";
import { actOnUser, findTarget, recordUserEvent, UNCHANGED, type AdminUserOutcome } from "@/lib/admin-users/act";
import { notifyAccountChange } from "@/lib/email/account-notice";
import type { RequestContext } from "@/lib/http/context";
import { signOutEverywhere } from "@/lib/sessions/lifecycle";

/** Every browser of the account signed out (refused on its next request), pending sign-ins and step-up ended. */
export async function signOutUserEverywhere(
  context: RequestContext,
  userId: string,
): Promise<AdminUserOutcome<{ sessions: number; pendingSignIns: number }>> {
  const target = await findTarget(context, userId);
  return actOnUser(
    context,
    target,
    { action: "admin.user.sign_out", payload: { userId: target.id, email: target.email } },
    async (tx, user) => {
      const pendingSignIns = await tx.signInChallenge.count({
        where: { userId: user.id, consumedAt: null, expiresAt: { gt: new Date() } },
      });
      const sessions = await signOutEverywhere(tx, user.id);
      if (sessions === 0 && pendingSignIns === 0) return UNCHANGED;
      await recordUserEvent(tx, context, "admin.user_signed_out", user.id, { metadata: { sessions, pendingSignIns } });
      await notifyAccountChange(tx, context, {
        to: user.email,
        recipient: { userId: user.id },
        notice: "signedOutByAdmin",
        facts: { sessions },
      });
      return { changed: true, sessions, pendingSignIns };
    },
  );
}
