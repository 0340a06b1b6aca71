import { FILTER_FIELD, FilterActions } from "@/components/admin/filter-form";
import { AUDIT_GROUPS, AUDIT_OUTCOMES, type AuditFilter } from "@/shared/audit";

/** A plain GET form: filters live in the URL, so views are shareable and the back button works. */
export function AuditFilters({ filter }: { filter: AuditFilter }) {
  return (
    <form
      method="get"
      action="/admin/audit"
      role="search"
      aria-label="Filter audit events"
      className="grid gap-4 rounded-xl bg-white p-5 shadow-sm ring-1 ring-slate-200 sm:grid-cols-2 lg:grid-cols-6"
    >
      <div className="lg:col-span-2">
        <label htmlFor="filter-email" className="block text-sm font-medium text-slate-800">
          User email starts with
        </label>
        <input
          id="filter-email"
          name="email"
          type="search"
          defaultValue={filter.email ?? ""}
          autoComplete="off"
          spellCheck={false}
          maxLength={254}
          className={FILTER_FIELD}
        />
      </div>
      <div>
        <label htmlFor="filter-group" className="block text-sm font-medium text-slate-800">
          Event type
        </label>
        <select id="filter-group" name="group" defaultValue={filter.group ?? ""} className={FILTER_FIELD}>
          <option value="">All types</option>
          {Object.entries(AUDIT_GROUPS).map(([value, group]) => (
            <option key={value} value={value}>
              {group.label}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label htmlFor="filter-outcome" className="block text-sm font-medium text-slate-800">
          Outcome
        </label>
        <select id="filter-outcome" name="outcome" defaultValue={filter.outcome ?? ""} className={FILTER_FIELD}>
          <option value="">Any outcome</option>
          {AUDIT_OUTCOMES.map((outcome) => (
            <option key={outcome} value={outcome}>
              {outcome.charAt(0) + outcome.slice(1).toLowerCase()}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label htmlFor="filter-from" className="block text-sm font-medium text-slate-800">
          From (UTC)
        </label>
        <input id="filter-from" name="from" type="date" defaultValue={filter.from ?? ""} className={FILTER_FIELD} />
      </div>
      <div>
        <label htmlFor="filter-to" className="block text-sm font-medium text-slate-800">
          To (UTC)
        </label>
        <input id="filter-to" name="to" type="date" defaultValue={filter.to ?? ""} className={FILTER_FIELD} />
      </div>
      <FilterActions clearHref="/admin/audit" className="sm:col-span-2 lg:col-span-6" />
    </form>
  );
}
