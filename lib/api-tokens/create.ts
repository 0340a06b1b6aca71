import "server-only";
import { displayPrefix, generateToken } from "@/lib/api-tokens/format";
import { API_TOKEN_SELECT, toApiTokenDto } from "@/lib/api-tokens/list";
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
    // Serialises concurrent creations by one user so the limit cannot be overshot.
    await tx.$queryRaw`SELECT 1 FROM users WHERE id = ${session.user.id}::uuid FOR UPDATE`;
    const active = await tx.apiToken.count({ where: { userId: session.user.id, revokedAt: null, expiresAt: { gt: new Date() } } });
    if (active >= MAX_ACTIVE_TOKENS) throw new AppError("LIMIT_REACHED", { limit: MAX_ACTIVE_TOKENS });

    const token = generateToken();
    const created = await tx.apiToken.create({
      data: {
        userId: session.user.id,
        name: request.name,
        displayPrefix: displayPrefix(token),
        tokenHash: sha256Hex(token),
        scopes: request.scopes,
        expiresAt: tokenExpiry(request),
      },
      select: API_TOKEN_SELECT,
    });
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
