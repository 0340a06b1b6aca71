import { useTranslations } from "next-intl";
import Link from "next/link";
import { DateFilter, EmailFilter, FilterForm, SelectFilter } from "@/components/admin/filter-form";
import { AUDIT_GROUPS, AUDIT_OUTCOMES, auditFilterQuery, type AuditFilter, type AuditGroup } from "@/shared/audit";

const GROUPS = Object.keys(AUDIT_GROUPS) as AuditGroup[];

/** `accountLabel`: how to name the account the view is narrowed to (`filter.account`), kept while other filters change. */
export function AuditFilters({ filter, accountLabel }: { filter: AuditFilter; accountLabel?: string | null }) {
  const t = useTranslations("admin");
  const { account, cursor: _cursor, ...rest } = filter;
  return (
    <FilterForm
      action="/admin/audit"
      label={t("audit.filters.label")}
      className="sm:grid-cols-2 lg:grid-cols-6"
      actionsClassName="sm:col-span-2 lg:col-span-6"
    >
      {account && (
        <p className="flex flex-wrap items-center gap-x-3 gap-y-1 rounded-md bg-indigo-50 px-3 py-2 text-sm text-indigo-900 sm:col-span-2 lg:col-span-6">
          <input type="hidden" name="account" value={account} />
          <span>
            {t.rich("audit.filters.account", {
              account: accountLabel ?? account,
              name: (chunks) => <span className="font-medium [overflow-wrap:anywhere]">{chunks}</span>,
            })}
          </span>
          <Link href={`/admin/audit${auditFilterQuery(rest)}`} className="font-medium text-indigo-700 underline">
            {t("audit.filters.everyAccount")}
          </Link>
        </p>
      )}
      <EmailFilter name="email" label={t("audit.filters.email")} value={filter.email} className="lg:col-span-2" />
      <SelectFilter
        name="group"
        label={t("audit.filters.type")}
        value={filter.group}
        anyLabel={t("audit.filters.anyType")}
        options={GROUPS.map((group) => [group, t(`audit.categories.${group}`)] as const)}
      />
      <SelectFilter
        name="outcome"
        label={t("audit.filters.outcome")}
        value={filter.outcome}
        anyLabel={t("audit.filters.anyOutcome")}
        options={AUDIT_OUTCOMES.map((outcome) => [outcome, t(`audit.outcomes.${outcome}`)] as const)}
      />
      <DateFilter name="from" label={t("audit.filters.from")} value={filter.from} />
      <DateFilter name="to" label={t("audit.filters.to")} value={filter.to} />
    </FilterForm>
  );
}
