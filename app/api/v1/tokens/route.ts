import { listApiTokens } from "@/lib/api-tokens/list";
import { ENDPOINTS } from "@/lib/api/endpoints";
import { apiRoute } from "@/lib/api/route";

export const dynamic = "force-dynamic";

export const GET = apiRoute(ENDPOINTS.tokens, async (caller) => ({
  data: (await listApiTokens(caller.userId)).map((token) => ({
    id: token.id,
    name: token.name,
    prefix: token.displayPrefix,
    scopes: token.scopes,
    createdAt: token.createdAt,
    expiresAt: token.expiresAt,
    lastUsedAt: token.lastUsedAt,
    status: token.status,
  })),
}));
