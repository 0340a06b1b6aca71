import "server-only";
import { recordAuditEvent } from "@/lib/audit/record";
import { db, Prisma, type Tx } from "@/lib/db";
import { queueSecurityNotice, type SecurityNotice } from "@/lib/email/account-notice";
import { getEnv } from "@/lib/env";
import type { RequestMeta } from "@/lib/http/request-meta";
import type { AuditEventType } from "@/shared/audit";

/** Days before expiry the reminder goes out. */
export const EXPIRY_REMINDER_DAYS = 7;
// A token that expired long before this job first ran is not news any more.
const EXPIRED_NOTICE_WITHIN_DAYS = 30;
const BATCH = 50;
const MAINTENANCE = { email: "maintenance" } as const;
const NO_REQUEST: RequestMeta = { ip: null, userAgent: null };

type ClaimedToken = {
  id: string;
  name: string;
  display_prefix: string;
  expires_at: Date;
  user_id: string;
  email: string;
  /** The owner can be written to (not disabled or deleted). */
  reachable: boolean;
};

/**
 * The reminder 7 days before a token expires and the notice once it has, each sent once: a batch
 * of tokens is claimed (SKIP LOCKED) and marked in the transaction that queues their emails, so
 * two sweeps side by side, or a sweep retried after its process died, never email twice.
 */
export async function sendTokenExpiryNotices(): Promise<{ reminded: number; expired: number }> {
  const reminded = await inBatches(
    (tx) =>
      claim(
        tx,
        "expiry_reminder_sent_at",
        Prisma.sql`c.expires_at > now() AND c.expires_at <= now() + make_interval(days => ${EXPIRY_REMINDER_DAYS})
          -- A token made to last a week or less is not news a week before it ends.
          AND c.expires_at - c.created_at > make_interval(days => ${EXPIRY_REMINDER_DAYS}) AND ${ownerReachable()}`,
        Prisma.sql`c.expires_at`,
      ),
    (tx, token) =>
      announce(tx, token, "api_token.expiring_soon", {
        notice: "tokenExpiringSoon",
        values: { expiresAt: { date: token.expires_at.toISOString() } },
      }),
  );
  const expired = await inBatches(
    (tx) =>
      claim(
        tx,
        "expired_notice_sent_at",
        Prisma.sql`c.expires_at <= now() AND c.expires_at > now() - make_interval(days => ${EXPIRED_NOTICE_WITHIN_DAYS})
          AND ${ownerReachable()}`,
        Prisma.sql`c.expires_at`,
      ),
    (tx, token) =>
      announce(tx, token, "api_token.expired", { notice: "tokenExpired", values: { expiresAt: { date: token.expires_at.toISOString() } } }),
  );
  return { reminded, expired };
}

/** Operators' option (TOKEN_AUTO_REVOKE_UNUSED_DAYS): tokens nobody has used for `days` days are revoked. */
export async function revokeUnusedTokens(days: number): Promise<{ revoked: number }> {
  const revoked = await inBatches(
    (tx) =>
      claim(
        tx,
        "revoked_at",
        Prisma.sql`c.expires_at > now() AND COALESCE(c.last_used_at, c.created_at) < now() - make_interval(days => ${days})`,
        Prisma.sql`c.created_at`,
      ),
    (tx, token) => announce(tx, token, "api_token.auto_revoked", { notice: "tokenAutoRevoked", values: { days } }, { unusedDays: days }),
  );
  return { revoked };
}

const CLAIMED = Prisma.sql`t.id, t.name, t.display_prefix, t.expires_at, t.user_id, u.email,
  u.disabled_at IS NULL AND u.deleted_at IS NULL AS reachable`;

/**
 * Claims up to a batch of live tokens that are `due` and not yet `mark`ed (SKIP LOCKED: rows another
 * sweep holds are left to it), marks them now and returns them with their owner (`cu` in `due`).
 */
function claim(tx: Tx, mark: "expiry_reminder_sent_at" | "expired_notice_sent_at" | "revoked_at", due: Prisma.Sql, order: Prisma.Sql) {
  const column = Prisma.raw(mark);
  return tx.$queryRaw<ClaimedToken[]>`
    UPDATE api_tokens t SET ${column} = now() FROM users u
    WHERE u.id = t.user_id AND t.id IN (
      SELECT c.id FROM api_tokens c JOIN users cu ON cu.id = c.user_id
      WHERE c.revoked_at IS NULL AND c.${column} IS NULL AND ${due}
      ORDER BY ${order} LIMIT ${BATCH} FOR UPDATE OF c SKIP LOCKED)
    RETURNING ${CLAIMED}`;
}

/** SQL: the token's owner (`cu`) can still be written to. */
function ownerReachable(): Prisma.Sql {
  return Prisma.sql`cu.disabled_at IS NULL AND cu.deleted_at IS NULL`;
}

/** One transaction per batch: what it claims and what it queues commit together. */
async function inBatches(
  claim: (tx: Tx) => Promise<ClaimedToken[]>,
  each: (tx: Tx, token: ClaimedToken) => Promise<void>,
): Promise<number> {
  let total = 0;
  for (;;) {
    const count = await db.$transaction(async (tx) => {
      const tokens = await claim(tx);
      for (const token of tokens) await each(tx, token);
      return tokens.length;
    });
    total += count;
    if (count < BATCH) return total;
  }
}

async function announce(
  tx: Tx,
  token: ClaimedToken,
  type: Extract<AuditEventType, "api_token.expiring_soon" | "api_token.expired" | "api_token.auto_revoked">,
  notice: Required<Pick<SecurityNotice, "notice" | "values">>,
  metadata: Prisma.InputJsonObject = {},
): Promise<void> {
  // A disabled account's tokens may still be revoked; its owner is not written to.
  if (token.reachable)
    await queueSecurityNotice(tx, token.email, NO_REQUEST, {
      notice: notice.notice,
      values: { ...notice.values, name: token.name, url: `${getEnv().APP_URL}/settings/security` },
      facts: { token: `${token.name} (${token.display_prefix}…)` },
      closing: "manageTokens",
    });
  await recordAuditEvent(tx, {
    type,
    actor: MAINTENANCE,
    target: { type: "user", id: token.user_id },
    meta: NO_REQUEST,
    metadata: { name: token.name, prefix: token.display_prefix, expiresAt: token.expires_at.toISOString(), ...metadata },
  });
}
