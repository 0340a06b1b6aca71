import type { Metadata } from "next";
import { headers } from "next/headers";
import Link from "next/link";
import { notFound } from "next/navigation";
import { AdminShell } from "@/components/admin/admin-shell";
import { UserActions } from "@/components/admin/users/user-actions";
import { UserOverview } from "@/components/admin/users/user-overview";
import { Notice } from "@/components/ui/notice";
import { getUserDetails } from "@/lib/admin-users/details";
import { recordAdminView } from "@/lib/audit/admin-views";
import { requireAdmin } from "@/lib/auth/admin";
import { requestMetaFrom } from "@/lib/http/request-meta";
import { isUuid } from "@/shared/format";

export const metadata: Metadata = { title: "Account · Admin", robots: { index: false, follow: false } };

type UserPageProps = { params: Promise<{ id: string }> };

export default async function AdminUserPage({ params }: UserPageProps) {
  const session = await requireAdmin("admin.users");
  const { id } = await params;
  const user = isUuid(id) ? await getUserDetails(session, id.toLowerCase()) : null;
  if (!user) notFound();
  await recordAdminView(session, requestMetaFrom(await headers()), "admin.users_viewed", { userId: user.id });

  return (
    <AdminShell
      current="/admin/users"
      title={user.email}
      description="One account: what it has, what holds it back, and what you can do about it."
    >
      <p className="text-sm">
        <Link href="/admin/users" className="font-medium text-indigo-700 hover:underline">
          ← All users
        </Link>
      </p>
      <UserOverview user={user} />
      {user.isViewer ? (
        <Notice tone="info">
          This is your own account. The console does not act on it: manage it from{" "}
          <Link href="/settings/security" className="font-medium underline">
            your security settings
          </Link>
          .
        </Notice>
      ) : (
        <UserActions user={user} />
      )}
    </AdminShell>
  );
}
