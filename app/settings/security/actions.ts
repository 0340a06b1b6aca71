"use server";

import { revalidatePath } from "next/cache";
import { after } from "next/server";
import { authedAction } from "@/lib/actions/action";
import { createApiToken, type CreatedApiToken } from "@/lib/api-tokens/create";
import { revokeApiToken } from "@/lib/api-tokens/revoke";
import { revokeOtherSession, signOutOtherSessions } from "@/lib/auth/sessions";
import { deliverDueEmails } from "@/lib/email/outbox";
import { createApiTokenSchema, revokeApiTokenSchema } from "@/lib/validation/api-tokens";
import { emptySchema } from "@/lib/validation/auth";
import { revokeSessionSchema } from "@/lib/validation/sessions";

export const createApiTokenAction = authedAction(createApiTokenSchema, async (input, context) => {
  const created: CreatedApiToken = await createApiToken(context, input);
  after(deliverDueEmails);
  revalidatePath("/settings/security");
  return { ok: true, data: created };
});

export const revokeApiTokenAction = authedAction(revokeApiTokenSchema, async ({ tokenId }, context) => {
  await revokeApiToken(context, tokenId);
  after(deliverDueEmails);
  revalidatePath("/settings/security");
  return { ok: true, message: "Token revoked. It stopped working immediately." };
});

export const revokeSessionAction = authedAction(revokeSessionSchema, async ({ sessionId }, context) => {
  await revokeOtherSession(context, sessionId);
  after(deliverDueEmails);
  revalidatePath("/settings/security");
  return { ok: true, message: "Signed out. That browser must sign in again." };
});

export const signOutOtherSessionsAction = authedAction(emptySchema, async (_input, context) => {
  const count = await signOutOtherSessions(context);
  after(deliverDueEmails);
  revalidatePath("/settings/security");
  return { ok: true, message: count ? `Signed out ${count} other ${count === 1 ? "session" : "sessions"}.` : "No other sessions were signed in." };
});
