import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import Link from "next/link";
import { reportEmailChangeAction } from "@/actions/account";
import { ReportForm } from "@/components/account/report-form";
import { AuthCard } from "@/components/auth/auth-card";
import { LocalTime } from "@/components/ui/local-time";
import { findReportableEmailChange } from "@/lib/account/report-email-change";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("auth");
  return { title: t("report.metaTitle"), robots: { index: false, follow: false } };
}

type ReportPageProps = { searchParams: Promise<{ token?: string | string[] }> };

/** Read-only on GET: mail scanners that prefetch the link must not sign anyone out. */
export default async function EmailChangeReportPage({ searchParams }: ReportPageProps) {
  const { token } = await searchParams;
  const change = typeof token === "string" ? await findReportableEmailChange(token) : null;
  const t = await getTranslations("auth");
  return (
    <div className="mx-auto flex w-full max-w-md flex-col px-4 py-12 sm:py-20">
      {change && typeof token === "string" ? (
        <AuthCard title={t("reportEmailChange.title")} subtitle={t("reportEmailChange.subtitle")} footer={t("reportEmailChange.footer")}>
          <div className="space-y-5">
            <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 rounded-md bg-slate-50 px-4 py-3 text-sm ring-1 ring-slate-200 ring-inset">
              <dt className="text-slate-600">{t("reportEmailChange.newAddress")}</dt>
              <dd className="font-semibold [overflow-wrap:anywhere] text-slate-900">{change.maskedNewEmail}</dd>
              <dt className="text-slate-600">{t("reportEmailChange.changed")}</dt>
              <dd className="font-semibold text-slate-900">
                <LocalTime iso={change.changedAt} />
              </dd>
            </dl>
            <p className="text-sm text-slate-700">{t("reportEmailChange.body")}</p>
            <ReportForm
              token={token}
              action={reportEmailChangeAction}
              steps={[
                t("reportEmailChange.steps.signedOut"),
                t("reportEmailChange.steps.contactAdmin"),
                t("reportEmailChange.steps.changePassword"),
              ]}
            />
          </div>
        </AuthCard>
      ) : (
        <AuthCard title={t("report.expiredTitle")} subtitle={t("report.expiredSubtitle")}>
          <p className="text-center text-sm text-slate-700">
            {t.rich("reportEmailChange.expiredBody", {
              link: (chunks) => (
                <Link href="/login" className="font-semibold text-indigo-700 hover:underline">
                  {chunks}
                </Link>
              ),
            })}
          </p>
        </AuthCard>
      )}
    </div>
  );
}
