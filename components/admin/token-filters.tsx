import { useTranslations } from "next-intl";
import { EmailFilter, FilterForm, SelectFilter } from "@/components/admin/filter-form";
import { EXPIRING_WITHIN_DAYS } from "@/shared/api-tokens";
import type { AdminTokenFilter } from "@/shared/audit";

const STATUSES = ["active", "expiring", "stale", "expired", "revoked"] as const satisfies readonly NonNullable<
  AdminTokenFilter["status"]
>[];

export function TokenFilters({ filter }: { filter: AdminTokenFilter }) {
  const t = useTranslations("admin");
  return (
    <FilterForm action="/admin/tokens" label={t("tokens.filters.label")} className="sm:grid-cols-3" actionsClassName="self-end">
      <EmailFilter name="owner" label={t("tokens.filters.owner")} value={filter.owner} />
      <SelectFilter
        name="status"
        label={t("tokens.filters.status")}
        value={filter.status}
        anyLabel={t("tokens.filters.anyStatus")}
        options={STATUSES.map((status) => [status, t(`tokens.filters.statuses.${status}`, { days: EXPIRING_WITHIN_DAYS })] as const)}
      />
    </FilterForm>
  );
}
