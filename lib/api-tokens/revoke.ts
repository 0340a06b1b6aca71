import "server-only";
import { recordAuditEvent } from "@/lib/audit/record";
import { db, type Prisma, type Tx } from "@/lib/db";
import { notifyAccountChange } from "@/lib/email/account-notice";
import type { RequestContext } from "@/lib/http/context";
import { withStepUp } from "@/lib/step-up/with-step-up";
import { AppError } from "@/shared/errors";

type RevocableToken = { id: string; name: string; displayPrefix: string };

/** Revocation commits before this returns; the next bearer request with the token is refused. */
export async function revokeApiToken(context: RequestContext, tokenId: string): Promise<void> {
  const token = await db.apiToken.findFirst({
    where: { id: tokenId, userId: context.session.user.id, revokedAt: null },
    select: { id: true, name: true, displayPrefix: true },
  });
  if (!token) throw new AppError("NOT_FOUND");
  await withStepUp(context, "api_token.revoke", { tokenId: token.id, name: token.name }, async (tx) => {
    await markRevoked(tx, context, token, { metadata: { tokenId: token.id, name: token.name } });
    await notifyAccountChange(tx, context, {
      notice: "tokenRevoked",
      values: { name: token.name },
      facts: { token: `${token.name} (${token.displayPrefix}…)` },
    });
  });
}

/** The change of every revocation, the owner's or an admin's: the token dead from the next request on, and its audit row. */
export async function markRevoked(
  tx: Tx,
  { session, meta }: RequestContext,
  token: RevocableToken,
  audit: { reason?: string; metadata: Prisma.InputJsonObject },
): Promise<void> {
  const revoked = await tx.apiToken.updateMany({ where: { id: token.id, revokedAt: null }, data: { revokedAt: new Date() } });
  if (revoked.count !== 1) throw new AppError("NOT_FOUND");
  await recordAuditEvent(tx, {
    type: "api_token.revoked",
    actor: session.user,
    target: { type: "api_token", id: token.displayPrefix },
    meta,
    ...audit,
  });
}
