"use server";

import { requestTranslator } from "@/i18n/translator";
import { cancelEmailChange, confirmEmailChange, requestEmailChange } from "@/lib/account/change-email";
import { changePassword } from "@/lib/account/change-password";
import { deleteAccount } from "@/lib/account/delete-account";
import { reportEmailChange } from "@/lib/account/report-email-change";
import { signOut } from "@/lib/auth/next-auth";
import { authedAction, publicAction } from "@/lib/http/action";
import {
  changePasswordSchema,
  confirmEmailChangeSchema,
  deleteAccountSchema,
  reportEmailChangeSchema,
  requestEmailChangeSchema,
} from "@/shared/account";
import { emptySchema } from "@/shared/auth";

const SECURITY_PAGE = { revalidate: ["/settings/security"] };

export const requestEmailChangeAction = authedAction(
  requestEmailChangeSchema,
  async (input, context) => {
    const pending = await requestEmailChange(context, input);
    return {
      ok: true,
      message: (await requestTranslator("actions"))("account.emailCodeSent", { email: pending.newEmail }),
      data: pending,
    };
  },
  SECURITY_PAGE,
);

export const confirmEmailChangeAction = authedAction(
  confirmEmailChangeSchema,
  async (input, context) => {
    const { email } = await confirmEmailChange(context, input);
    return { ok: true, message: (await requestTranslator("actions"))("account.emailChanged", { email }) };
  },
  // The address shows in the settings navigation and on every settings page.
  { revalidate: ["/settings:layout"] },
);

export const cancelEmailChangeAction = authedAction(
  emptySchema,
  async (_input, context) => {
    await cancelEmailChange(context);
    return { ok: true };
  },
  SECURITY_PAGE,
);

export const changePasswordAction = authedAction(
  changePasswordSchema,
  async (input, context) => {
    const { signedOut } = await changePassword(context, input);
    return { ok: true, message: (await requestTranslator("actions"))("account.passwordChanged", { signedOut }) };
  },
  SECURITY_PAGE,
);

/** "This wasn't me" from the old address: the emailed link's token is the only proof needed, so signed-out visitors can use it. */
export const reportEmailChangeAction = publicAction(reportEmailChangeSchema, async ({ token }, { meta }) => {
  const reported = await reportEmailChange(token, meta);
  if (reported) return { ok: true, data: reported };
  return { ok: false, code: "NOT_FOUND", message: (await requestTranslator("actions"))("linkExpired") };
});

/**
 * The account is gone once this returns: the session cookie is cleared here, and the browser goes
 * to ACCOUNT_DELETED_PATH itself (a redirect would reach the code modal as a failed request).
 */
export const deleteAccountAction = authedAction(deleteAccountSchema, async (input, context) => {
  await deleteAccount(context, input);
  await signOut({ redirect: false });
  return { ok: true, message: (await requestTranslator("actions"))("account.deleted") };
});
