import { useTranslations } from "next-intl";
import { EmailFilter, FilterForm, SelectFilter } from "@/components/admin/filter-form";
import type { AdminUserFilter } from "@/shared/admin-users";

const STATUSES = ["active", "disabled"] as const satisfies readonly NonNullable<AdminUserFilter["status"]>[];

export function UserFilters({ filter }: { filter: AdminUserFilter }) {
  const t = useTranslations("admin");
  return (
    <FilterForm action="/admin/users" label={t("users.filters.label")} className="sm:grid-cols-3" actionsClassName="self-end">
      <EmailFilter name="email" label={t("users.filters.email")} value={filter.email} />
      <SelectFilter
        name="status"
        label={t("users.filters.status")}
        value={filter.status}
        anyLabel={t("users.filters.anyStatus")}
        options={STATUSES.map((status) => [status, t(`users.filters.statuses.${status}`)] as const)}
      />
    </FilterForm>
  );
}
