import { openApiDocument } from "@/lib/api/openapi";
import { getEnv } from "@/lib/env";

export const dynamic = "force-dynamic";

export function GET(): Response {
  return Response.json(openApiDocument(getEnv().APP_URL), { headers: { "Cache-Control": "public, max-age=300" } });
}
