"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { publicAction } from "@/lib/actions/action";
import { signIn, SignInRefused } from "@/lib/auth/next-auth";
import { AppError } from "@/lib/errors";
import { signInSchema } from "@/lib/validation/auth";

const signInFormSchema = signInSchema.extend({ next: z.string().max(200).optional() });

export const signInAction = publicAction(signInFormSchema, async ({ email, password, next }) => {
  try {
    await signIn("credentials", { email, password, redirect: false });
  } catch (error) {
    if (error instanceof SignInRefused) throw new AppError(error.reason, { retryAfterSeconds: error.retryAfterSeconds });
    throw error;
  }
  redirect(safeNextPath(next));
});

/** Only same-site paths: `next` comes from the URL and must not become an open redirect. */
function safeNextPath(next: string | undefined): string {
  return next && /^\/(?![/\\])[\w\-/]*$/.test(next) ? next : "/settings";
}
