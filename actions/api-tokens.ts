"use server";

import { requestTranslator } from "@/i18n/translator";
import { revokeApiTokenAsAdmin } from "@/lib/api-tokens/admin";
import { createApiToken, type CreatedApiToken } from "@/lib/api-tokens/create";
import { revokeApiToken } from "@/lib/api-tokens/revoke";
import { adminAction, authedAction } from "@/lib/http/action";
import { createApiTokenSchema, revokeApiTokenSchema } from "@/shared/api-tokens";

const SECURITY_PAGE = { revalidate: ["/settings/security"] };

export const createApiTokenAction = authedAction(
  createApiTokenSchema,
  async (input, context) => ({ ok: true, data: (await createApiToken(context, input)) satisfies CreatedApiToken }),
  SECURITY_PAGE,
);

export const revokeApiTokenAction = authedAction(
  revokeApiTokenSchema,
  async ({ tokenId }, context) => {
    await revokeApiToken(context, tokenId);
    return { ok: true, message: (await requestTranslator("actions"))("tokens.revoked") };
  },
  SECURITY_PAGE,
);

export const adminRevokeApiTokenAction = adminAction(
  "admin.tokens.revoke",
  revokeApiTokenSchema,
  async ({ tokenId }, context) => {
    await revokeApiTokenAsAdmin(context, tokenId);
    return { ok: true, message: (await requestTranslator("actions"))("tokens.revokedOwnerTold") };
  },
  { revalidate: ["/admin/tokens"] },
);
