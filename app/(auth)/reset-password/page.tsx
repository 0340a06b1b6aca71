import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import Link from "next/link";
import { AuthCard } from "@/components/auth/auth-card";
import { ResetPasswordForm } from "@/components/auth/reset-password-form";
import { ClientMessages } from "@/components/layout/client-messages";
import { pendingResetCookie } from "@/lib/password-reset/cookie";
import { isUuid, maskEmail } from "@/shared/format";

const linkClass = "font-semibold text-indigo-700 hover:underline";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("auth");
  return { title: t("resetPassword.title"), referrer: "no-referrer" };
}

type ResetPageProps = { searchParams: Promise<{ id?: string | string[] }> };

/** Opened from the email's link (`?id=…#code=…`, any device) or after asking in this browser (its cookie). */
export default async function ResetPasswordPage({ searchParams }: ResetPageProps) {
  const { id } = await searchParams;
  const pending = await pendingResetCookie.read();
  const t = await getTranslations("auth");
  const fromLink = typeof id === "string" && isUuid(id) ? id : null;
  const resetId = fromLink ?? pending?.id;
  if (!resetId) {
    return (
      <AuthCard title={t("resetPassword.nothing.title")} subtitle={t("resetPassword.nothing.subtitle")}>
        <p className="text-center text-sm text-slate-700">
          {t.rich("resetPassword.nothing.body", {
            askAgain: (chunks) => (
              <Link href="/forgot-password" className={linkClass}>
                {chunks}
              </Link>
            ),
            signIn: (chunks) => (
              <Link href="/login" className={linkClass}>
                {chunks}
              </Link>
            ),
          })}
        </p>
      </AuthCard>
    );
  }
  const askedHere = pending && pending.id === resetId ? pending : null;
  return (
    <AuthCard
      title={t("resetPassword.title")}
      subtitle={
        askedHere
          ? t.rich("resetPassword.askedHere", {
              email: maskEmail(askedHere.email),
              strong: (chunks) => <strong className="font-semibold text-slate-900">{chunks}</strong>,
            })
          : t("resetPassword.fromLink")
      }
      footer={
        <Link href="/forgot-password" className={linkClass}>
          {t("resetPassword.differentAddress")}
        </Link>
      }
    >
      <div className="space-y-5">
        <ClientMessages area="authCodeForm">
          <ResetPasswordForm resetId={resetId} resendAvailableAt={askedHere?.resendAvailableAt} />
        </ClientMessages>
        <p className="text-xs text-slate-500">{t("resetPassword.afterReset")}</p>
      </div>
    </AuthCard>
  );
}
