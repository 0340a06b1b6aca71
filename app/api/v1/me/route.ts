import { authenticateBearer } from "@/lib/api-tokens/authenticate";
import { jsonErrorResponse } from "@/lib/http/json-error";
import { requestMetaFrom } from "@/lib/http/request-meta";

export const dynamic = "force-dynamic";

const NO_STORE = { "Cache-Control": "no-store" };

// One answer for every token that does not work, so a caller learns nothing about which it was.
const INVALID_TOKEN = "The bearer token is missing, malformed, unknown, expired or revoked.";

export async function GET(request: Request) {
  const { ip } = requestMetaFrom(request.headers);
  const result = await authenticateBearer(request.headers.get("authorization"), "profile:read", ip);
  if (!result.ok) {
    return result.status === 401
      ? jsonErrorResponse(401, "invalid_token", INVALID_TOKEN, { "WWW-Authenticate": 'Bearer error="invalid_token"' })
      : jsonErrorResponse(403, "insufficient_scope", "This token does not have the profile:read scope.", {
          "WWW-Authenticate": 'Bearer error="insufficient_scope", scope="profile:read"',
        });
  }
  return Response.json({ id: result.user.id, email: result.user.email }, { headers: NO_STORE });
}
