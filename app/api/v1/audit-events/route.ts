import { ENDPOINTS } from "@/lib/api/endpoints";
import { apiRoute } from "@/lib/api/route";
import { readAuditEvents } from "@/lib/audit/feed";

export const dynamic = "force-dynamic";

export const GET = apiRoute(ENDPOINTS.auditEvents, async (_caller, query) => readAuditEvents(query));
