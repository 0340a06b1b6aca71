import type { Metadata } from "next";
import Link from "next/link";
import { AuthCard } from "@/components/auth/auth-card";
import { ReportForm } from "@/components/step-up/report-challenge-form";
import { findReportableChallenge } from "@/lib/step-up/report";

export const metadata: Metadata = { title: "Wasn't you?", robots: { index: false, follow: false } };

type CancelPageProps = { searchParams: Promise<{ token?: string | string[] }> };

/** Read-only on GET: mail scanners that prefetch the link must not cancel anything. */
export default async function StepUpCancelPage({ searchParams }: CancelPageProps) {
  const { token } = await searchParams;
  const challenge = typeof token === "string" ? await findReportableChallenge(token) : null;
  return (
    <div className="mx-auto flex w-full max-w-md flex-col px-4 py-12 sm:py-20">
      {challenge && typeof token === "string" ? (
        <AuthCard
          title="Didn't ask for this?"
          subtitle="Someone signed in to your account asked for a security code."
          footer={<>If it was you, ignore this page: nothing changes until the code is entered.</>}
        >
          <div className="space-y-5">
            <div className="rounded-md bg-slate-50 px-4 py-3 text-sm ring-1 ring-slate-200 ring-inset">
              <p className="text-slate-600">The request was to</p>
              <p className="mt-0.5 font-semibold [overflow-wrap:anywhere] text-slate-900">{challenge.description}</p>
            </div>
            <p className="text-sm text-slate-700">
              If it wasn&apos;t you, someone may know your password. Cancel the request and sign out the device that made it.
            </p>
            <ReportForm token={token} />
          </div>
        </AuthCard>
      ) : (
        <AuthCard title="This link has expired or was already used" subtitle="There is nothing left to cancel from this email.">
          <p className="text-center text-sm text-slate-700">
            If you&apos;re worried someone knows your password,{" "}
            <Link href="/login" className="font-semibold text-indigo-700 hover:underline">
              sign in
            </Link>{" "}
            and change it.
          </p>
        </AuthCard>
      )}
    </div>
  );
}
