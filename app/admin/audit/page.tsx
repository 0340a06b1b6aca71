import type { Metadata } from "next";
import { headers } from "next/headers";
import { adminPageTitle, AdminShell } from "@/components/admin/admin-shell";
import { AttentionPanel } from "@/components/admin/attention-panel";
import { AuditChart } from "@/components/admin/audit-chart";
import { AuditFilters } from "@/components/admin/audit-filters";
import { AuditEvents } from "@/components/admin/audit-table";
import { ClientMessages } from "@/components/layout/client-messages";
import { findAccountLabel } from "@/lib/admin-users/details";
import { recordAdminView } from "@/lib/audit/admin-views";
import { countEventsPerDay, listAccountsNeedingAttention, listAuditEvents } from "@/lib/audit/query";
import { requireAdmin } from "@/lib/auth/admin";
import { requestMetaFrom } from "@/lib/http/request-meta";
import { parseAuditFilter } from "@/shared/audit";

export async function generateMetadata(): Promise<Metadata> {
  return { title: await adminPageTitle("audit"), robots: { index: false, follow: false } };
}

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
    <ClientMessages area="admin">
      <AdminShell page="audit">
        <AuditFilters filter={filter} accountLabel={accountLabel} />
        <div className="grid grid-cols-[minmax(0,1fr)] gap-6 lg:grid-cols-[minmax(0,2fr)_minmax(0,1fr)]">
          <AuditChart days={days} />
          <AttentionPanel accounts={attention} />
        </div>
        <AuditEvents events={page.events} filter={withoutCursor} cursor={cursor} nextCursor={page.nextCursor} />
      </AdminShell>
    </ClientMessages>
  );
}
