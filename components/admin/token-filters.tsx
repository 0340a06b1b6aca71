import { EmailFilter, FilterForm, SelectFilter } from "@/components/admin/filter-form";
import { EXPIRING_WITHIN_DAYS, STALE_LABEL } from "@/shared/api-tokens";
import type { AdminTokenFilter } from "@/shared/audit";

const STATUS_OPTIONS = [
  ["active", "Active"],
  ["expiring", `Active, expiring within ${EXPIRING_WITHIN_DAYS} days`],
  ["stale", `Active, ${STALE_LABEL.toLowerCase()}`],
  ["expired", "Expired"],
  ["revoked", "Revoked"],
] as const;

export function TokenFilters({ filter }: { filter: AdminTokenFilter }) {
  return (
    <FilterForm action="/admin/tokens" label="Filter API tokens" className="sm:grid-cols-3" actionsClassName="self-end">
      <EmailFilter name="owner" label="Owner email starts with" value={filter.owner} />
      <SelectFilter name="status" label="Status" value={filter.status} anyLabel="Any status" options={STATUS_OPTIONS} />
    </FilterForm>
  );
}
