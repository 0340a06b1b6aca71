import { useTranslations } from "next-intl";
import Link from "next/link";
import { AdminTable, Pager } from "@/components/admin/admin-table";
import { AdminPill, LockList, StatusPill, TwoFactorSummary } from "@/components/admin/users/facts";
import { LocalTime } from "@/components/ui/local-time";
import { adminUserFilterQuery, type AdminUserFilter, type AdminUserSummaryDto } from "@/shared/admin-users";
import { auditFilterQuery } from "@/shared/audit";

// Addresses and user agents come from users: React escapes them; these classes keep them in their cell.
const CELL = "px-3 py-2 align-top";

/** The page of accounts under the filters, with its heading and paging. */
export function UsersSection({
  users,
  filter,
  cursor,
  nextCursor,
}: {
  users: AdminUserSummaryDto[];
  /** The filter without its cursor: what "First page" goes back to. */
  filter: Omit<AdminUserFilter, "cursor">;
  /** Where this page starts, when it is not the first. */
  cursor: string | undefined;
  nextCursor: string | null;
}) {
  const t = useTranslations("admin");
  return (
    <section aria-labelledby="users-heading" className="space-y-3">
      <h2 id="users-heading" className="text-base font-semibold text-slate-900">
        {cursor ? t("users.headingContinued") : t("users.heading")}
      </h2>
      <UsersTable users={users} />
      <Pager
        first={cursor ? { href: `/admin/users${adminUserFilterQuery(filter)}`, label: t("users.firstPage") } : null}
        next={
          nextCursor ? { href: `/admin/users${adminUserFilterQuery({ ...filter, cursor: nextCursor })}`, label: t("users.nextPage") } : null
        }
      />
    </section>
  );
}

function UsersTable({ users }: { users: AdminUserSummaryDto[] }) {
  const t = useTranslations("admin");
  const tc = useTranslations("common");
  return (
    <AdminTable
      caption={t("users.table.caption")}
      headings={[
        t("users.table.headings.account"),
        t("users.table.headings.status"),
        t("users.table.headings.twoStep"),
        t("users.table.headings.locks"),
        t("users.table.headings.sessions"),
        t("users.table.headings.tokens"),
        t("users.table.headings.lastSignIn"),
      ]}
      actionsColumn
      empty={users.length === 0 ? t("users.table.empty") : null}
    >
      {users.map((user) => (
        <tr key={user.id}>
          <td className={`${CELL} max-w-64 [overflow-wrap:anywhere]`}>
            <Link href={`/admin/users/${user.id}`} className="font-medium text-indigo-700 hover:underline">
              {user.email}
            </Link>
            {user.role === "ADMIN" && (
              <span className="ml-2">
                <AdminPill />
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
                <LocalTime iso={user.lastSignIn.at} />
                <span className="block text-xs [overflow-wrap:anywhere] text-slate-600">
                  {user.lastSignIn.ip ?? t("users.unknownIp")} · {user.lastSignIn.device}
                </span>
              </>
            ) : (
              <span className="text-slate-600">{tc("never")}</span>
            )}
          </td>
          <td className={`${CELL} text-right whitespace-nowrap`}>
            <Link
              href={`/admin/audit${auditFilterQuery({ account: user.id })}`}
              aria-label={t("users.table.eventsOf", { email: user.email })}
              className="text-sm font-medium text-indigo-700 hover:underline"
            >
              {t("users.table.events")}
            </Link>
          </td>
        </tr>
      ))}
    </AdminTable>
  );
}
