import { EmailFilter, FilterForm, SelectFilter } from "@/components/admin/filter-form";
import type { AdminUserFilter } from "@/shared/admin-users";

const STATUS_OPTIONS = [
  ["active", "Active"],
  ["disabled", "Disabled"],
] as const;

export function UserFilters({ filter }: { filter: AdminUserFilter }) {
  return (
    <FilterForm action="/admin/users" label="Search users" className="sm:grid-cols-3" actionsClassName="self-end">
      <EmailFilter name="email" label="Email starts with" value={filter.email} />
      <SelectFilter name="status" label="Status" value={filter.status} anyLabel="Any status" options={STATUS_OPTIONS} />
    </FilterForm>
  );
}
