import type { Metadata } from "next";
import { headers } from "next/headers";
import Link from "next/link";
import { AdminShell } from "@/components/admin/admin-shell";
import { AttentionPanel } from "@/components/admin/attention-panel";
import { AuditChart } from "@/components/admin/audit-chart";
import { AuditFilters } from "@/components/admin/audit-filters";
import { AuditTable } from "@/components/admin/audit-table";
import { findAccountLabel } from "@/lib/admin-users/details";
import { recordAdminView } from "@/lib/audit/admin-views";
import { countEventsPerDay, listAccountsNeedingAttention, listAuditEvents } from "@/lib/audit/query";
import { requireAdmin } from "@/lib/auth/admin";
import { requestMetaFrom } from "@/lib/http/request-meta";
import { auditFilterQuery, parseAuditFilter } from "@/shared/audit";

export const metadata: Metadata = { title: "Audit log", robots: { index: false, follow: false } };

type AuditPageProps = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function AuditPage({ searchParams }: AuditPageProps) {
  const session = await requireAdmin("admin.audit");
  const filter = parseAuditFilter(await searchParams);
  const [page, days, attention, accountLabel] = await Promise.all([
    listAuditEvents(filter),
    countEventsPerDay(filter),
    listAccountsNeedingAttention(),
    filter.account ? findAccountLabel(filter.account) : null,
  ]);
  await recordAdminView(session, requestMetaFrom(await headers()), "admin.audit_viewed", filter);
  const { cursor, ...withoutCursor } = filter;

  return (
    <AdminShell
      current="/admin/audit"
      title="Audit log"
      description="Every security event, newest first. Filters live in the address bar, so a view can be shared."
    >
      <AuditFilters filter={filter} accountLabel={accountLabel} />
      <div className="grid gap-6 lg:grid-cols-[2fr_1fr]">
        <AuditChart days={days} />
        <AttentionPanel accounts={attention} />
      </div>
      <section aria-labelledby="events-heading" className="space-y-3">
        <div className="flex flex-wrap items-center justify-between gap-3">
          <h2 id="events-heading" className="text-base font-semibold text-slate-900">
            Events{cursor ? " (older)" : ""}
          </h2>
          <a
            href={`/admin/audit/export${auditFilterQuery(withoutCursor)}`}
            download
            className="rounded-md bg-surface px-3 py-1.5 text-sm font-semibold text-slate-900 shadow-sm ring-1 ring-slate-300 ring-inset hover:bg-slate-50"
          >
            Export CSV
          </a>
        </div>
        <AuditTable events={page.events} />
        <nav aria-label="Pages" className="flex items-center justify-between text-sm">
          {cursor ? (
            <Link href={`/admin/audit${auditFilterQuery(withoutCursor)}`} className="font-medium text-indigo-700 hover:underline">
              Newest events
            </Link>
          ) : (
            <span />
          )}
          {page.nextCursor && (
            <Link
              href={`/admin/audit${auditFilterQuery({ ...withoutCursor, cursor: page.nextCursor })}`}
              className="font-medium text-indigo-700 hover:underline"
            >
              Older events →
            </Link>
          )}
        </nav>
      </section>
    </AdminShell>
  );
}
