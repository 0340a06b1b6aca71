import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import Link from "next/link";
import type { ReactNode } from "react";
import { secureAccountByLinkAction } from "@/actions/activity";
import { ReportForm } from "@/components/account/report-form";
import { AuthCard } from "@/components/auth/auth-card";
import { LocalTime } from "@/components/ui/local-time";
import { findSecurableDevice } from "@/lib/account/secure-account";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("auth");
  return { title: t("secureAccount.metaTitle"), robots: { index: false, follow: false } };
}

type SecureAccountPageProps = { searchParams: Promise<{ token?: string | string[] }> };

const linkClass = "font-semibold text-indigo-700 hover:underline";

/** The new-device email's link. Read-only on GET: mail scanners that prefetch links must not sign anyone out. */
export default async function SecureAccountPage({ searchParams }: SecureAccountPageProps) {
  const { token } = await searchParams;
  const device = typeof token === "string" ? await findSecurableDevice(token) : null;
  const t = await getTranslations("auth");
  const resetPasswordLink = (chunks: ReactNode) => (
    <Link href="/forgot-password" className={linkClass}>
      {chunks}
    </Link>
  );
  return (
    <div className="mx-auto flex w-full max-w-md flex-col px-4 py-12 sm:py-20">
      {device && typeof token === "string" ? (
        <AuthCard
          title={t("secureAccount.title")}
          subtitle={t.rich("secureAccount.subtitle", {
            // Words from the server (describeUserAgent), e.g. "Chrome 130 on Linux".
            device: device.device,
            highlight: (chunks) => <span className="font-semibold text-slate-900">{chunks}</span>,
            when: () => (
              <span className="font-semibold text-slate-900">
                <LocalTime iso={device.signedInAt} />
              </span>
            ),
          })}
          footer={t("secureAccount.footer")}
        >
          <div className="space-y-5">
            <p className="text-sm text-slate-700">{t("secureAccount.body")}</p>
            <ReportForm
              token={token}
              action={secureAccountByLinkAction}
              steps={[
                t.rich("secureAccount.steps.reset", { link: resetPasswordLink }),
                t("secureAccount.steps.review"),
                t("secureAccount.steps.twoFactor"),
              ]}
            />
          </div>
        </AuthCard>
      ) : (
        <AuthCard title={t("report.expiredTitle")} subtitle={t("secureAccount.expiredSubtitle")}>
          <p className="text-center text-sm text-slate-700">{t.rich("secureAccount.expiredBody", { link: resetPasswordLink })}</p>
        </AuthCard>
      )}
    </div>
  );
}
