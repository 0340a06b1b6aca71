"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { requestTranslator } from "@/i18n/translator";
import { signIn, SignInRefused, signOut } from "@/lib/auth/next-auth";
import { clearPendingSignUpCookie, readPendingSignUpCookie, setPendingSignUpCookie } from "@/lib/auth/pending-sign-up-cookie";
import { clearSecondFactorCookie, readSecondFactorCookie, setSecondFactorCookie } from "@/lib/auth/second-factor-cookie";
import { requestSignUp, resendSignUpCode, verifySignUp } from "@/lib/auth/sign-up";
import { ensureDeviceId } from "@/lib/devices/cookie";
import { authedAction, publicAction } from "@/lib/http/action";
import { endSession } from "@/lib/sessions/lifecycle";
import { emptySchema, signInSchema, signUpSchema, verifyEmailSchema } from "@/shared/auth";
import { AppError } from "@/shared/errors";
import { safeNextPath } from "@/shared/format";
import { secondFactorSignInSchema } from "@/shared/two-factor";

const signInFormSchema = signInSchema.extend({ next: z.string().max(200).optional() });

export const signInAction = publicAction(signInFormSchema, async ({ email, password, next }) => {
  try {
    await signIn("credentials", { email, password, device: await ensureDeviceId(), redirect: false });
  } catch (error) {
    if (error instanceof SignInRefused && error.details.secondFactorToken) {
      await setSecondFactorCookie(error.details.secondFactorToken);
      redirect(`/login/two-factor${next ? `?next=${encodeURIComponent(safeNextPath(next))}` : ""}`);
    }
    throw asAppError(error);
  }
  redirect(safeNextPath(next));
});

/** Step two with 2FA on: the token comes from this browser's cookie, never from the form. */
export const secondFactorSignInAction = publicAction(secondFactorSignInSchema, async ({ method, code, next }) => {
  const token = await readSecondFactorCookie();
  if (!token) throw new AppError("CODE_EXPIRED");
  try {
    await signIn("second-factor", { token, method, code, device: await ensureDeviceId(), redirect: false });
  } catch (error) {
    if (error instanceof SignInRefused && (error.reason === "CODE_EXPIRED" || error.reason === "TOO_MANY_ATTEMPTS"))
      await clearSecondFactorCookie();
    throw asAppError(error);
  }
  await clearSecondFactorCookie();
  redirect(safeNextPath(next));
});

export const signOutAction = authedAction(emptySchema, async (_input, context) => {
  await endSession(context, "sign_out");
  await signOut({ redirectTo: "/login?signedOut=1" });
});

export const signUpAction = publicAction(signUpSchema, async (input, { meta }) => {
  const pending = await requestSignUp(input, meta);
  await setPendingSignUpCookie({ id: pending.requestId, email: pending.email, resendAvailableAt: pending.resendAvailableAt.toISOString() });
  redirect("/verify-email");
});

export const verifyEmailAction = publicAction(verifyEmailSchema, async ({ code }, { meta }) => {
  const pending = await readPendingSignUpCookie();
  if (!pending) throw new AppError("CODE_INVALID");
  // The browser that made the account is its first known device: signing in from it is no news.
  await verifySignUp({ requestId: pending.id, code }, { ...meta, deviceId: await ensureDeviceId() });
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
    message: (await requestTranslator("actions"))("codeResent"),
    data: { resendAvailableAt: resendAvailableAt.toISOString() },
  };
});

function asAppError(error: unknown): unknown {
  return error instanceof SignInRefused
    ? new AppError(error.reason === "SECOND_FACTOR_REQUIRED" ? "INTERNAL" : error.reason, error.details)
    : error;
}
