"use server";

import { redirect } from "next/navigation";
import { publicAction } from "@/lib/actions/action";
import { clearPendingSignUpCookie, readPendingSignUpCookie, setPendingSignUpCookie } from "@/lib/auth/pending-sign-up-cookie";
import { resendSignUpCode, verifySignUp } from "@/lib/auth/sign-up";
import { AppError } from "@/lib/errors";
import { emptySchema, verifyEmailSchema } from "@/lib/validation/auth";

export const verifyEmailAction = publicAction(verifyEmailSchema, async ({ code }, { meta }) => {
  const pending = await readPendingSignUpCookie();
  if (!pending) throw new AppError("CODE_INVALID");
  await verifySignUp({ requestId: pending.id, code }, meta);
  await clearPendingSignUpCookie();
  redirect("/login?verified=1");
});

export const resendVerificationCodeAction = publicAction(emptySchema, async (_input, { meta }) => {
  const pending = await readPendingSignUpCookie();
  if (!pending) throw new AppError("CODE_INVALID");
  const { resendAvailableAt } = await resendSignUpCode(pending.id, meta);
  await setPendingSignUpCookie({ ...pending, resendAvailableAt: resendAvailableAt.toISOString() });
  return {
    ok: true,
    message: "We sent a new code. The previous one no longer works.",
    data: { resendAvailableAt: resendAvailableAt.toISOString() },
  };
});
