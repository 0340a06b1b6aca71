import { useTranslations } from "next-intl";
import Link from "next/link";
import { Card, CardBody } from "@/components/ui/card";
import { auditFilterQuery, type AttentionAccount } from "@/shared/audit";

export function AttentionPanel({ accounts }: { accounts: AttentionAccount[] }) {
  const t = useTranslations("admin");
  return (
    <Card headingId="attention-heading" title={t("attention.title")} description={t("attention.description")}>
      <CardBody>
        {accounts.length === 0 ? (
          <p className="text-sm text-slate-600">{t("attention.empty")}</p>
        ) : (
          <ul className="divide-y divide-slate-100">
            {accounts.map((account) => (
              <li key={account.email} className="flex flex-wrap items-center justify-between gap-2 py-2.5">
                <Link
                  href={`/admin/audit${auditFilterQuery({ email: account.email })}`}
                  className="min-w-0 text-sm font-medium [overflow-wrap:anywhere] text-indigo-700 hover:underline"
                >
                  {account.email}
                </Link>
                <span className="flex gap-3 text-xs text-slate-700">
                  <span>{t("attention.failed", { count: account.failedVerifications })}</span>
                  <span>{t("attention.lockouts", { count: account.lockouts })}</span>
                  <span>{t("attention.blocked", { count: account.rateLimited })}</span>
                </span>
              </li>
            ))}
          </ul>
        )}
      </CardBody>
    </Card>
  );
}
