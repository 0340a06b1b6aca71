import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import Link from "next/link";
import { redirect } from "next/navigation";
import { AuthCard } from "@/components/auth/auth-card";
import { SecondFactorForm } from "@/components/auth/second-factor-form";
import { ClientMessages } from "@/components/layout/client-messages";
import { readSecondFactorCookie } from "@/lib/auth/second-factor-cookie";
import { findSecondFactorSignIn } from "@/lib/auth/second-factor-sign-in";
import { getCurrentSession } from "@/lib/sessions/current";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("auth");
  return { title: t("twoFactor.title") };
}

export default async function SecondFactorPage({ searchParams }: { searchParams: Promise<{ next?: string }> }) {
  if (await getCurrentSession()) redirect("/settings");
  const token = await readSecondFactorCookie();
  const pending = token ? await findSecondFactorSignIn(token) : null;
  const { next } = await searchParams;
  const t = await getTranslations("auth");
  if (!pending) {
    return (
      <AuthCard title={t("twoFactor.expired.title")} subtitle={t("twoFactor.expired.subtitle")}>
        <p className="text-center text-sm text-slate-700">
          <Link href="/login" className="font-semibold text-indigo-700 hover:underline">
            {t("twoFactor.expired.signInAgain")}
          </Link>
        </p>
      </AuthCard>
    );
  }
  return (
    <AuthCard
      title={t("twoFactor.title")}
      subtitle={t("twoFactor.signingInAs", { email: pending.maskedEmail })}
      footer={t.rich("twoFactor.footer", {
        link: (chunks) => (
          <Link href="/login" className="font-semibold text-indigo-700 hover:underline">
            {chunks}
          </Link>
        ),
      })}
    >
      <ClientMessages area="authCodeForm">
        <SecondFactorForm
          next={typeof next === "string" ? next : undefined}
          recoveryCodesLeft={pending.recoveryCodesLeft}
          warnAt={pending.warnAt}
        />
      </ClientMessages>
    </AuthCard>
  );
}
