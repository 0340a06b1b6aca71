import type { Metadata } from "next";
import Link from "next/link";
import { AuthCard } from "@/components/auth/auth-card";
import { ResetPasswordForm } from "@/components/auth/reset-password-form";
import { pendingResetCookie } from "@/lib/password-reset/cookie";
import { isUuid, maskEmail } from "@/shared/format";

export const metadata: Metadata = { title: "Choose a new password", referrer: "no-referrer" };

type ResetPageProps = { searchParams: Promise<{ id?: string | string[] }> };

/** Opened from the email's link (`?id=…#code=…`, any device) or after asking in this browser (its cookie). */
export default async function ResetPasswordPage({ searchParams }: ResetPageProps) {
  const { id } = await searchParams;
  const pending = await pendingResetCookie.read();
  const fromLink = typeof id === "string" && isUuid(id) ? id : null;
  const resetId = fromLink ?? pending?.id;
  if (!resetId) {
    return (
      <AuthCard title="Nothing to reset" subtitle="This reset has expired or was finished in another browser.">
        <p className="text-center text-sm text-slate-700">
          <Link href="/forgot-password" className="font-semibold text-indigo-700 hover:underline">
            Ask for a new code
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
  const askedHere = pending && pending.id === resetId ? pending : null;
  return (
    <AuthCard
      title="Choose a new password"
      subtitle={
        askedHere ? (
          <>
            If <strong className="font-semibold text-slate-900">{maskEmail(askedHere.email)}</strong> has an account, we sent it a 6-digit
            code and a link. They expire in 30 minutes.
          </>
        ) : (
          "Enter the code from the email and your new password."
        )
      }
      footer={
        <Link href="/forgot-password" className="font-semibold text-indigo-700 hover:underline">
          Use a different address
        </Link>
      }
    >
      <div className="space-y-5">
        <ResetPasswordForm resetId={resetId} resendAvailableAt={askedHere?.resendAvailableAt} />
        <p className="text-xs text-slate-500">
          Signing in again after the reset is up to you: every session of the account is signed out. Your API tokens keep working.
        </p>
      </div>
    </AuthCard>
  );
}
