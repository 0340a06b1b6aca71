import type { Metadata } from "next";
import Link from "next/link";
import { AuthCard } from "@/components/auth/auth-card";
import { VerifyEmailForm } from "@/components/auth/verify-email-form";
import { readPendingSignUpCookie } from "@/lib/auth/pending-sign-up-cookie";
import { maskEmail } from "@/shared/format";

export const metadata: Metadata = { title: "Verify your email" };

export default async function VerifyEmailPage() {
  const pending = await readPendingSignUpCookie();
  if (!pending) {
    return (
      <AuthCard title="Nothing to verify" subtitle="Your sign-up has expired or was finished in another browser.">
        <p className="text-center text-sm text-slate-700">
          <Link href="/signup" className="font-semibold text-indigo-700 hover:underline">
            Start again
          </Link>{" "}
          or{" "}
          <Link href="/login" className="font-semibold text-indigo-700 hover:underline">
            sign in
          </Link>
          .
        </p>
      </AuthCard>
    );
  }
  return (
    <AuthCard
      title="Check your email"
      subtitle={
        <>
          We sent a 6-digit code to <strong className="font-semibold text-slate-900">{maskEmail(pending.email)}</strong>. It expires in 10
          minutes.
        </>
      }
      footer={
        <Link href="/signup" className="font-semibold text-indigo-700 hover:underline">
          Use a different address
        </Link>
      }
    >
      <VerifyEmailForm resendAvailableAt={pending.resendAvailableAt} />
    </AuthCard>
  );
}
