import Link from "next/link";
import type { ReactNode } from "react";
import { LockList, Pill, StatusPill, TwoFactorSummary, UtcTime } from "@/components/admin/users/facts";
import { Card, CardBody } from "@/components/ui/card";
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

/** What the console knows about the account, read-only; the actions are beside it. */
export function UserOverview({ user }: { user: AdminUserDetailsDto }) {
  const tokensLink = `/admin/tokens?${new URLSearchParams({ owner: user.email, status: "active" })}`;
  return (
    <div className="grid gap-6 lg:grid-cols-2">
      <Card headingId="account-heading" title="Account">
        <CardBody>
          <FactList
            facts={[
              ["Email", user.email],
              [
                "Role",
                user.role === "ADMIN" ? (
                  <Pill key="role" tone="indigo">
                    admin
                  </Pill>
                ) : (
                  "user"
                ),
              ],
              [
                "Status",
                <span key="status" className="space-y-1">
                  <StatusPill status={user.status} />
                  {user.disabled && (
                    <span className="block text-slate-700">
                      since <UtcTime iso={user.disabled.at} />
                      {user.disabled.by && <> by {user.disabled.by}</>}
                      {user.disabled.reason && <> — “{user.disabled.reason}”</>}
                    </span>
                  )}
                </span>,
              ],
              ["Created", <UtcTime key="created" iso={user.createdAt} />],
              ["Email verified", <UtcTime key="verified" iso={user.emailVerifiedAt} />],
              [
                "Recovery hold",
                user.recoveryHold ? (
                  <span key="hold">
                    until <UtcTime iso={user.recoveryHold.until} /> (after{" "}
                    {user.recoveryHold.reason === "email_change" ? "an email change" : "a password reset"})
                  </span>
                ) : (
                  "None"
                ),
              ],
              [
                "API tokens",
                <span key="tokens">
                  {user.activeTokens} active ·{" "}
                  <Link href={tokensLink} className={LINK}>
                    View tokens
                  </Link>
                </span>,
              ],
              [
                "Account ID",
                <span key="id" className="font-mono text-xs">
                  {user.id}
                </span>,
              ],
              [
                "Audit log",
                <Link key="events" href={`/admin/audit${auditFilterQuery({ account: user.id })}`} className={LINK}>
                  Events by and about this account
                </Link>,
              ],
            ]}
          />
        </CardBody>
      </Card>
      <div className="space-y-6">
        <Card
          headingId="locks-heading"
          title="Locks"
          description="Wrong passwords, second-factor codes and step-up proofs each lock for a while."
        >
          <CardBody>
            <FactList
              facts={[
                ["Locks in force", <LockList key="locks" locks={user.locks} />],
                ["Step-up failures in a row", String(user.stepUpFailures)],
              ]}
            />
          </CardBody>
        </Card>
        <Card headingId="two-step-heading" title="Two-step verification">
          <CardBody>
            <FactList
              facts={[
                ["Status", <TwoFactorSummary key="two-factor" twoFactor={user.twoFactor} />],
                ["On since", user.twoFactorEnabledAt ? <UtcTime key="since" iso={user.twoFactorEnabledAt} /> : "—"],
                ["Set-up in progress", user.pendingEnrolment ? "Yes" : "No"],
              ]}
            />
          </CardBody>
        </Card>
      </div>
      <Card
        headingId="sessions-heading"
        title="Active sessions"
        description="Browsers signed in right now; the last sign-in is the newest session, ended or not."
        className="lg:col-span-2"
      >
        <CardBody className="space-y-3">
          <p className="text-sm text-slate-700">
            Last sign-in:{" "}
            {user.lastSignIn ? (
              <>
                <UtcTime iso={user.lastSignIn.at} /> · {user.lastSignIn.ip ?? "Unknown IP"} · {user.lastSignIn.device}
              </>
            ) : (
              "never"
            )}
          </p>
          {user.sessions.length === 0 ? (
            <p className="text-sm text-slate-600">No active sessions.</p>
          ) : (
            <ul className="divide-y divide-slate-100">
              {user.sessions.map((session) => (
                <li key={session.id} className="py-2.5 text-sm">
                  <p className="font-medium text-slate-900">{session.device}</p>
                  <p className="text-xs text-slate-600">
                    {session.ip ?? "Unknown IP"} · signed in <UtcTime iso={session.createdAt} /> · last active{" "}
                    <UtcTime iso={session.lastSeenAt} />
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
