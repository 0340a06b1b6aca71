import "server-only";
import { db, jsonTime, Prisma } from "@/lib/db";
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

export type TokenRow = {
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

/** The columns of a TokenRow, for a raw statement's RETURNING or SELECT. */
export const TOKEN_ROW_COLUMNS = Prisma.sql`id::text, name, display_prefix AS "displayPrefix", scopes, created_at AS "createdAt",
  expires_at AS "expiresAt", last_used_at AS "lastUsedAt", last_used_ip::text AS "lastUsedIp", revoked_at AS "revokedAt"`;

/** A token as `apiTokensJson` carries it: JSON has no dates, so its times arrive as ISO strings. */
export type ApiTokenJson = Omit<TokenRow, "createdAt" | "expiresAt" | "lastUsedAt" | "revokedAt"> & {
  createdAt: string;
  expiresAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
};

/**
 * The user's tokens as one JSON array, the live ones first, newest first: a scalar subquery, so
 * the security page can read all its sections in one statement (lib/account/security-overview.ts).
 */
export function apiTokensJson(userId: string): Prisma.Sql {
  return Prisma.sql`(SELECT COALESCE(json_agg(json_build_object(
      'id', t.id, 'name', t.name, 'displayPrefix', t.display_prefix, 'scopes', t.scopes, 'createdAt', t.created_at,
      'expiresAt', t.expires_at, 'lastUsedAt', t.last_used_at, 'lastUsedIp', t.last_used_ip, 'revokedAt', t.revoked_at
    ) ORDER BY t.revoked_at DESC NULLS FIRST, t.created_at DESC), '[]') FROM api_tokens t WHERE t.user_id = ${userId}::uuid)`;
}

export async function listApiTokens(userId: string): Promise<ApiTokenDto[]> {
  const [row] = await db.$queryRaw<[{ tokens: ApiTokenJson[] }]>`SELECT ${apiTokensJson(userId)} AS tokens`;
  return apiTokensFromJson(row.tokens);
}

export function apiTokensFromJson(tokens: ApiTokenJson[], now = new Date()): ApiTokenDto[] {
  return tokens.map((token) =>
    toApiTokenDto(
      {
        ...token,
        createdAt: jsonTime(token.createdAt),
        expiresAt: jsonTime(token.expiresAt),
        lastUsedAt: jsonTime(token.lastUsedAt),
        revokedAt: jsonTime(token.revokedAt),
      },
      now,
    ),
  );
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
