import Link from "next/link";
import { AdminTable } from "@/components/admin/admin-table";
import { LockList, Pill, StatusPill, TwoFactorSummary, UtcTime } from "@/components/admin/users/facts";
import type { AdminUserSummaryDto } from "@/shared/admin-users";
import { auditFilterQuery } from "@/shared/audit";

// Addresses and user agents come from users: React escapes them; these classes keep them in their cell.
const CELL = "px-3 py-2 align-top";

export function UsersTable({ users }: { users: AdminUserSummaryDto[] }) {
  return (
    <AdminTable
      caption="Accounts, by email"
      headings={["Account", "Status", "Two-step", "Locks", "Sessions", "Tokens", "Last sign-in"]}
      actionsColumn
      empty={users.length === 0 ? "No accounts match these filters." : null}
    >
      {users.map((user) => (
        <tr key={user.id}>
          <td className={`${CELL} max-w-64 [overflow-wrap:anywhere]`}>
            <Link href={`/admin/users/${user.id}`} className="font-medium text-indigo-700 hover:underline">
              {user.email}
            </Link>
            {user.role === "ADMIN" && (
              <span className="ml-2">
                <Pill tone="indigo">admin</Pill>
              </span>
            )}
          </td>
          <td className={CELL}>
            <StatusPill status={user.status} />
          </td>
          <td className={CELL}>
            <TwoFactorSummary twoFactor={user.twoFactor} />
          </td>
          <td className={CELL}>
            <LockList locks={user.locks} />
          </td>
          <td className={`${CELL} tabular-nums`}>{user.activeSessions}</td>
          <td className={`${CELL} tabular-nums`}>{user.activeTokens}</td>
          <td className={`${CELL} max-w-56`}>
            {user.lastSignIn ? (
              <>
                <span className="whitespace-nowrap">
                  <UtcTime iso={user.lastSignIn.at} />
                </span>
                <span className="block text-xs [overflow-wrap:anywhere] text-slate-600">
                  {user.lastSignIn.ip ?? "Unknown IP"} · {user.lastSignIn.device}
                </span>
              </>
            ) : (
              <span className="text-slate-600">Never</span>
            )}
          </td>
          <td className={`${CELL} text-right whitespace-nowrap`}>
            <Link
              href={`/admin/audit${auditFilterQuery({ account: user.id })}`}
              aria-label={`Events of ${user.email}`}
              className="text-sm font-medium text-indigo-700 hover:underline"
            >
              Events
            </Link>
          </td>
        </tr>
      ))}
    </AdminTable>
  );
}
