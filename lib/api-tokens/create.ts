import "server-only";
import { displayPrefix, generateToken } from "@/lib/api-tokens/format";
import { toApiTokenDto, TOKEN_ROW_COLUMNS, type TokenRow } from "@/lib/api-tokens/list";
import { recordAuditEvent } from "@/lib/audit/record";
import { sha256Hex } from "@/lib/crypto";
import { notifyAccountChange } from "@/lib/email/account-notice";
import type { RequestContext } from "@/lib/http/context";
import { withStepUp } from "@/lib/step-up/with-step-up";
import { grantableScopes, MAX_ACTIVE_TOKENS, tokenExpiry, type ApiTokenDto, type CreateApiTokenRequest } from "@/shared/api-tokens";
import { AppError } from "@/shared/errors";

/** The plaintext token exists only in this return value, shown to the user once. */
export type CreatedApiToken = { token: string; apiToken: ApiTokenDto };

export async function createApiToken(context: RequestContext, request: CreateApiTokenRequest): Promise<CreatedApiToken> {
  const { session, meta } = context;
  // Before step-up, so no code is emailed for a token this account may not have.
  const grantable = grantableScopes(session.user.role);
  if (!request.scopes.every((scope) => grantable.includes(scope))) throw new AppError("FORBIDDEN");
  return withStepUp(context, "api_token.create", request, async (tx) => {
    // One account's protected changes run one at a time (withStepUp holds its row): concurrent
    // creations cannot overshoot the limit, counted in the insert itself.
    const token = generateToken();
    const [created] = await tx.$queryRaw<TokenRow[]>`
      INSERT INTO api_tokens (id, user_id, name, display_prefix, token_hash, scopes, expires_at)
      SELECT gen_random_uuid(), ${session.user.id}::uuid, ${request.name}, ${displayPrefix(token)}, ${sha256Hex(token)},
        ${request.scopes}::text[], ${tokenExpiry(request)}::timestamptz
      WHERE (SELECT count(*) FROM api_tokens
             WHERE user_id = ${session.user.id}::uuid AND revoked_at IS NULL AND expires_at > now()) < ${MAX_ACTIVE_TOKENS}
      RETURNING ${TOKEN_ROW_COLUMNS}`;
    if (!created) throw new AppError("LIMIT_REACHED", { limit: MAX_ACTIVE_TOKENS });
    await recordAuditEvent(tx, {
      type: "api_token.created",
      actor: session.user,
      target: { type: "api_token", id: created.displayPrefix },
      meta,
      metadata: { tokenId: created.id, name: created.name, scopes: created.scopes, expiresAt: created.expiresAt.toISOString() },
    });
    await notifyAccountChange(tx, context, {
      notice: "tokenCreated",
      values: { name: created.name },
      facts: {
        token: `${created.name} (${created.displayPrefix}…)`,
        scopes: created.scopes.join(", "),
        expires: { date: created.expiresAt.toISOString() },
      },
    });
    return { token, apiToken: toApiTokenDto(created) };
  });
}
