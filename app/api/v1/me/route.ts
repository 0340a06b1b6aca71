import { authenticateBearer } from "@/lib/api-tokens/authenticate";
import { requestMetaFrom } from "@/lib/http/request-meta";

export const dynamic = "force-dynamic";

const NO_STORE = { "Cache-Control": "no-store" };

export async function GET(request: Request) {
  const { ip } = requestMetaFrom(request.headers);
  const result = await authenticateBearer(request.headers.get("authorization"), "profile:read", ip);
  if (!result.ok) {
    const challenge = result.status === 401 ? 'Bearer error="invalid_token"' : 'Bearer error="insufficient_scope", scope="profile:read"';
    return Response.json({ error: result.error }, { status: result.status, headers: { ...NO_STORE, "WWW-Authenticate": challenge } });
  }
  return Response.json({ id: result.user.id, email: result.user.email }, { headers: NO_STORE });
}
