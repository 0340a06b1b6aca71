import { DateFilter, EmailFilter, FilterForm, SelectFilter } from "@/components/admin/filter-form";
import { AUDIT_GROUPS, AUDIT_OUTCOMES, type AuditFilter } from "@/shared/audit";

const GROUP_OPTIONS = Object.entries(AUDIT_GROUPS).map(([value, group]) => [value, group.label] as const);
const OUTCOME_OPTIONS = AUDIT_OUTCOMES.map((outcome) => [outcome, outcome.charAt(0) + outcome.slice(1).toLowerCase()] as const);

export function AuditFilters({ filter }: { filter: AuditFilter }) {
  return (
    <FilterForm
      action="/admin/audit"
      label="Filter audit events"
      className="sm:grid-cols-2 lg:grid-cols-6"
      actionsClassName="sm:col-span-2 lg:col-span-6"
    >
      <EmailFilter name="email" label="User email starts with" value={filter.email} className="lg:col-span-2" />
      <SelectFilter name="group" label="Event type" value={filter.group} anyLabel="All types" options={GROUP_OPTIONS} />
      <SelectFilter name="outcome" label="Outcome" value={filter.outcome} anyLabel="Any outcome" options={OUTCOME_OPTIONS} />
      <DateFilter name="from" label="From (UTC)" value={filter.from} />
      <DateFilter name="to" label="To (UTC)" value={filter.to} />
    </FilterForm>
  );
}
