import type { Metadata } from "next";
import { adminPageTitle, AdminShell } from "@/components/admin/admin-shell";
import { AdminTokensTable } from "@/components/admin/admin-tokens-table";
import { TokenFilters } from "@/components/admin/token-filters";
import { ClientMessages } from "@/components/layout/client-messages";
import { listAllApiTokens } from "@/lib/api-tokens/admin";
import { requireAdmin } from "@/lib/auth/admin";
import { adminTokenFilterSchema, firstValues } from "@/shared/audit";

export async function generateMetadata(): Promise<Metadata> {
  return { title: await adminPageTitle("tokens"), robots: { index: false, follow: false } };
}

export default async function AdminTokensPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requireAdmin("admin.tokens");
  const filter = adminTokenFilterSchema.parse(firstValues(await searchParams));
  const tokens = await listAllApiTokens(filter);
  return (
    <ClientMessages area="adminTokens">
      <AdminShell page="tokens">
        <TokenFilters filter={filter} />
        <AdminTokensTable tokens={tokens} />
      </AdminShell>
    </ClientMessages>
  );
}
