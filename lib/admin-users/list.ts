import "server-only";
import { summarize, SUMMARY_SELECT } from "@/lib/admin-users/summary";
import { db } from "@/lib/db";
import type { AdminUserFilter, AdminUserSummaryDto } from "@/shared/admin-users";

const USERS_PAGE_SIZE = 50;

/**
 * One page of accounts by email (deleted accounts are not listed), by keyset on the unique email:
 * the page after `cursor` starts after its last address, so accounts created meanwhile never
 * shift a page, and no page counts the table.
 */
export async function listUsers(filter: AdminUserFilter): Promise<{ users: AdminUserSummaryDto[]; nextCursor: string | null }> {
  const after = decodeCursor(filter.cursor);
  const rows = await db.user.findMany({
    where: {
      deletedAt: null,
      ...(filter.status === "active" && { disabledAt: null }),
      ...(filter.status === "disabled" && { disabledAt: { not: null } }),
      email: { ...(filter.email && { startsWith: filter.email }), ...(after && { gt: after }) },
    },
    select: SUMMARY_SELECT,
    orderBy: { email: "asc" },
    take: USERS_PAGE_SIZE + 1,
  });
  const page = rows.slice(0, USERS_PAGE_SIZE);
  const last = page.at(-1);
  return { users: await summarize(page), nextCursor: rows.length > USERS_PAGE_SIZE && last ? encodeCursor(last.email) : null };
}

function encodeCursor(email: string): string {
  return Buffer.from(email).toString("base64url");
}

/** Anything but an address this list could have written is ignored (first page). */
function decodeCursor(cursor: string | undefined): string | null {
  if (!cursor) return null;
  const email = Buffer.from(cursor, "base64url").toString("utf8");
  return email.length > 0 && email.length <= 254 && email.includes("@") && !/[\s\0]/.test(email) ? email : null;
}
