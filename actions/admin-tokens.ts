"use server";

import { requestTranslator } from "@/i18n/translator";
import { revokeSelectedTokens } from "@/lib/api-tokens/revoke-selected";
import { adminAction } from "@/lib/http/action";
import { adminRevokeTokensSchema } from "@/shared/api-tokens";

export const adminRevokeSelectedTokensAction = adminAction(
  "admin.tokens.revoke_selected",
  adminRevokeTokensSchema,
  async (input, context) => {
    const { revoked, skipped } = await revokeSelectedTokens(context, input);
    const t = await requestTranslator("actions");
    return { ok: true, message: revoked === 0 ? t("tokens.nothingRevoked") : t("tokens.selectedRevoked", { revoked, skipped }) };
  },
  { revalidate: ["/admin/tokens"] },
);
