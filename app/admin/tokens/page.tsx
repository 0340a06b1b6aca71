import type { Metadata } from "next";
import { AdminShell } from "@/components/admin/admin-shell";
import { AdminTokensTable } from "@/components/admin/admin-tokens-table";
import { FILTER_FIELD, FilterActions } from "@/components/admin/filter-form";
import { listAllApiTokens } from "@/lib/api-tokens/admin";
import { requireAdmin } from "@/lib/auth/admin";
import { adminTokenFilterSchema, firstValues } from "@/shared/audit";

export const metadata: Metadata = { title: "API tokens · Admin", robots: { index: false, follow: false } };

export default async function AdminTokensPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requireAdmin("admin.tokens");
  const filter = adminTokenFilterSchema.parse(firstValues(await searchParams));
  const tokens = await listAllApiTokens(filter);
  return (
    <AdminShell
      current="/admin/tokens"
      title="API tokens"
      description="Every user's API tokens. Revoking one needs your own step-up, is recorded, and tells the owner."
    >
      <form
        method="get"
        action="/admin/tokens"
        role="search"
        aria-label="Filter API tokens"
        className="grid gap-4 rounded-xl bg-white p-5 shadow-sm ring-1 ring-slate-200 sm:grid-cols-3"
      >
        <div>
          <label htmlFor="token-owner" className="block text-sm font-medium text-slate-800">
            Owner email starts with
          </label>
          <input
            id="token-owner"
            name="owner"
            type="search"
            defaultValue={filter.owner ?? ""}
            autoComplete="off"
            maxLength={254}
            className={FILTER_FIELD}
          />
        </div>
        <div>
          <label htmlFor="token-status" className="block text-sm font-medium text-slate-800">
            Status
          </label>
          <select id="token-status" name="status" defaultValue={filter.status ?? ""} className={FILTER_FIELD}>
            <option value="">Any status</option>
            <option value="active">Active</option>
            <option value="expired">Expired</option>
            <option value="revoked">Revoked</option>
          </select>
        </div>
        <FilterActions clearHref="/admin/tokens" className="self-end" />
      </form>
      <AdminTokensTable tokens={tokens} />
    </AdminShell>
  );
}
