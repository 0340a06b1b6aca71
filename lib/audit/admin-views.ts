import "server-only";
import { recordStandaloneEvent } from "@/lib/audit/record";
import { type Prisma } from "@/lib/db";
import type { RequestMeta } from "@/lib/http/request-meta";
import type { CurrentSession } from "@/lib/sessions/lifecycle";
import type { AuditFilter } from "@/shared/audit";

/** Admins reading or exporting the audit log are themselves in it, with the filter they used. */
export function recordAdminView(
  session: CurrentSession,
  meta: RequestMeta,
  type: "admin.audit_viewed" | "admin.audit_exported",
  filter: AuditFilter,
): Promise<void> {
  const metadata: Prisma.InputJsonObject = Object.fromEntries(Object.entries(filter).filter(([, value]) => value !== undefined));
  return recordStandaloneEvent({ type, actor: session.user, meta, metadata });
}
