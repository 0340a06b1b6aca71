import "server-only";
import { db } from "@/lib/db";
import { isStale, type ApiTokenDto } from "@/shared/api-tokens";

export const API_TOKEN_SELECT = {
  id: true,
  name: true,
  displayPrefix: true,
  scopes: true,
  createdAt: true,
  expiresAt: true,
  lastUsedAt: true,
  lastUsedIp: true,
  revokedAt: true,
} as const;

type TokenRow = {
  id: string;
  name: string;
  displayPrefix: string;
  scopes: string[];
  createdAt: Date;
  expiresAt: Date;
  lastUsedAt: Date | null;
  lastUsedIp: string | null;
  revokedAt: Date | null;
};

export async function listApiTokens(userId: string): Promise<ApiTokenDto[]> {
  const rows = await db.apiToken.findMany({
    where: { userId },
    select: API_TOKEN_SELECT,
    orderBy: [{ revokedAt: { sort: "desc", nulls: "first" } }, { createdAt: "desc" }],
  });
  return rows.map((row) => toApiTokenDto(row));
}

export function toApiTokenDto(row: TokenRow, now = new Date()): ApiTokenDto {
  const status = row.revokedAt ? "revoked" : row.expiresAt <= now ? "expired" : "active";
  return {
    id: row.id,
    name: row.name,
    displayPrefix: row.displayPrefix,
    scopes: row.scopes,
    createdAt: row.createdAt.toISOString(),
    expiresAt: row.expiresAt.toISOString(),
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    lastUsedIp: row.lastUsedIp,
    status,
    stale: status === "active" && isStale(row, now),
  };
}
