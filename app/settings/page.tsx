import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import Link from "next/link";
import { DeleteAccountSection } from "@/components/account/delete-account-section";
import { ClientMessages } from "@/components/layout/client-messages";
import { LanguageSection } from "@/components/preferences/language-section";
import { Card, CardBody } from "@/components/ui/card";
import { LocalTime } from "@/components/ui/local-time";
import { isLastActiveAdmin } from "@/lib/account/delete-account";
import { getProfile } from "@/lib/auth/profile";
import { requireSession } from "@/lib/sessions/current";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("settings");
  return { title: t("profile.title") };
}

export default async function ProfilePage() {
  const session = await requireSession();
  const [t, tLanguage, profile] = await Promise.all([
    getTranslations("settings"),
    getTranslations("preferences"),
    getProfile(session.user.id),
  ]);
  const lastAdmin = profile.role === "ADMIN" && (await isLastActiveAdmin(session.user.id));
  const rows = [
    { label: t("profile.rows.email"), value: profile.email, note: t("profile.rows.verified") },
    { label: t("profile.rows.role"), value: t(`profile.roles.${profile.role}`) },
    { label: t("profile.rows.memberSince"), value: <LocalTime iso={profile.createdAt.toISOString()} /> },
    { label: t("profile.rows.sessionStarted"), value: <LocalTime iso={session.createdAt.toISOString()} /> },
  ];
  return (
    <ClientMessages area="profile">
      <div className="space-y-6">
        <div>
          <h1 className="text-2xl font-bold tracking-tight">{t("profile.title")}</h1>
          <p className="mt-1 text-sm text-slate-600">{t("profile.intro")}</p>
        </div>
        <Card headingId="account-heading" title={t("profile.account.title")} description={t("profile.account.description")}>
          <CardBody>
            <dl className="divide-y divide-slate-100">
              {rows.map((row) => (
                <div key={row.label} className="grid gap-1 py-3 sm:grid-cols-3 sm:gap-4">
                  <dt className="text-sm font-medium text-slate-600">{row.label}</dt>
                  <dd className="flex flex-wrap items-center gap-2 text-sm [overflow-wrap:anywhere] text-slate-900 sm:col-span-2">
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
        <LanguageSection
          heading={{ headingId: "language-heading", title: tLanguage("language.title"), description: tLanguage("language.description") }}
          current={session.locale ?? "auto"}
        />
        <p className="text-sm text-slate-600">
          {t.rich("profile.securityLink", {
            link: (chunks) => (
              <Link href="/settings/security" className="font-semibold text-indigo-700 hover:underline">
                {chunks}
              </Link>
            ),
          })}
        </p>
        <DeleteAccountSection
          heading={{ headingId: "delete-account-heading", title: t("deleteAccount.title"), description: t("deleteAccount.description") }}
          email={profile.email}
          lastAdmin={lastAdmin}
        />
      </div>
    </ClientMessages>
  );
}
