import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import Link from "next/link";
import type { ReactNode } from "react";
import { reportPasswordResetAction } from "@/actions/password-reset";
import { ReportForm } from "@/components/account/report-form";
import { AuthCard } from "@/components/auth/auth-card";
import { LocalTime } from "@/components/ui/local-time";
import { findReportablePasswordReset } from "@/lib/password-reset/report";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("auth");
  return { title: t("report.metaTitle"), robots: { index: false, follow: false } };
}

type ReportPageProps = { searchParams: Promise<{ token?: string | string[] }> };

const linkClass = "font-semibold text-indigo-700 hover:underline";

/** Read-only on GET: mail scanners that prefetch the link must not sign anyone out. */
export default async function PasswordResetReportPage({ searchParams }: ReportPageProps) {
  const { token } = await searchParams;
  const reset = typeof token === "string" ? await findReportablePasswordReset(token) : null;
  const t = await getTranslations("auth");
  const resetPasswordLink = (chunks: ReactNode) => (
    <Link href="/forgot-password" className={linkClass}>
      {chunks}
    </Link>
  );
  return (
    <div className="mx-auto flex w-full max-w-md flex-col px-4 py-12 sm:py-20">
      {reset && typeof token === "string" ? (
        <AuthCard
          title={t("reportPasswordReset.title")}
          subtitle={t.rich("reportPasswordReset.subtitle", {
            when: () => (
              <span className="font-semibold text-slate-900">
                <LocalTime iso={reset.resetAt} />
              </span>
            ),
          })}
          footer={t("reportPasswordReset.footer")}
        >
          <div className="space-y-5">
            <p className="text-sm text-slate-700">{t("reportPasswordReset.body")}</p>
            <ReportForm
              token={token}
              action={reportPasswordResetAction}
              steps={[
                t("reportPasswordReset.steps.signedOut"),
                t.rich("reportPasswordReset.steps.resetAgain", { link: resetPasswordLink }),
                t("reportPasswordReset.steps.review"),
              ]}
            />
          </div>
        </AuthCard>
      ) : (
        <AuthCard title={t("report.expiredTitle")} subtitle={t("report.expiredSubtitle")}>
          <p className="text-center text-sm text-slate-700">{t.rich("reportPasswordReset.expiredBody", { link: resetPasswordLink })}</p>
        </AuthCard>
      )}
    </div>
  );
}
