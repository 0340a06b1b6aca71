import type { Metadata } from "next";
import { SecureAccountForm } from "@/components/activity/secure-account-form";
import { Card, CardBody } from "@/components/ui/card";
import { requireSession } from "@/lib/sessions/current";
import { secureAccountSchema } from "@/shared/activity";

export const metadata: Metadata = { title: "This wasn't me" };

type ReportPageProps = { searchParams: Promise<{ event?: string | string[] }> };

/** The confirmation behind "This wasn't me": a plain form, so it works before (and without) JavaScript. */
export default async function ReportActivityPage({ searchParams }: ReportPageProps) {
  await requireSession();
  const { event } = await searchParams;
  const parsed = secureAccountSchema.safeParse({ event: typeof event === "string" ? event : undefined });
  return (
    <Card headingId="secure-account" title="Secure your account">
      <CardBody className="space-y-4 text-sm text-slate-700">
        <p>If you don&apos;t recognise something on your activity page, someone else may have your password or a signed-in browser.</p>
        <ul className="list-disc space-y-1 pl-5">
          <li>Every other session of your account is signed out at once (this browser stays signed in).</li>
          <li>Security changes waiting for a code, and confirmations already given, stop working.</li>
          <li>The report is recorded in your activity and your administrators&apos; audit log.</li>
        </ul>
        <SecureAccountForm event={parsed.success ? (parsed.data.event ?? null) : null} />
      </CardBody>
    </Card>
  );
}
