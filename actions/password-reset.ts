"use server";

import { redirect } from "next/navigation";
import { requestTranslator } from "@/i18n/translator";
import { failure, publicAction } from "@/lib/http/action";
import { resetPassword } from "@/lib/password-reset/complete";
import { pendingResetCookie } from "@/lib/password-reset/cookie";
import { reportPasswordReset } from "@/lib/password-reset/report";
import { requestPasswordReset, resendPasswordReset } from "@/lib/password-reset/request";
import { emptySchema } from "@/shared/auth";
import { AppError } from "@/shared/errors";
import { forgotPasswordSchema, reportPasswordResetSchema, resetPasswordSchema } from "@/shared/password-reset";

export const forgotPasswordAction = publicAction(forgotPasswordSchema, async ({ email }, { meta }) => {
  const pending = await requestPasswordReset(email, meta);
  await pendingResetCookie.set({ id: pending.resetId, email, resendAvailableAt: pending.resendAvailableAt.toISOString() });
  redirect("/reset-password");
});

export const resendPasswordResetAction = publicAction(emptySchema, async (_input, { meta }) => {
  const pending = await pendingResetCookie.read();
  if (!pending) throw new AppError("CODE_EXPIRED");
  const { resendAvailableAt } = await resendPasswordReset(pending.id, meta);
  await pendingResetCookie.set({ ...pending, resendAvailableAt: resendAvailableAt.toISOString() });
  return {
    ok: true,
    message: (await requestTranslator("actions"))("passwordReset.resent"),
    data: { resendAvailableAt: resendAvailableAt.toISOString() },
  };
});

export const resetPasswordAction = publicAction(resetPasswordSchema, async (input, { meta }) => {
  try {
    await resetPassword(input, meta);
  } catch (error) {
    // The page may offer the account's passkeys as the second proof.
    if (error instanceof AppError && error.code === "SECOND_FACTOR_REQUIRED" && error.details.passkeyOptions)
      return { ...(await failure(new AppError(error.code))), data: { passkeyOptions: error.details.passkeyOptions } };
    throw error;
  }
  await pendingResetCookie.clear();
  redirect("/login?reset=1");
});

export const reportPasswordResetAction = publicAction(reportPasswordResetSchema, async ({ token }, { meta }) => {
  const reported = await reportPasswordReset(token, meta);
  if (reported) return { ok: true, data: reported };
  return { ok: false, code: "NOT_FOUND", message: (await requestTranslator("actions"))("linkExpired") };
});
