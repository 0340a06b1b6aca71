import type { Metadata } from "next";
import Link from "next/link";
import { DeleteAccountSection } from "@/components/account/delete-account-section";
import { Card, CardBody } from "@/components/ui/card";
import { isLastActiveAdmin } from "@/lib/account/delete-account";
import { getProfile } from "@/lib/auth/profile";
import { requireSession } from "@/lib/sessions/current";
import { formatDateTime } from "@/shared/format";

export const metadata: Metadata = { title: "Profile" };

export default async function ProfilePage() {
  const session = await requireSession();
  const profile = await getProfile(session.user.id);
  const lastAdmin = profile.role === "ADMIN" && (await isLastActiveAdmin(session.user.id));
  const rows = [
    { label: "Email address", value: profile.email, note: "Verified" },
    { label: "Role", value: profile.role === "ADMIN" ? "Administrator" : "Member" },
    { label: "Member since", value: formatDateTime(profile.createdAt) },
    { label: "This session started", value: formatDateTime(session.createdAt) },
  ];
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-bold tracking-tight">Profile</h1>
        <p className="mt-1 text-sm text-slate-600">Your account at a glance.</p>
      </div>
      <Card headingId="account-heading" title="Account" description="Changes to these details are protected by a code sent to your email.">
        <CardBody>
          <dl className="divide-y divide-slate-100">
            {rows.map((row) => (
              <div key={row.label} className="grid gap-1 py-3 sm:grid-cols-3 sm:gap-4">
                <dt className="text-sm font-medium text-slate-600">{row.label}</dt>
                <dd className="flex items-center gap-2 text-sm text-slate-900 sm:col-span-2">
                  {row.value}
                  {row.note && (
                    <span className="rounded-full bg-emerald-50 px-2 py-0.5 text-xs font-medium text-emerald-700 ring-1 ring-emerald-200">
                      {row.note}
                    </span>
                  )}
                </dd>
              </div>
            ))}
          </dl>
        </CardBody>
      </Card>
      <p className="text-sm text-slate-600">
        Manage tokens, two-step verification, password and sessions on the{" "}
        <Link href="/settings/security" className="font-semibold text-indigo-700 hover:underline">
          Security page
        </Link>
        .
      </p>
      <DeleteAccountSection
        heading={{ headingId: "delete-account-heading", title: "Delete account", description: "Remove your account and everything in it." }}
        email={profile.email}
        lastAdmin={lastAdmin}
      />
    </div>
  );
}
