import { listMailboxMessages } from "@/lib/email/mailbox";
import { getEnv } from "@/lib/env";

export const dynamic = "force-dynamic";

const NO_STORE = { "Cache-Control": "no-store" };

export async function GET(request: Request): Promise<Response> {
  if (!getEnv().devMailbox) return Response.json({ error: "Not found" }, { status: 404, headers: NO_STORE });
  const params = new URL(request.url).searchParams;
  const limit = Number(params.get("limit") ?? undefined);
  const messages = await listMailboxMessages({ to: params.get("to") ?? undefined, limit: Number.isNaN(limit) ? undefined : limit });
  return Response.json(messages, { headers: NO_STORE });
}
