import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { AuthCard } from "@/components/auth/auth-card";
import { SecondFactorForm } from "@/components/auth/second-factor-form";
import { readSecondFactorCookie } from "@/lib/auth/second-factor-cookie";
import { findSecondFactorSignIn } from "@/lib/auth/second-factor-sign-in";
import { getCurrentSession } from "@/lib/sessions/current";

export const metadata: Metadata = { title: "Two-step verification" };

export default async function SecondFactorPage({ searchParams }: { searchParams: Promise<{ next?: string }> }) {
  if (await getCurrentSession()) redirect("/settings");
  const token = await readSecondFactorCookie();
  const pending = token ? await findSecondFactorSignIn(token) : null;
  const { next } = await searchParams;
  if (!pending) {
    return (
      <AuthCard title="This sign-in has expired" subtitle="For your security, the second step must follow the password within 10 minutes.">
        <p className="text-center text-sm text-slate-700">
          <Link href="/login" className="font-semibold text-indigo-700 hover:underline">
            Sign in again
          </Link>
        </p>
      </AuthCard>
    );
  }
  return (
    <AuthCard
      title="Two-step verification"
      subtitle={<>Signing in as {pending.maskedEmail}.</>}
      footer={
        <>
          Not you?{" "}
          <Link href="/login" className="font-semibold text-indigo-700 hover:underline">
            Sign in with another account
          </Link>
        </>
      }
    >
      <SecondFactorForm
        next={typeof next === "string" ? next : undefined}
        recoveryCodesLeft={pending.recoveryCodesLeft}
        warnAt={pending.warnAt}
      />
    </AuthCard>
  );
}
