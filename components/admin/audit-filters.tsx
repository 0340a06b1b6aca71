import Link from "next/link";
import { AUDIT_GROUPS, AUDIT_OUTCOMES, type AuditFilter } from "@/lib/validation/audit";

const FIELD = "block w-full rounded-md border-0 bg-white px-3 py-2 text-sm text-slate-900 shadow-sm ring-1 ring-slate-300 ring-inset focus:ring-2 focus:ring-indigo-600 focus:outline-none";

/** A plain GET form: filters live in the URL, so views are shareable and the back button works. */
export function AuditFilters({ filter }: { filter: AuditFilter }) {
  return (
    <form method="get" action="/admin/audit" role="search" aria-label="Filter audit events" className="grid gap-4 rounded-xl bg-white p-5 shadow-sm ring-1 ring-slate-200 sm:grid-cols-2 lg:grid-cols-6">
      <div className="lg:col-span-2">
        <label htmlFor="filter-email" className="block text-sm font-medium text-slate-800">User email starts with</label>
        <input id="filter-email" name="email" type="search" defaultValue={filter.email ?? ""} autoComplete="off" spellCheck={false} maxLength={254} className={`mt-1.5 ${FIELD}`} />
      </div>
      <div>
        <label htmlFor="filter-group" className="block text-sm font-medium text-slate-800">Event type</label>
        <select id="filter-group" name="group" defaultValue={filter.group ?? ""} className={`mt-1.5 ${FIELD}`}>
          <option value="">All types</option>
          {Object.entries(AUDIT_GROUPS).map(([value, group]) => (
            <option key={value} value={value}>{group.label}</option>
          ))}
        </select>
      </div>
      <div>
        <label htmlFor="filter-outcome" className="block text-sm font-medium text-slate-800">Outcome</label>
        <select id="filter-outcome" name="outcome" defaultValue={filter.outcome ?? ""} className={`mt-1.5 ${FIELD}`}>
          <option value="">Any outcome</option>
          {AUDIT_OUTCOMES.map((outcome) => (
            <option key={outcome} value={outcome}>{outcome.charAt(0) + outcome.slice(1).toLowerCase()}</option>
          ))}
        </select>
      </div>
      <div>
        <label htmlFor="filter-from" className="block text-sm font-medium text-slate-800">From (UTC)</label>
        <input id="filter-from" name="from" type="date" defaultValue={filter.from ?? ""} className={`mt-1.5 ${FIELD}`} />
      </div>
      <div>
        <label htmlFor="filter-to" className="block text-sm font-medium text-slate-800">To (UTC)</label>
        <input id="filter-to" name="to" type="date" defaultValue={filter.to ?? ""} className={`mt-1.5 ${FIELD}`} />
      </div>
      <div className="flex items-center gap-3 sm:col-span-2 lg:col-span-6">
        <button type="submit" className="rounded-md bg-indigo-600 px-4 py-2 text-sm font-semibold text-white shadow-sm hover:bg-indigo-500 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600">
          Apply filters
        </button>
        <Link href="/admin/audit" className="text-sm font-medium text-slate-700 hover:underline">Clear</Link>
      </div>
    </form>
  );
}
