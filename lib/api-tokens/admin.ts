import "server-only";
import { API_TOKEN_SELECT, toApiTokenDto } from "@/lib/api-tokens/list";
import { markRevoked } from "@/lib/api-tokens/revoke";
import { db, type Prisma } from "@/lib/db";
import { notifyAccountChange } from "@/lib/email/account-notice";
import type { RequestContext } from "@/lib/http/context";
import { withStepUp } from "@/lib/step-up/with-step-up";
import { expiringCutoff, staleCutoff, type AdminApiTokenDto } from "@/shared/api-tokens";
import type { AdminTokenFilter } from "@/shared/audit";
import { AppError } from "@/shared/errors";

/** Every user's tokens for the admin overview, newest first (expiring ones: soonest first); `owner` is an email prefix. */
export async function listAllApiTokens(filter: AdminTokenFilter, limit = 200): Promise<AdminApiTokenDto[]> {
  const now = new Date();
  const rows = await db.apiToken.findMany({
    where: {
      ...(filter.owner && { user: { email: { startsWith: filter.owner } } }),
      ...(filter.status && statusWhere(filter.status, now)),
    },
    select: { ...API_TOKEN_SELECT, user: { select: { email: true } } },
    orderBy: filter.status === "expiring" ? [{ expiresAt: "asc" }, { id: "asc" }] : { createdAt: "desc" },
    take: limit,
  });
  return rows.map((row) => ({ ...toApiTokenDto(row, now), ownerEmail: row.user.email }));
}

function statusWhere(status: NonNullable<AdminTokenFilter["status"]>, now: Date): Prisma.ApiTokenWhereInput {
  const active = { revokedAt: null, expiresAt: { gt: now } };
  switch (status) {
    case "active":
      return active;
    case "expiring":
      return { revokedAt: null, expiresAt: { gt: now, lte: expiringCutoff(now) } };
    case "stale": {
      // `isStale` in SQL: COALESCE(last_used_at, created_at) <= cutoff, as two index-friendly branches.
      const cutoff = staleCutoff(now);
      return { ...active, OR: [{ lastUsedAt: { lte: cutoff } }, { lastUsedAt: null, createdAt: { lte: cutoff } }] };
    }
    case "expired":
      return { revokedAt: null, expiresAt: { lte: now } };
    case "revoked":
      return { revokedAt: { not: null } };
  }
}

/**
 * An admin revokes someone's token: behind the admin's own step-up, recorded with the admin as
 * actor and the owner in the metadata, and the owner is told.
 */
export async function revokeApiTokenAsAdmin(context: RequestContext, tokenId: string): Promise<void> {
  if (context.session.user.role !== "ADMIN") throw new AppError("NOT_FOUND");
  const token = await db.apiToken.findFirst({
    where: { id: tokenId, revokedAt: null },
    select: { id: true, name: true, displayPrefix: true, user: { select: { id: true, email: true } } },
  });
  if (!token) throw new AppError("NOT_FOUND");
  await withStepUp(context, "admin.api_token.revoke", { tokenId: token.id, name: token.name, owner: token.user.email }, async (tx) => {
    await markRevoked(tx, context, token, {
      reason: "revoked_by_admin",
      metadata: { tokenId: token.id, name: token.name, ownerId: token.user.id, ownerEmail: token.user.email },
    });
    await notifyAccountChange(tx, context, {
      to: token.user.email,
      recipient: { userId: token.user.id },
      notice: "tokensRevokedByAdmin",
      values: { count: 1, name: token.name },
      facts: { tokens: `${token.name} (${token.displayPrefix}…)` },
    });
  });
}
