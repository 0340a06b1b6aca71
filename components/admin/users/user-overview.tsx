import { useTranslations } from "next-intl";
import Link from "next/link";
import type { ReactNode } from "react";
import { AdminPill, LockList, StatusPill, TwoFactorSummary } from "@/components/admin/users/facts";
import { Card, CardBody } from "@/components/ui/card";
import { LocalTime } from "@/components/ui/local-time";
import { Notice } from "@/components/ui/notice";
import type { AdminUserDetailsDto } from "@/shared/admin-users";
import { auditFilterQuery } from "@/shared/audit";

const LINK = "font-medium text-indigo-700 hover:underline";

function FactList({ facts }: { facts: [label: string, value: ReactNode][] }) {
  return (
    <dl className="grid gap-x-4 gap-y-2 text-sm sm:grid-cols-[11rem_1fr]">
      {facts.map(([label, value]) => (
        <div key={label} className="contents">
          <dt className="font-medium text-slate-600">{label}</dt>
          <dd className="[overflow-wrap:anywhere] text-slate-900">{value}</dd>
        </div>
      ))}
    </dl>
  );
}

/** Back to the user list, above one account's page. */
export function AllUsersLink() {
  const t = useTranslations("admin");
  return (
    <p className="text-sm">
      <Link href="/admin/users" className={LINK}>
        {t("user.allUsers")}
      </Link>
    </p>
  );
}

/** In place of the actions when the admin opens their own account. */
export function OwnAccountNotice() {
  const t = useTranslations("admin");
  return (
    <Notice tone="info">
      {t.rich("user.ownAccount", {
        link: (chunks) => (
          <Link href="/settings/security" className="font-medium underline">
            {chunks}
          </Link>
        ),
      })}
    </Notice>
  );
}

/** What the console knows about the account, read-only; the actions are beside it. */
export function UserOverview({ user }: { user: AdminUserDetailsDto }) {
  const t = useTranslations("admin");
  const tokensLink = `/admin/tokens?${new URLSearchParams({ owner: user.email, status: "active" })}`;
  const unknownIp = t("users.unknownIp");
  const { disabled, recoveryHold, lastSignIn } = user;
  return (
    <div className="grid grid-cols-[minmax(0,1fr)] gap-6 lg:grid-cols-2">
      <Card headingId="account-heading" title={t("user.account.title")}>
        <CardBody>
          <FactList
            facts={[
              [t("user.account.email"), user.email],
              [t("user.account.role"), user.role === "ADMIN" ? <AdminPill key="role" /> : t("users.role.user")],
              [
                t("user.account.status"),
                <span key="status" className="space-y-1">
                  <StatusPill status={user.status} />
                  {disabled && (
                    <span className="block text-slate-700">
                      {t.rich("user.account.disabledSince", {
                        hasBy: disabled.by ? "yes" : "no",
                        by: disabled.by ?? "",
                        hasReason: disabled.reason ? "yes" : "no",
                        reason: disabled.reason ?? "",
                        time: () => <LocalTime iso={disabled.at} />,
                      })}
                    </span>
                  )}
                </span>,
              ],
              [t("user.account.created"), <LocalTime key="created" iso={user.createdAt} />],
              [t("user.account.emailVerified"), <LocalTime key="verified" iso={user.emailVerifiedAt} />],
              [
                t("user.account.recoveryHold"),
                recoveryHold ? (
                  <span key="hold">
                    {t.rich(
                      recoveryHold.reason === "email_change" ? "user.account.holdAfterEmailChange" : "user.account.holdAfterPasswordReset",
                      { time: () => <LocalTime iso={recoveryHold.until} /> },
                    )}
                  </span>
                ) : (
                  t("user.account.none")
                ),
              ],
              [
                t("user.account.apiTokens"),
                <span key="tokens">
                  {t.rich("user.account.activeTokens", {
                    count: user.activeTokens,
                    link: (chunks) => (
                      <Link href={tokensLink} className={LINK}>
                        {chunks}
                      </Link>
                    ),
                  })}
                </span>,
              ],
              [
                t("user.account.id"),
                <span key="id" className="font-mono text-xs">
                  {user.id}
                </span>,
              ],
              [
                t("user.account.auditLog"),
                <Link key="events" href={`/admin/audit${auditFilterQuery({ account: user.id })}`} className={LINK}>
                  {t("user.account.events")}
                </Link>,
              ],
            ]}
          />
        </CardBody>
      </Card>
      <div className="space-y-6">
        <Card headingId="locks-heading" title={t("user.locks.title")} description={t("user.locks.description")}>
          <CardBody>
            <FactList
              facts={[
                [t("user.locks.inForce"), <LockList key="locks" locks={user.locks} />],
                [t("user.locks.stepUpFailures"), String(user.stepUpFailures)],
              ]}
            />
          </CardBody>
        </Card>
        <Card headingId="two-step-heading" title={t("user.twoStep.title")}>
          <CardBody>
            <FactList
              facts={[
                [t("user.twoStep.status"), <TwoFactorSummary key="two-factor" twoFactor={user.twoFactor} />],
                [t("user.twoStep.onSince"), user.twoFactorEnabledAt ? <LocalTime key="since" iso={user.twoFactorEnabledAt} /> : "—"],
                [t("user.twoStep.pendingEnrolment"), user.pendingEnrolment ? t("user.twoStep.yes") : t("user.twoStep.no")],
              ]}
            />
          </CardBody>
        </Card>
      </div>
      <Card
        headingId="sessions-heading"
        title={t("user.sessions.title")}
        description={t("user.sessions.description")}
        className="lg:col-span-2"
      >
        <CardBody className="space-y-3">
          <p className="text-sm text-slate-700">
            {lastSignIn
              ? t.rich("user.sessions.lastSignIn", {
                  ip: lastSignIn.ip ?? unknownIp,
                  device: lastSignIn.device,
                  time: () => <LocalTime iso={lastSignIn.at} />,
                })
              : t("user.sessions.lastSignInNever")}
          </p>
          {user.sessions.length === 0 ? (
            <p className="text-sm text-slate-600">{t("user.sessions.none")}</p>
          ) : (
            <ul className="divide-y divide-slate-100">
              {user.sessions.map((session) => (
                <li key={session.id} className="py-2.5 text-sm">
                  <p className="font-medium text-slate-900">{session.device}</p>
                  <p className="text-xs text-slate-600">
                    {t.rich("user.sessions.session", {
                      ip: session.ip ?? unknownIp,
                      signedIn: () => <LocalTime iso={session.createdAt} />,
                      lastActive: () => <LocalTime iso={session.lastSeenAt} />,
                    })}
                  </p>
                </li>
              ))}
            </ul>
          )}
        </CardBody>
      </Card>
    </div>
  );
}
