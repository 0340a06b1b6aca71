"use server";

import { revokeSelectedTokens } from "@/lib/api-tokens/revoke-selected";
import { adminAction } from "@/lib/http/action";
import { adminRevokeTokensSchema } from "@/shared/api-tokens";

const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? "" : "s"}`;

export const adminRevokeSelectedTokensAction = adminAction(
  "admin.tokens.revoke_selected",
  adminRevokeTokensSchema,
  async (input, context) => {
    const { revoked, skipped } = await revokeSelectedTokens(context, input);
    if (revoked === 0) return { ok: true, message: "Nothing was revoked: the selected tokens were already revoked or expired." };
    const skippedText = skipped
      ? ` ${plural(skipped, "selected token")} ${skipped === 1 ? "was" : "were"} already revoked or expired.`
      : "";
    return {
      ok: true,
      message: `${plural(revoked, "token")} revoked. They stopped working immediately, and their owners were told.${skippedText}`,
    };
  },
  { revalidate: ["/admin/tokens"] },
);
