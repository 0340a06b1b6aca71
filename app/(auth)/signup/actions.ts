"use server";

import { redirect } from "next/navigation";
import { publicAction } from "@/lib/actions/action";
import { setPendingSignUpCookie } from "@/lib/auth/pending-sign-up-cookie";
import { requestSignUp } from "@/lib/auth/sign-up";
import { signUpSchema } from "@/lib/validation/auth";

export const signUpAction = publicAction(signUpSchema, async (input, { meta }) => {
  const pending = await requestSignUp(input, meta);
  await setPendingSignUpCookie({ id: pending.requestId, email: pending.email, resendAvailableAt: pending.resendAvailableAt.toISOString() });
  redirect("/verify-email");
});
