import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import Link from "next/link";
import type { ReactNode } from "react";
import { Card, CardBody } from "@/components/ui/card";
import { Notice } from "@/components/ui/notice";
import { requireSession } from "@/lib/sessions/current";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("activity");
  return { title: t("secured.metaTitle") };
}

const linkClass = "font-semibold text-indigo-700 hover:underline";

/** A rich-text tag that links to `href`. */
const linkTo = (href: string) =>
  function LinkTag(chunks: ReactNode) {
    return (
      <Link href={href} className={linkClass}>
        {chunks}
      </Link>
    );
  };

/** Where "This wasn't me" lands: straight on to what closes the way in. */
export default async function AccountSecuredPage() {
  await requireSession();
  const t = await getTranslations("activity");
  return (
    <Card headingId="account-secured" title={t("secured.title")}>
      <CardBody className="space-y-5 text-sm text-slate-700">
        <Notice tone="success">{t("secured.notice")}</Notice>
        <h2 className="text-base font-semibold text-slate-900">{t("secured.next")}</h2>
        <ol className="list-decimal space-y-3 pl-5">
          <li>{t.rich("secured.password", { link: linkTo("/settings/security#password") })}</li>
          <li>{t.rich("secured.tokens", { link: linkTo("/settings/security#api-tokens") })}</li>
          <li>
            {t.rich("secured.passkeys", {
              passkeys: linkTo("/settings/security#passkeys"),
              twoStep: linkTo("/settings/security#two-step"),
            })}
          </li>
          <li>{t.rich("secured.devices", { link: linkTo("/settings/activity") })}</li>
        </ol>
      </CardBody>
    </Card>
  );
}
