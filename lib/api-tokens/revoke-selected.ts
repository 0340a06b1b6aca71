import "server-only";
import { recordAuditEvent } from "@/lib/audit/record";
import { db, type Tx } from "@/lib/db";
import { queueSecurityNotice } from "@/lib/email/account-notice";
import type { RequestContext } from "@/lib/http/context";
import { withStepUp } from "@/lib/step-up/with-step-up";
import type { AdminRevokeTokensRequest } from "@/shared/api-tokens";
import { AppError } from "@/shared/errors";

/** `skipped`: selected tokens that were already revoked or expired (e.g. another admin, or the owner, was first). */
export type RevokeSelectedOutcome = { revoked: number; skipped: number };

type RevokedRow = { id: string; name: string; displayPrefix: string; ownerId: string; ownerEmail: string };

/**
 * An admin revokes a selection of anyone's tokens at once, behind the admin's own step-up, bound to
 * exactly these ids: all of them in one transaction, one `admin.token_revoked` row per token (the
 * owner as target) and one notice per owner. An unknown id refuses the whole request before any
 * code is sent; tokens no longer active are skipped and counted, so a second submission of the
 * same selection revokes nothing twice.
 */
export async function revokeSelectedTokens(
  context: RequestContext,
  { tokenIds }: AdminRevokeTokensRequest,
): Promise<RevokeSelectedOutcome> {
  if (context.session.user.role !== "ADMIN") throw new AppError("NOT_FOUND");
  const now = new Date();
  const found = await db.apiToken.findMany({ where: { id: { in: tokenIds } }, select: { revokedAt: true, expiresAt: true } });
  if (found.length !== tokenIds.length) throw new AppError("NOT_FOUND");
  // Nothing left to protect: no code is asked for a selection that would change nothing.
  if (found.every((token) => token.revokedAt !== null || token.expiresAt <= now)) return { revoked: 0, skipped: tokenIds.length };

  const revoked = await withStepUp(context, "admin.tokens.revoke_selected", { tokenIds }, async (tx) => {
    const rows = await revokeStillActive(tx, tokenIds);
    for (const token of rows) {
      await recordAuditEvent(tx, {
        type: "admin.token_revoked",
        actor: context.session.user,
        target: { type: "user", id: token.ownerId },
        meta: context.meta,
        metadata: { name: token.name, prefix: token.displayPrefix },
      });
    }
    for (const owner of byOwner(rows)) await notifyOwner(tx, context, owner);
    return rows.length;
  });
  return { revoked, skipped: tokenIds.length - revoked };
}

/**
 * Locks the selected rows in id order (two admins with overlapping selections wait for each other
 * instead of deadlocking; an owner's own revoke waits too), then revokes those still active: a run
 * that waited finds them revoked and leaves them alone.
 */
async function revokeStillActive(tx: Tx, tokenIds: string[]): Promise<RevokedRow[]> {
  await tx.$queryRaw`SELECT id FROM api_tokens WHERE id = ANY(${tokenIds}::uuid[]) ORDER BY id FOR UPDATE`;
  return tx.$queryRaw<RevokedRow[]>`
    UPDATE api_tokens AS t SET revoked_at = now()
    FROM users AS u
    WHERE u.id = t.user_id AND t.id = ANY(${tokenIds}::uuid[]) AND t.revoked_at IS NULL AND t.expires_at > now()
    RETURNING t.id::text, t.name, t.display_prefix AS "displayPrefix", t.user_id::text AS "ownerId", u.email AS "ownerEmail"`;
}

function byOwner(rows: RevokedRow[]): { email: string; tokens: RevokedRow[] }[] {
  const owners = new Map<string, { email: string; tokens: RevokedRow[] }>();
  for (const row of [...rows].sort((a, b) => a.name.localeCompare(b.name))) {
    const owner = owners.get(row.ownerId) ?? { email: row.ownerEmail, tokens: [] };
    owner.tokens.push(row);
    owners.set(row.ownerId, owner);
  }
  return [...owners.values()];
}

function notifyOwner(tx: Tx, context: RequestContext, { email, tokens }: { email: string; tokens: RevokedRow[] }) {
  return queueSecurityNotice(tx, email, context.meta, {
    notice: "tokensRevokedByAdmin",
    // A notice about one token names it; one about more counts them.
    values: { count: tokens.length, name: tokens[0]?.name ?? "" },
    facts: { tokens: tokens.map((token) => `${token.name} (${token.displayPrefix}…)`).join(", ") },
  });
}
