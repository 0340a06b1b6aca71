import "server-only";
import { actOnUser, findTarget, recordUserEvent, UNCHANGED, type AdminUserOutcome } from "@/lib/admin-users/act";
import { notifyAccountChange } from "@/lib/email/account-notice";
import type { RequestContext } from "@/lib/http/context";
import { voidPasswordResetsFor } from "@/lib/password-reset/void";
import { signOutEverywhere } from "@/lib/sessions/lifecycle";

/**
 * The account stops working at once: signed out everywhere, its waiting password resets void, and
 * from then on refused at sign-in, by the session check and by the bearer API (its tokens are
 * kept, dead while it is disabled). Never the last active admin.
 */
export async function disableUser(
  context: RequestContext,
  userId: string,
  reason: string,
): Promise<AdminUserOutcome<{ sessions: number }>> {
  const target = await findTarget(context, userId);
  if (target.disabledAt) return UNCHANGED;
  return actOnUser(
    context,
    target,
    { action: "admin.user.disable", payload: { userId: target.id, email: target.email, reason }, guardLastAdmin: true },
    async (tx, user) => {
      const disabled = await tx.user.updateMany({
        where: { id: user.id, disabledAt: null, deletedAt: null },
        data: { disabledAt: new Date() },
      });
      if (disabled.count === 0) return UNCHANGED;
      const sessions = await signOutEverywhere(tx, user.id);
      await voidPasswordResetsFor(tx, user.id);
      await recordUserEvent(tx, context, "admin.user_disabled", user.id, { reason, metadata: { sessions } });
      await notifyAccountChange(tx, context, {
        to: user.email,
        recipient: { userId: user.id },
        notice: "accountDisabled",
        closing: "contactAdminMistake",
      });
      return { changed: true, sessions };
    },
  );
}

/** The account can sign in again; its sessions stay ended, its unexpired tokens work again. */
export async function enableUser(context: RequestContext, userId: string): Promise<AdminUserOutcome> {
  const target = await findTarget(context, userId);
  if (!target.disabledAt) return UNCHANGED;
  return actOnUser(
    context,
    target,
    { action: "admin.user.enable", payload: { userId: target.id, email: target.email } },
    async (tx, user) => {
      const enabled = await tx.user.updateMany({
        where: { id: user.id, disabledAt: { not: null }, deletedAt: null },
        data: { disabledAt: null },
      });
      if (enabled.count === 0) return UNCHANGED;
      await recordUserEvent(tx, context, "admin.user_enabled", user.id);
      await notifyAccountChange(tx, context, { to: user.email, recipient: { userId: user.id }, notice: "accountEnabled" });
      return { changed: true };
    },
  );
}
