"use server";

import { changeUserEmail } from "@/lib/admin-users/change-email";
import { clearUserLocks } from "@/lib/admin-users/clear-locks";
import { disableUser, enableUser } from "@/lib/admin-users/disable";
import { resetUserTwoFactor } from "@/lib/admin-users/reset-two-factor";
import { revokeAllUserTokens } from "@/lib/admin-users/revoke-tokens";
import { signOutUserEverywhere } from "@/lib/admin-users/sign-out";
import { adminAction } from "@/lib/http/action";
import { adminChangeUserEmailSchema, adminUserSchema, adminUserWithReasonSchema } from "@/shared/admin-users";

// The list and every account page below it show what these change.
const USER_PAGES = { revalidate: ["/admin/users:layout"] };

/** What this admin's action did, or that there was nothing left to do (e.g. another admin was first): both succeed. */
const said = (message: string) => ({ ok: true, message });
const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? "" : "s"}`;

export const adminSignOutUserAction = adminAction(
  "admin.users.sign_out",
  adminUserSchema,
  async ({ userId }, context) => {
    const outcome = await signOutUserEverywhere(context, userId);
    if (!outcome.changed) return said("There were no sessions to sign out.");
    const pending = outcome.pendingSignIns ? ` and ended ${plural(outcome.pendingSignIns, "sign-in")} waiting for a second factor` : "";
    return said(`Signed out ${plural(outcome.sessions, "session")}${pending}. The owner was told.`);
  },
  USER_PAGES,
);

export const adminRevokeUserTokensAction = adminAction(
  "admin.users.revoke_tokens",
  adminUserSchema,
  async ({ userId }, context) => {
    const outcome = await revokeAllUserTokens(context, userId);
    return said(
      outcome.changed
        ? `${plural(outcome.tokens, "token")} revoked. They stopped working immediately, and the owner was told.`
        : "There were no active tokens to revoke.",
    );
  },
  USER_PAGES,
);

export const adminClearUserLocksAction = adminAction(
  "admin.users.clear_locks",
  adminUserSchema,
  async ({ userId }, context) => {
    const outcome = await clearUserLocks(context, userId);
    return said(outcome.changed ? "Locks cleared. The owner was told." : "There were no locks or failed attempts to clear.");
  },
  USER_PAGES,
);

export const adminResetUserTwoFactorAction = adminAction(
  "admin.users.reset_two_factor",
  adminUserWithReasonSchema,
  async ({ userId, reason }, context) => {
    const outcome = await resetUserTwoFactor(context, userId, reason);
    return said(
      outcome.changed
        ? "Two-step verification was reset. The owner was told to set it up again."
        : "Two-step verification was already off, with nothing left to remove.",
    );
  },
  USER_PAGES,
);

export const adminDisableUserAction = adminAction(
  "admin.users.disable",
  adminUserWithReasonSchema,
  async ({ userId, reason }, context) => {
    const outcome = await disableUser(context, userId, reason);
    return said(outcome.changed ? "Account disabled and signed out everywhere. The owner was told." : "The account was already disabled.");
  },
  USER_PAGES,
);

export const adminEnableUserAction = adminAction(
  "admin.users.enable",
  adminUserSchema,
  async ({ userId }, context) => {
    const outcome = await enableUser(context, userId);
    return said(outcome.changed ? "Account re-enabled. The owner was told." : "The account was already enabled.");
  },
  USER_PAGES,
);

export const adminChangeUserEmailAction = adminAction(
  "admin.users.change_email",
  adminChangeUserEmailSchema,
  async (input, context) => {
    const outcome = await changeUserEmail(context, input);
    return said(
      outcome.changed
        ? `The account's address is now ${outcome.email}. It was signed out everywhere, and both addresses were told.`
        : "Another administrator changed this account's address first; nothing was changed.",
    );
  },
  USER_PAGES,
);
