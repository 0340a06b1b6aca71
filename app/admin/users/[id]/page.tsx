import type { Metadata } from "next";
import { headers } from "next/headers";
import { notFound } from "next/navigation";
import { adminPageTitle, AdminShell } from "@/components/admin/admin-shell";
import { UserActions } from "@/components/admin/users/user-actions";
import { AllUsersLink, OwnAccountNotice, UserOverview } from "@/components/admin/users/user-overview";
import { ClientMessages } from "@/components/layout/client-messages";
import { getUserDetails } from "@/lib/admin-users/details";
import { recordAdminView } from "@/lib/audit/admin-views";
import { requireAdmin } from "@/lib/auth/admin";
import { requestMetaFrom } from "@/lib/http/request-meta";
import { isUuid } from "@/shared/format";

export async function generateMetadata(): Promise<Metadata> {
  return { title: await adminPageTitle("user"), robots: { index: false, follow: false } };
}

type UserPageProps = { params: Promise<{ id: string }> };

export default async function AdminUserPage({ params }: UserPageProps) {
  const session = await requireAdmin("admin.users");
  const { id } = await params;
  const user = isUuid(id) ? await getUserDetails(session, id.toLowerCase()) : null;
  if (!user) notFound();
  await recordAdminView(session, requestMetaFrom(await headers()), "admin.users_viewed", { userId: user.id });

  return (
    <ClientMessages area="adminUser">
      <AdminShell page="user" title={user.email}>
        <AllUsersLink />
        <UserOverview user={user} />
        {user.isViewer ? <OwnAccountNotice /> : <UserActions user={user} />}
      </AdminShell>
    </ClientMessages>
  );
}
