"use server";

import type { Translate } from "@/i18n/translate";
import { requestTranslator } from "@/i18n/translator";
import { changeUserEmail } from "@/lib/admin-users/change-email";
import { clearUserLocks } from "@/lib/admin-users/clear-locks";
import { disableUser, enableUser } from "@/lib/admin-users/disable";
import { resetUserTwoFactor } from "@/lib/admin-users/reset-two-factor";
import { revokeAllUserTokens } from "@/lib/admin-users/revoke-tokens";
import { signOutUserEverywhere } from "@/lib/admin-users/sign-out";
import { adminAction } from "@/lib/http/action";
import type { ActionState } from "@/shared/action-state";
import { adminChangeUserEmailSchema, adminUserSchema, adminUserWithReasonSchema } from "@/shared/admin-users";

// The list and every account page below it show what these change.
const USER_PAGES = { revalidate: ["/admin/users:layout"] };

/** What this admin's action did, or that there was nothing left to do (e.g. another admin was first): both succeed. */
async function said(...message: Parameters<Translate<"actions">>): Promise<ActionState> {
  const t = await requestTranslator("actions");
  return { ok: true, message: t(...message) };
}

export const adminSignOutUserAction = adminAction(
  "admin.users.sign_out",
  adminUserSchema,
  async ({ userId }, context) => {
    const outcome = await signOutUserEverywhere(context, userId);
    if (!outcome.changed) return said("adminUsers.noSessions");
    if (!outcome.pendingSignIns) return said("adminUsers.signedOut", { sessions: outcome.sessions });
    return said("adminUsers.signedOutWithPending", { sessions: outcome.sessions, pending: outcome.pendingSignIns });
  },
  USER_PAGES,
);

export const adminRevokeUserTokensAction = adminAction(
  "admin.users.revoke_tokens",
  adminUserSchema,
  async ({ userId }, context) => {
    const outcome = await revokeAllUserTokens(context, userId);
    return outcome.changed ? said("adminUsers.tokensRevoked", { count: outcome.tokens }) : said("adminUsers.noTokens");
  },
  USER_PAGES,
);

export const adminClearUserLocksAction = adminAction(
  "admin.users.clear_locks",
  adminUserSchema,
  async ({ userId }, context) => {
    const outcome = await clearUserLocks(context, userId);
    return said(outcome.changed ? "adminUsers.locksCleared" : "adminUsers.noLocks");
  },
  USER_PAGES,
);

export const adminResetUserTwoFactorAction = adminAction(
  "admin.users.reset_two_factor",
  adminUserWithReasonSchema,
  async ({ userId, reason }, context) => {
    const outcome = await resetUserTwoFactor(context, userId, reason);
    return said(outcome.changed ? "adminUsers.twoFactorReset" : "adminUsers.twoFactorAlreadyOff");
  },
  USER_PAGES,
);

export const adminDisableUserAction = adminAction(
  "admin.users.disable",
  adminUserWithReasonSchema,
  async ({ userId, reason }, context) => {
    const outcome = await disableUser(context, userId, reason);
    return said(outcome.changed ? "adminUsers.disabled" : "adminUsers.alreadyDisabled");
  },
  USER_PAGES,
);

export const adminEnableUserAction = adminAction(
  "admin.users.enable",
  adminUserSchema,
  async ({ userId }, context) => {
    const outcome = await enableUser(context, userId);
    return said(outcome.changed ? "adminUsers.enabled" : "adminUsers.alreadyEnabled");
  },
  USER_PAGES,
);

export const adminChangeUserEmailAction = adminAction(
  "admin.users.change_email",
  adminChangeUserEmailSchema,
  async (input, context) => {
    const outcome = await changeUserEmail(context, input);
    return outcome.changed ? said("adminUsers.emailChanged", { email: outcome.email }) : said("adminUsers.emailChangedFirst");
  },
  USER_PAGES,
);
