import type { Metadata } from "next";
import { headers } from "next/headers";
import { adminPageTitle, AdminShell } from "@/components/admin/admin-shell";
import { UserFilters } from "@/components/admin/users/user-filters";
import { UsersSection } from "@/components/admin/users/users-table";
import { ClientMessages } from "@/components/layout/client-messages";
import { listUsers } from "@/lib/admin-users/list";
import { recordAdminView } from "@/lib/audit/admin-views";
import { requireAdmin } from "@/lib/auth/admin";
import { requestMetaFrom } from "@/lib/http/request-meta";
import { adminUserFilterSchema } from "@/shared/admin-users";
import { firstValues } from "@/shared/audit";

export async function generateMetadata(): Promise<Metadata> {
  return { title: await adminPageTitle("users"), robots: { index: false, follow: false } };
}

type UsersPageProps = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function AdminUsersPage({ searchParams }: UsersPageProps) {
  const session = await requireAdmin("admin.users");
  const filter = adminUserFilterSchema.parse(firstValues(await searchParams));
  const page = await listUsers(filter);
  await recordAdminView(session, requestMetaFrom(await headers()), "admin.users_viewed", filter);
  const { cursor, ...withoutCursor } = filter;

  return (
    <ClientMessages area="admin">
      <AdminShell page="users">
        <UserFilters filter={filter} />
        <UsersSection users={page.users} filter={withoutCursor} cursor={cursor} nextCursor={page.nextCursor} />
      </AdminShell>
    </ClientMessages>
  );
}
