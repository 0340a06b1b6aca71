import "server-only";
import { recordAuditEvent } from "@/lib/audit/record";
import { db } from "@/lib/db";
import { notifyAccountChange } from "@/lib/email/account-notice";
import type { RequestContext } from "@/lib/http/context";
import { withStepUp } from "@/lib/step-up/with-step-up";
import { AppError } from "@/shared/errors";

/** Revocation commits before this returns; the next bearer request with the token is refused. */
export async function revokeApiToken(context: RequestContext, tokenId: string): Promise<void> {
  const { session, meta } = context;
  const token = await db.apiToken.findFirst({
    where: { id: tokenId, userId: session.user.id, revokedAt: null },
    select: { id: true, name: true, displayPrefix: true },
  });
  if (!token) throw new AppError("NOT_FOUND");
  await withStepUp(context, "api_token.revoke", { tokenId: token.id, name: token.name }, async (tx) => {
    const revoked = await tx.apiToken.updateMany({ where: { id: token.id, revokedAt: null }, data: { revokedAt: new Date() } });
    if (revoked.count !== 1) throw new AppError("NOT_FOUND");
    await recordAuditEvent(tx, {
      type: "api_token.revoked",
      actor: session.user,
      target: { type: "api_token", id: token.displayPrefix },
      meta,
      metadata: { tokenId: token.id, name: token.name },
    });
    await notifyAccountChange(tx, context, {
      title: "An API token was revoked",
      summary: `The API token "${token.name}" was revoked and can no longer be used.`,
      facts: { Token: `${token.name} (${token.displayPrefix}…)` },
    });
  });
}
