import { ENDPOINTS } from "@/lib/api/endpoints";
import { apiRoute } from "@/lib/api/route";
import { listAccountActivity } from "@/lib/audit/query";

export const dynamic = "force-dynamic";

export const GET = apiRoute(ENDPOINTS.securityEvents, async (caller, query) => {
  const { events, nextCursor } = await listAccountActivity(caller.userId, query);
  return { data: events, nextCursor };
});
