import { ENDPOINTS } from "@/lib/api/endpoints";
import { apiRoute } from "@/lib/api/route";
import { listActiveSessions } from "@/lib/sessions/other-sessions";

export const dynamic = "force-dynamic";

// A bearer token is no browser session, so none of them is "current".
export const GET = apiRoute(ENDPOINTS.sessions, async (caller) => ({
  data: (await listActiveSessions(caller.userId, "")).map(({ id, device, ip, createdAt, lastSeenAt }) => ({
    id,
    device,
    ip,
    createdAt,
    lastSeenAt,
  })),
}));
