"use server";

import { revalidatePath } from "next/cache";
import { after } from "next/server";
import { adminAction } from "@/lib/actions/action";
import { revokeApiTokenAsAdmin } from "@/lib/api-tokens/admin";
import { deliverDueEmails } from "@/lib/email/outbox";
import { revokeApiTokenSchema } from "@/lib/validation/api-tokens";

export const adminRevokeApiTokenAction = adminAction("admin.tokens.revoke", revokeApiTokenSchema, async ({ tokenId }, context) => {
  await revokeApiTokenAsAdmin(context, tokenId);
  after(deliverDueEmails);
  revalidatePath("/admin/tokens");
  return { ok: true, message: "Token revoked. It stopped working immediately, and its owner was told." };
});
