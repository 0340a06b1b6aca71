import type { Metadata } from "next";
import Link from "next/link";
import { Fragment } from "react";
import { secureAccountByLinkAction } from "@/actions/activity";
import { ReportForm } from "@/components/account/report-form";
import { AuthCard } from "@/components/auth/auth-card";
import { findSecurableDevice } from "@/lib/account/secure-account";
import { formatDateTime } from "@/shared/format";

export const metadata: Metadata = { title: "Secure your account", robots: { index: false, follow: false } };

type SecureAccountPageProps = { searchParams: Promise<{ token?: string | string[] }> };

const linkClass = "font-semibold text-indigo-700 hover:underline";

/** The new-device email's link. Read-only on GET: mail scanners that prefetch links must not sign anyone out. */
export default async function SecureAccountPage({ searchParams }: SecureAccountPageProps) {
  const { token } = await searchParams;
  const device = typeof token === "string" ? await findSecurableDevice(token) : null;
  return (
    <div className="mx-auto flex w-full max-w-md flex-col px-4 py-12 sm:py-20">
      {device && typeof token === "string" ? (
        <AuthCard
          title="Didn't sign in?"
          subtitle={
            <>
              Your account was signed in to from <span className="font-semibold text-slate-900">{device.device}</span> on{" "}
              <time dateTime={device.signedInAt} className="font-semibold text-slate-900">
                {formatDateTime(new Date(device.signedInAt))}
              </time>
              .
            </>
          }
          footer={<>If it was you, you can close this page: nothing happens unless you press the button.</>}
        >
          <div className="space-y-5">
            <p className="text-sm text-slate-700">
              If it wasn&apos;t you, someone knows your password. Secure the account: every session is signed out at once, yours included,
              and pending security changes stop.
            </p>
            <ReportForm
              token={token}
              action={secureAccountByLinkAction}
              steps={[
                <Fragment key="reset">
                  <Link href="/forgot-password" className={linkClass}>
                    Reset your password
                  </Link>{" "}
                  now: whoever signed in knows the current one.
                </Fragment>,
                "Then, signed in again, review your API tokens and passkeys on the security page, and your devices on the activity page.",
                "Turn on two-step verification if it is off: a password alone will then not be enough.",
              ]}
            />
          </div>
        </AuthCard>
      ) : (
        <AuthCard title="This link has expired or was already used" subtitle="There is nothing left to do from this email.">
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
