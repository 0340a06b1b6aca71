import type { Metadata } from "next";
import Link from "next/link";
import { AdminShell } from "@/components/admin/admin-shell";
import { AdminTokensTable } from "@/components/admin/admin-tokens-table";
import { listAllApiTokens } from "@/lib/api-tokens/admin";
import { requireAdmin } from "@/lib/auth/admin";
import { adminTokenFilterSchema, firstValues } from "@/lib/validation/audit";

export const metadata: Metadata = { title: "API tokens · Admin", robots: { index: false, follow: false } };

const FIELD = "mt-1.5 block w-full rounded-md border-0 bg-white px-3 py-2 text-sm text-slate-900 shadow-sm ring-1 ring-slate-300 ring-inset focus:ring-2 focus:ring-indigo-600 focus:outline-none";

export default async function AdminTokensPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requireAdmin("admin.tokens");
  const filter = adminTokenFilterSchema.parse(firstValues(await searchParams));
  const tokens = await listAllApiTokens(filter);
  return (
    <AdminShell current="/admin/tokens" title="API tokens" description="Every user's API tokens. Revoking one needs your own step-up, is recorded, and tells the owner.">
      <form method="get" action="/admin/tokens" role="search" aria-label="Filter API tokens" className="grid gap-4 rounded-xl bg-white p-5 shadow-sm ring-1 ring-slate-200 sm:grid-cols-3">
        <div>
          <label htmlFor="token-owner" className="block text-sm font-medium text-slate-800">Owner email starts with</label>
          <input id="token-owner" name="owner" type="search" defaultValue={filter.owner ?? ""} autoComplete="off" maxLength={254} className={FIELD} />
        </div>
        <div>
          <label htmlFor="token-status" className="block text-sm font-medium text-slate-800">Status</label>
          <select id="token-status" name="status" defaultValue={filter.status ?? ""} className={FIELD}>
            <option value="">Any status</option>
            <option value="active">Active</option>
            <option value="expired">Expired</option>
            <option value="revoked">Revoked</option>
          </select>
        </div>
        <div className="flex items-end gap-3">
          <button type="submit" className="rounded-md bg-indigo-600 px-4 py-2 text-sm font-semibold text-white shadow-sm hover:bg-indigo-500 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600">
            Apply filters
          </button>
          <Link href="/admin/tokens" className="pb-2 text-sm font-medium text-slate-700 hover:underline">Clear</Link>
        </div>
      </form>
      <AdminTokensTable tokens={tokens} />
    </AdminShell>
  );
}
