import type { Metadata } from "next";
import Link from "next/link";
import { Card, CardBody } from "@/components/ui/card";
import { Notice } from "@/components/ui/notice";
import { requireSession } from "@/lib/sessions/current";

export const metadata: Metadata = { title: "Account secured" };

const linkClass = "font-semibold text-indigo-700 hover:underline";

/** Where "This wasn't me" lands: straight on to what closes the way in. */
export default async function AccountSecuredPage() {
  await requireSession();
  return (
    <Card headingId="account-secured" title="Your account is secured">
      <CardBody className="space-y-5 text-sm text-slate-700">
        <Notice tone="success">
          Every other session was signed out, and pending security confirmations were stopped. We emailed you a record of it.
        </Notice>
        <h2 className="text-base font-semibold text-slate-900">Now close the way they got in</h2>
        <ol className="list-decimal space-y-3 pl-5">
          <li>
            <Link href="/settings/security#password" className={linkClass}>
              Change your password
            </Link>{" "}
            — whoever did this may know it.
          </li>
          <li>
            <Link href="/settings/security#api-tokens" className={linkClass}>
              Review your API tokens
            </Link>{" "}
            and revoke any you don&apos;t recognise: tokens keep working after sessions end.
          </li>
          <li>
            <Link href="/settings/security#passkeys" className={linkClass}>
              Review your passkeys
            </Link>{" "}
            and{" "}
            <Link href="/settings/security#two-step" className={linkClass}>
              two-step verification
            </Link>
            .
          </li>
          <li>
            <Link href="/settings/activity" className={linkClass}>
              Check your activity and devices
            </Link>{" "}
            again, and forget any device that isn&apos;t yours.
          </li>
        </ol>
      </CardBody>
    </Card>
  );
}
