import type { Metadata } from "next";
import { headers } from "next/headers";
import Link from "next/link";
import { AdminShell } from "@/components/admin/admin-shell";
import { UserFilters } from "@/components/admin/users/user-filters";
import { UsersTable } from "@/components/admin/users/users-table";
import { listUsers } from "@/lib/admin-users/list";
import { recordAdminView } from "@/lib/audit/admin-views";
import { requireAdmin } from "@/lib/auth/admin";
import { requestMetaFrom } from "@/lib/http/request-meta";
import { adminUserFilterQuery, adminUserFilterSchema } from "@/shared/admin-users";
import { firstValues } from "@/shared/audit";

export const metadata: Metadata = { title: "Users · Admin", robots: { index: false, follow: false } };

type UsersPageProps = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function AdminUsersPage({ searchParams }: UsersPageProps) {
  const session = await requireAdmin("admin.users");
  const filter = adminUserFilterSchema.parse(firstValues(await searchParams));
  const page = await listUsers(filter);
  await recordAdminView(session, requestMetaFrom(await headers()), "admin.users_viewed", filter);
  const { cursor, ...withoutCursor } = filter;

  return (
    <AdminShell
      current="/admin/users"
      title="Users"
      description="Every account by email, with its two-step verification, locks, sessions and tokens. Open one to act on it."
    >
      <UserFilters filter={filter} />
      <section aria-labelledby="users-heading" className="space-y-3">
        <h2 id="users-heading" className="text-base font-semibold text-slate-900">
          Accounts{cursor ? " (continued)" : ""}
        </h2>
        <UsersTable users={page.users} />
        <nav aria-label="Pages" className="flex items-center justify-between text-sm">
          {cursor ? (
            <Link href={`/admin/users${adminUserFilterQuery(withoutCursor)}`} className="font-medium text-indigo-700 hover:underline">
              First page
            </Link>
          ) : (
            <span />
          )}
          {page.nextCursor && (
            <Link
              href={`/admin/users${adminUserFilterQuery({ ...withoutCursor, cursor: page.nextCursor })}`}
              className="font-medium text-indigo-700 hover:underline"
            >
              Next page →
            </Link>
          )}
        </nav>
      </section>
    </AdminShell>
  );
}
