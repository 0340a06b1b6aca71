import "server-only";
import { actOnUser, findTarget, recordUserEvent, UNCHANGED, type AdminUserOutcome } from "@/lib/admin-users/act";
import { markRevoked } from "@/lib/api-tokens/revoke";
import { notifyAccountChange } from "@/lib/email/account-notice";
import type { RequestContext } from "@/lib/http/context";

/**
 * Every active API token of the account dies at once: each revoked as the admin's single revoke
 * does it (its own `api_token.revoked` row), the whole recorded once on the account.
 */
export async function revokeAllUserTokens(context: RequestContext, userId: string): Promise<AdminUserOutcome<{ tokens: number }>> {
  const target = await findTarget(context, userId);
  return actOnUser(
    context,
    target,
    { action: "admin.user.revoke_tokens", payload: { userId: target.id, email: target.email } },
    async (tx, user) => {
      // Locked, so a revoke by the owner meanwhile waits, and one that came first is left out.
      const tokens = await tx.$queryRaw<{ id: string; name: string; displayPrefix: string }[]>`
      SELECT id::text, name, display_prefix AS "displayPrefix" FROM api_tokens
      WHERE user_id = ${user.id}::uuid AND revoked_at IS NULL AND expires_at > now()
      ORDER BY created_at FOR UPDATE`;
      if (tokens.length === 0) return UNCHANGED;
      for (const token of tokens) {
        await markRevoked(tx, context, token, {
          reason: "revoked_by_admin",
          metadata: { tokenId: token.id, name: token.name, ownerId: user.id, ownerEmail: user.email },
        });
      }
      await recordUserEvent(tx, context, "admin.user_tokens_revoked", user.id, {
        metadata: { tokens: tokens.length, prefixes: tokens.map((token) => token.displayPrefix) },
      });
      await notifyAccountChange(tx, context, {
        to: user.email,
        recipient: { userId: user.id },
        notice: "allTokensRevokedByAdmin",
        values: { count: tokens.length },
        facts: { tokens: tokens.map((token) => `${token.name} (${token.displayPrefix}…)`).join(", ") },
      });
      return { changed: true, tokens: tokens.length };
    },
  );
}
