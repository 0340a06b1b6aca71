import type { Metadata } from "next";
import { AdminShell } from "@/components/admin/admin-shell";
import { AdminTokensTable } from "@/components/admin/admin-tokens-table";
import { TokenFilters } from "@/components/admin/token-filters";
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
      description="Every user's API tokens. Revoking one, or a selection at once, needs your own step-up, is recorded, and tells each owner."
    >
      <TokenFilters filter={filter} />
      <AdminTokensTable tokens={tokens} />
    </AdminShell>
  );
}
