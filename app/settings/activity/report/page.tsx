import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { SecureAccountForm } from "@/components/activity/secure-account-form";
import { ClientMessages } from "@/components/layout/client-messages";
import { Card, CardBody } from "@/components/ui/card";
import { requireSession } from "@/lib/sessions/current";
import { secureAccountSchema } from "@/shared/activity";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("activity");
  return { title: t("report.metaTitle") };
}

type ReportPageProps = { searchParams: Promise<{ event?: string | string[] }> };

/** The confirmation behind "This wasn't me": a plain form, so it works before (and without) JavaScript. */
export default async function ReportActivityPage({ searchParams }: ReportPageProps) {
  await requireSession();
  const t = await getTranslations("activity");
  const { event } = await searchParams;
  const parsed = secureAccountSchema.safeParse({ event: typeof event === "string" ? event : undefined });
  return (
    <Card headingId="secure-account" title={t("report.title")}>
      <CardBody className="space-y-4 text-sm text-slate-700">
        <p>{t("report.intro")}</p>
        <ul className="list-disc space-y-1 pl-5">
          <li>{t("report.steps.sessions")}</li>
          <li>{t("report.steps.confirmations")}</li>
          <li>{t("report.steps.recorded")}</li>
        </ul>
        <ClientMessages area="activity">
          <SecureAccountForm event={parsed.success ? (parsed.data.event ?? null) : null} />
        </ClientMessages>
      </CardBody>
    </Card>
  );
}
