import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import Link from "next/link";
import { AuthCard } from "@/components/auth/auth-card";
import { VerifyEmailForm } from "@/components/auth/verify-email-form";
import { ClientMessages } from "@/components/layout/client-messages";
import { readPendingSignUpCookie } from "@/lib/auth/pending-sign-up-cookie";
import { maskEmail } from "@/shared/format";

const linkClass = "font-semibold text-indigo-700 hover:underline";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("auth");
  return { title: t("verifyEmail.metaTitle") };
}

export default async function VerifyEmailPage() {
  const pending = await readPendingSignUpCookie();
  const t = await getTranslations("auth");
  if (!pending) {
    return (
      <AuthCard title={t("verifyEmail.nothing.title")} subtitle={t("verifyEmail.nothing.subtitle")}>
        <p className="text-center text-sm text-slate-700">
          {t.rich("verifyEmail.nothing.body", {
            start: (chunks) => (
              <Link href="/signup" className={linkClass}>
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
  return (
    <AuthCard
      title={t("verifyEmail.title")}
      subtitle={t.rich("verifyEmail.subtitle", {
        email: maskEmail(pending.email),
        strong: (chunks) => <strong className="font-semibold text-slate-900">{chunks}</strong>,
      })}
      footer={
        <Link href="/signup" className={linkClass}>
          {t("verifyEmail.differentAddress")}
        </Link>
      }
    >
      <ClientMessages area="authCodeForm">
        <VerifyEmailForm resendAvailableAt={pending.resendAvailableAt} />
      </ClientMessages>
    </AuthCard>
  );
}
