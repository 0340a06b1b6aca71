import type { Metadata } from "next";
import Link from "next/link";
import { Fragment } from "react";
import { reportPasswordResetAction } from "@/actions/password-reset";
import { ReportForm } from "@/components/account/report-form";
import { AuthCard } from "@/components/auth/auth-card";
import { findReportablePasswordReset } from "@/lib/password-reset/report";
import { formatDateTime } from "@/shared/format";

export const metadata: Metadata = { title: "Wasn't you?", robots: { index: false, follow: false } };

type ReportPageProps = { searchParams: Promise<{ token?: string | string[] }> };

const linkClass = "font-semibold text-indigo-700 hover:underline";

/** Read-only on GET: mail scanners that prefetch the link must not sign anyone out. */
export default async function PasswordResetReportPage({ searchParams }: ReportPageProps) {
  const { token } = await searchParams;
  const reset = typeof token === "string" ? await findReportablePasswordReset(token) : null;
  return (
    <div className="mx-auto flex w-full max-w-md flex-col px-4 py-12 sm:py-20">
      {reset && typeof token === "string" ? (
        <AuthCard
          title="Didn't reset your password?"
          subtitle={
            <>
              Your account&apos;s password was reset on{" "}
              <time dateTime={reset.resetAt} className="font-semibold text-slate-900">
                {formatDateTime(new Date(reset.resetAt))}
              </time>{" "}
              with a code sent to this address.
            </>
          }
          footer={<>If you reset it yourself, you can close this page: nothing happens unless you press the button.</>}
        >
          <div className="space-y-5">
            <p className="text-sm text-slate-700">
              If it wasn&apos;t you, someone can read your email or got hold of a code from it. Report it: every session on the account is
              signed out at once. Nothing is changed back behind your back; we tell you what to do next.
            </p>
            <ReportForm
              token={token}
              action={reportPasswordResetAction}
              steps={[
                "Whoever reset the password has been signed out, on every device, and any pending security changes were stopped.",
                <Fragment key="reset-again">
                  Secure your email account first (change its password), then{" "}
                  <Link href="/forgot-password" className={linkClass}>
                    reset your password again
                  </Link>
                  : the new password is known to whoever did this.
                </Fragment>,
                "After signing in, review your API tokens, sessions and two-step verification on the security page.",
              ]}
            />
          </div>
        </AuthCard>
      ) : (
        <AuthCard title="This link has expired or was already used" subtitle="There is nothing left to report from this email.">
          <p className="text-center text-sm text-slate-700">
            If you&apos;re worried about your account,{" "}
            <Link href="/forgot-password" className={linkClass}>
              reset your password
            </Link>{" "}
            or contact your administrator.
          </p>
        </AuthCard>
      )}
    </div>
  );
}
