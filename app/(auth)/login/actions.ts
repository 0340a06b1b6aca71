"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { publicAction } from "@/lib/actions/action";
import { signIn, SignInRefused } from "@/lib/auth/next-auth";
import { clearSecondFactorCookie, readSecondFactorCookie, setSecondFactorCookie } from "@/lib/auth/second-factor-cookie";
import { AppError } from "@/lib/errors";
import { signInSchema } from "@/lib/validation/auth";
import { secondFactorSignInSchema } from "@/lib/validation/two-factor";

const signInFormSchema = signInSchema.extend({ next: z.string().max(200).optional() });

export const signInAction = publicAction(signInFormSchema, async ({ email, password, next }) => {
  try {
    await signIn("credentials", { email, password, redirect: false });
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
    await signIn("second-factor", { token, method, code, redirect: false });
  } catch (error) {
    if (error instanceof SignInRefused && (error.reason === "CODE_EXPIRED" || error.reason === "TOO_MANY_ATTEMPTS"))
      await clearSecondFactorCookie();
    throw asAppError(error);
  }
  await clearSecondFactorCookie();
  redirect(safeNextPath(next));
});

function asAppError(error: unknown): unknown {
  return error instanceof SignInRefused
    ? new AppError(error.reason === "SECOND_FACTOR_REQUIRED" ? "INTERNAL" : error.reason, error.details)
    : error;
}

/** Only same-site paths: `next` comes from the URL and must not become an open redirect. */
function safeNextPath(next: string | undefined): string {
  return next && /^\/(?![/\\])[\w\-/]*$/.test(next) ? next : "/settings";
}
