import "server-only";
import { recordStandaloneEvent } from "@/lib/audit/record";
import { type Prisma } from "@/lib/db";
import type { RequestMeta } from "@/lib/http/request-meta";
import type { CurrentSession } from "@/lib/sessions/lifecycle";

/** Admins reading or exporting the audit log, or looking at accounts, are themselves in it, with what they asked for. */
export function recordAdminView(
  session: CurrentSession,
  meta: RequestMeta,
  type: "admin.audit_viewed" | "admin.audit_exported" | "admin.users_viewed",
  filter: Record<string, string | undefined>,
): Promise<void> {
  const metadata: Prisma.InputJsonObject = Object.fromEntries(Object.entries(filter).filter(([, value]) => value !== undefined));
  return recordStandaloneEvent({ type, actor: session.user, meta, metadata });
}
