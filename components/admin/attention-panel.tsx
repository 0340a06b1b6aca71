import Link from "next/link";
import { Card, CardBody } from "@/components/ui/card";
import { auditFilterQuery, type AttentionAccount } from "@/shared/audit";

export function AttentionPanel({ accounts }: { accounts: AttentionAccount[] }) {
  return (
    <Card
      headingId="attention-heading"
      title="Needs attention"
      description="Accounts with the most failed verifications, lockouts and rate-limit hits in the last 24 hours."
    >
      <CardBody>
        {accounts.length === 0 ? (
          <p className="text-sm text-slate-600">No failed or blocked events in the last 24 hours.</p>
        ) : (
          <ul className="divide-y divide-slate-100">
            {accounts.map((account) => (
              <li key={account.email} className="flex flex-wrap items-center justify-between gap-2 py-2.5">
                <Link
                  href={`/admin/audit${auditFilterQuery({ email: account.email })}`}
                  className="min-w-0 truncate text-sm font-medium text-indigo-700 hover:underline"
                >
                  {account.email}
                </Link>
                <span className="flex gap-3 text-xs text-slate-700">
                  <span>{account.failedVerifications} failed</span>
                  <span>
                    {account.lockouts} {account.lockouts === 1 ? "lockout" : "lockouts"}
                  </span>
                  <span>{account.rateLimited} blocked</span>
                </span>
              </li>
            ))}
          </ul>
        )}
      </CardBody>
    </Card>
  );
}
