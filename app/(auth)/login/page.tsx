import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import Link from "next/link";
import { redirect } from "next/navigation";
import { AuthCard } from "@/components/auth/auth-card";
import { LoginForm } from "@/components/auth/login-form";
import { ClientMessages } from "@/components/layout/client-messages";
import { Notice } from "@/components/ui/notice";
import { getCurrentSession } from "@/lib/sessions/current";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("auth");
  return { title: t("login.metaTitle") };
}

export default async function LoginPage({
  searchParams,
}: {
  searchParams: Promise<{ next?: string; verified?: string; signedOut?: string; reset?: string; deleted?: string }>;
}) {
  if (await getCurrentSession()) redirect("/settings");
  const { next, verified, signedOut, reset, deleted } = await searchParams;
  const t = await getTranslations("auth");
  return (
    <AuthCard
      title={t("login.title")}
      subtitle={t("login.subtitle")}
      footer={t.rich("login.footer", {
        link: (chunks) => (
          <Link href="/signup" className="font-semibold text-indigo-700 hover:underline">
            {chunks}
          </Link>
        ),
      })}
    >
      <div className="space-y-5">
        {verified && <Notice tone="success">{t("login.verified")}</Notice>}
        {signedOut && <Notice tone="info">{t("login.signedOut")}</Notice>}
        {deleted && <Notice tone="info">{t("login.deleted")}</Notice>}
        {reset && <Notice tone="success">{t("login.reset")}</Notice>}
        <ClientMessages area="login">
          <LoginForm next={typeof next === "string" ? next : undefined} />
        </ClientMessages>
      </div>
    </AuthCard>
  );
}
