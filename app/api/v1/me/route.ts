import { ENDPOINTS } from "@/lib/api/endpoints";
import { apiRoute } from "@/lib/api/route";

export const dynamic = "force-dynamic";

export const GET = apiRoute(ENDPOINTS.me, async (caller) => ({ id: caller.userId, email: caller.email }));
