import Link from "next/link";
import { DateFilter, EmailFilter, FilterForm, SelectFilter } from "@/components/admin/filter-form";
import { AUDIT_GROUPS, AUDIT_OUTCOMES, auditFilterQuery, type AuditFilter } from "@/shared/audit";

const GROUP_OPTIONS = Object.entries(AUDIT_GROUPS).map(([value, group]) => [value, group.label] as const);
const OUTCOME_OPTIONS = AUDIT_OUTCOMES.map((outcome) => [outcome, outcome.charAt(0) + outcome.slice(1).toLowerCase()] as const);

/** `accountLabel`: how to name the account the view is narrowed to (`filter.account`), kept while other filters change. */
export function AuditFilters({ filter, accountLabel }: { filter: AuditFilter; accountLabel?: string | null }) {
  const { account, cursor: _cursor, ...rest } = filter;
  return (
    <FilterForm
      action="/admin/audit"
      label="Filter audit events"
      className="sm:grid-cols-2 lg:grid-cols-6"
      actionsClassName="sm:col-span-2 lg:col-span-6"
    >
      {account && (
        <p className="flex flex-wrap items-center gap-x-3 gap-y-1 rounded-md bg-indigo-50 px-3 py-2 text-sm text-indigo-900 sm:col-span-2 lg:col-span-6">
          <input type="hidden" name="account" value={account} />
          <span>
            Account <span className="font-medium [overflow-wrap:anywhere]">{accountLabel ?? account}</span>: what it did and what was done
            to it.
          </span>
          <Link href={`/admin/audit${auditFilterQuery(rest)}`} className="font-medium text-indigo-700 underline">
            Every account
          </Link>
        </p>
      )}
      <EmailFilter name="email" label="User email starts with" value={filter.email} className="lg:col-span-2" />
      <SelectFilter name="group" label="Event type" value={filter.group} anyLabel="All types" options={GROUP_OPTIONS} />
      <SelectFilter name="outcome" label="Outcome" value={filter.outcome} anyLabel="Any outcome" options={OUTCOME_OPTIONS} />
      <DateFilter name="from" label="From (UTC)" value={filter.from} />
      <DateFilter name="to" label="To (UTC)" value={filter.to} />
    </FilterForm>
  );
}
