import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import Link from "next/link";
import { AuthCard } from "@/components/auth/auth-card";
import { SignUpForm } from "@/components/auth/sign-up-form";
import { ClientMessages } from "@/components/layout/client-messages";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("auth");
  return { title: t("signUp.metaTitle") };
}

export default async function SignUpPage() {
  const t = await getTranslations("auth");
  return (
    <AuthCard
      title={t("signUp.title")}
      subtitle={t("signUp.subtitle")}
      footer={t.rich("signUp.footer", {
        link: (chunks) => (
          <Link href="/login" className="font-semibold text-indigo-700 hover:underline">
            {chunks}
          </Link>
        ),
      })}
    >
      <ClientMessages area="authForm">
        <SignUpForm />
      </ClientMessages>
    </AuthCard>
  );
}
