import "server-only";
import { db, Prisma } from "@/lib/db";
import { getEnv } from "@/lib/env";

export type MailboxMessageDto = {
  id: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  createdAt: Date;
};

const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 200;

class DevMailboxDisabledError extends Error {
  override name = "DevMailboxDisabledError";
}

/** Newest first; `to` matches the whole address, ignoring case. */
export async function listMailboxMessages({ to, limit = DEFAULT_LIMIT }: { to?: string; limit?: number } = {}): Promise<
  MailboxMessageDto[]
> {
  if (!getEnv().devMailbox) throw new DevMailboxDisabledError("The dev mailbox exists only in development");
  const address = to?.trim();
  const take = Number.isFinite(limit) ? Math.min(Math.max(Math.trunc(limit), 1), MAX_LIMIT) : DEFAULT_LIMIT;
  // Raw SQL because Prisma's case-insensitive `equals` becomes ILIKE, where `_` and `%` are wildcards.
  const matchesAddress = address ? Prisma.sql`WHERE lower("to") = lower(${address})` : Prisma.empty;
  return db.$queryRaw<MailboxMessageDto[]>`
    SELECT id::text AS id, "to", subject, text, html, created_at AS "createdAt"
    FROM mailbox_messages
    ${matchesAddress}
    ORDER BY created_at DESC, id DESC
    LIMIT ${take}`;
}
