import type { Metadata } from "next";
import Link from "next/link";
import { reportEmailChangeAction } from "@/actions/account";
import { ReportForm } from "@/components/account/report-form";
import { AuthCard } from "@/components/auth/auth-card";
import { findReportableEmailChange } from "@/lib/account/report-email-change";
import { formatDateTime } from "@/shared/format";

export const metadata: Metadata = { title: "Wasn't you?", robots: { index: false, follow: false } };

type ReportPageProps = { searchParams: Promise<{ token?: string | string[] }> };

/** Read-only on GET: mail scanners that prefetch the link must not sign anyone out. */
export default async function EmailChangeReportPage({ searchParams }: ReportPageProps) {
  const { token } = await searchParams;
  const change = typeof token === "string" ? await findReportableEmailChange(token) : null;
  return (
    <div className="mx-auto flex w-full max-w-md flex-col px-4 py-12 sm:py-20">
      {change && typeof token === "string" ? (
        <AuthCard
          title="Didn't change your email address?"
          subtitle="Your account's email address was changed, and this address no longer receives its security emails."
          footer={<>If you made this change yourself, you can close this page: nothing happens unless you press the button.</>}
        >
          <div className="space-y-5">
            <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 rounded-md bg-slate-50 px-4 py-3 text-sm ring-1 ring-slate-200 ring-inset">
              <dt className="text-slate-600">New address</dt>
              <dd className="font-semibold [overflow-wrap:anywhere] text-slate-900">{change.maskedNewEmail}</dd>
              <dt className="text-slate-600">Changed</dt>
              <dd className="font-semibold text-slate-900">
                <time dateTime={change.changedAt}>{formatDateTime(new Date(change.changedAt))}</time>
              </dd>
            </dl>
            <p className="text-sm text-slate-700">
              If it wasn&apos;t you, someone else may be signed in to your account. Report it: every session on the account is signed out at
              once, and we&apos;ll tell you what to do next.
            </p>
            <ReportForm
              token={token}
              action={reportEmailChangeAction}
              steps={[
                "Whoever changed the address has been signed out, on every device, and any pending security changes were stopped.",
                "Contact your administrator: they can confirm who you are and put your address back on the account.",
                "When you can sign in again, change your password straight away: whoever did this may know it.",
              ]}
            />
          </div>
        </AuthCard>
      ) : (
        <AuthCard title="This link has expired or was already used" subtitle="There is nothing left to report from this email.">
          <p className="text-center text-sm text-slate-700">
            If you&apos;re worried about your account, contact your administrator, or{" "}
            <Link href="/login" className="font-semibold text-indigo-700 hover:underline">
              sign in
            </Link>{" "}
            and change your password.
          </p>
        </AuthCard>
      )}
    </div>
  );
}
