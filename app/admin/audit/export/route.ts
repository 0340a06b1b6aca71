import { requestLocale } from "@/i18n/request";
import { recordAdminView } from "@/lib/audit/admin-views";
import { auditCsvHeader, toCsvRows } from "@/lib/audit/csv";
import { streamAuditEvents } from "@/lib/audit/query";
import { adminSessionOrNull } from "@/lib/auth/admin";
import { jsonErrorResponse } from "@/lib/http/json-error";
import { requestMetaFrom } from "@/lib/http/request-meta";
import { parseAuditFilter } from "@/shared/audit";

/**
 * The filtered events as CSV, streamed: rows are read in keyset batches only as fast as the
 * client takes them, so memory stays flat whatever the export's size. Descriptions are in the
 * admin's language; times, like the audit log's, in UTC.
 */
export async function GET(request: Request): Promise<Response> {
  const session = await adminSessionOrNull("admin.audit.export");
  if (!session) return jsonErrorResponse(404, "not_found", "There is no such page.");
  const filter = parseAuditFilter(Object.fromEntries(new URL(request.url).searchParams));
  await recordAdminView(session, requestMetaFrom(request.headers), "admin.audit_exported", { ...filter, cursor: undefined });

  const batches = streamAuditEvents({ ...filter, cursor: undefined }, undefined, await requestLocale());
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(auditCsvHeader()));
    },
    async pull(controller) {
      const next = await batches.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(toCsvRows(next.value)));
    },
    async cancel() {
      await batches.return(undefined);
    },
  });
  const stamp = new Date().toISOString().slice(0, 10);
  return new Response(body, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="audit-events-${stamp}.csv"`,
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
