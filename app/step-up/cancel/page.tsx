import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import Link from "next/link";
import { AuthCard } from "@/components/auth/auth-card";
import { ClientMessages } from "@/components/layout/client-messages";
import { ReportForm } from "@/components/step-up/report-challenge-form";
import { findReportableChallenge } from "@/lib/step-up/report";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("stepUp");
  return { title: t("cancelPage.metaTitle"), robots: { index: false, follow: false } };
}

type CancelPageProps = { searchParams: Promise<{ token?: string | string[] }> };

/** Read-only on GET: mail scanners that prefetch the link must not cancel anything. */
export default async function StepUpCancelPage({ searchParams }: CancelPageProps) {
  const { token } = await searchParams;
  const [t, tActions] = await Promise.all([getTranslations("stepUp"), getTranslations("stepUpActions")]);
  const challenge = typeof token === "string" ? await findReportableChallenge(token, tActions) : null;
  return (
    <div className="mx-auto flex w-full max-w-md flex-col px-4 py-12 sm:py-20">
      {challenge && typeof token === "string" ? (
        <AuthCard title={t("cancelPage.title")} subtitle={t("cancelPage.subtitle")} footer={t("cancelPage.footer")}>
          <div className="space-y-5">
            <div className="rounded-md bg-slate-50 px-4 py-3 text-sm ring-1 ring-slate-200 ring-inset">
              <p className="text-slate-600">{t("cancelPage.requestWas")}</p>
              <p className="mt-0.5 font-semibold [overflow-wrap:anywhere] text-slate-900">{challenge.description}</p>
            </div>
            <p className="text-sm text-slate-700">{t("cancelPage.explain")}</p>
            <ClientMessages area="stepUpCancel">
              <ReportForm token={token} />
            </ClientMessages>
          </div>
        </AuthCard>
      ) : (
        <AuthCard title={t("cancelPage.expiredTitle")} subtitle={t("cancelPage.expiredSubtitle")}>
          <p className="text-center text-sm text-slate-700">
            {t.rich("cancelPage.expiredBody", {
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
