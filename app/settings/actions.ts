"use server";

import { authedAction } from "@/lib/actions/action";
import { signOut } from "@/lib/auth/next-auth";
import { revokeSession } from "@/lib/auth/session";
import { emptySchema } from "@/lib/validation/auth";

export const signOutAction = authedAction(emptySchema, async (_input, { session, meta }) => {
  await revokeSession({ session, meta, reason: "sign_out" });
  await signOut({ redirectTo: "/login?signedOut=1" });
});
