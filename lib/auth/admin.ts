import "server-only";
import { headers } from "next/headers";
import { notFound } from "next/navigation";
import { recordStandaloneEvent } from "@/lib/audit/record";
import { requestMetaFrom } from "@/lib/http/request-meta";
import { getCurrentSession } from "@/lib/sessions/current";
import type { CurrentSession } from "@/lib/sessions/lifecycle";

/**
 * The admin session, or null after recording the refused attempt. Anyone but an ADMIN, signed
 * in or not, is to get the ordinary 404: the area does not admit it exists.
 */
export async function adminSessionOrNull(area: string): Promise<CurrentSession | null> {
  const session = await getCurrentSession();
  if (session?.user.role === "ADMIN") return session;
  const meta = requestMetaFrom(await headers());
  await recordStandaloneEvent({ type: "admin.access_denied", outcome: "BLOCKED", actor: session?.user ?? null, reason: area, meta });
  return null;
}

/** For admin pages and actions: the admin session, or a 404. */
export async function requireAdmin(area: string): Promise<CurrentSession> {
  const session = await adminSessionOrNull(area);
  if (!session) notFound();
  return session;
}
