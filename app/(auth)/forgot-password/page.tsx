import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import Link from "next/link";
import { AuthCard } from "@/components/auth/auth-card";
import { ForgotPasswordForm } from "@/components/auth/forgot-password-form";
import { ClientMessages } from "@/components/layout/client-messages";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("auth");
  return { title: t("forgotPassword.metaTitle") };
}

export default async function ForgotPasswordPage() {
  const t = await getTranslations("auth");
  return (
    <AuthCard
      title={t("forgotPassword.title")}
      subtitle={t("forgotPassword.subtitle")}
      footer={t.rich("forgotPassword.footer", {
        link: (chunks) => (
          <Link href="/login" className="font-semibold text-indigo-700 hover:underline">
            {chunks}
          </Link>
        ),
      })}
    >
      <ClientMessages area="authForm">
        <ForgotPasswordForm />
      </ClientMessages>
    </AuthCard>
  );
}
