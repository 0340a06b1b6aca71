"use server";

import { revalidatePath } from "next/cache";
import { after } from "next/server";
import { authedAction } from "@/lib/actions/action";
import { createApiToken, type CreatedApiToken } from "@/lib/api-tokens/create";
import { revokeApiToken } from "@/lib/api-tokens/revoke";
import { deliverDueEmails } from "@/lib/email/outbox";
import { createApiTokenSchema, revokeApiTokenSchema } from "@/lib/validation/api-tokens";

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
