import { listMailboxMessages } from "@/lib/email/mailbox";
import { getEnv } from "@/lib/env";
import { jsonErrorResponse } from "@/lib/http/json-error";

export const dynamic = "force-dynamic";

const NO_STORE = { "Cache-Control": "no-store" };

export async function GET(request: Request): Promise<Response> {
  if (!getEnv().devMailbox) return jsonErrorResponse(404, "not_found", "There is no such page.");
  const params = new URL(request.url).searchParams;
  const limit = Number(params.get("limit") ?? undefined);
  const messages = await listMailboxMessages({ to: params.get("to") ?? undefined, limit: Number.isNaN(limit) ? undefined : limit });
  return Response.json(messages, { headers: NO_STORE });
}
