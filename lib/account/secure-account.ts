import "server-only";
import { recordAuditEvent } from "@/lib/audit/record";
import { db, type Tx } from "@/lib/db";
import { queueSecurityNotice } from "@/lib/email/account-notice";
import { getEnv } from "@/lib/env";
import type { RequestContext } from "@/lib/http/context";
import { linkTokenHash } from "@/lib/http/link-token";
import type { RequestMeta } from "@/lib/http/request-meta";
import { describeUserAgent } from "@/lib/http/user-agent";
import { lockDownAccount } from "@/lib/sessions/lifecycle";
import type { SecuredAccount } from "@/shared/activity";

/**
 * "This wasn't me" on a row of the activity page: every other session signed out, every open
 * step-up challenge and grant ended, recorded and announced. Not behind step-up: it only takes
 * access away, and an owner who fears for the account must never be slowed down doing it.
 */
export async function secureAccount(
  context: Pick<RequestContext, "session" | "meta">,
  reportedEventId: string | null,
): Promise<SecuredAccount> {
  const { session, meta } = context;
  return db.$transaction(async (tx) => {
    const ended = await lockDownAccount(tx, session.user.id, session.id);
    return recordSecured(tx, { userId: session.user.id, email: session.user.email, actorId: session.user.id }, meta, ended, {
      reason: "activity_report",
      reported: reportedEventId ? { event: reportedEventId } : {},
    });
  });
}

/** What a new-device email's "secure my account" link points at, if it still works (GET: read only). */
export async function findSecurableDevice(token: string): Promise<{ device: string; signedInAt: string } | null> {
  const device = await findByToken(token);
  return device ? { device: describeUserAgent(device.userAgent), signedInAt: device.firstSeenAt.toISOString() } : null;
}

/**
 * The new-device email's link, by whoever holds the inbox: every session of the account signed out
 * (the owner's own too: nobody can tell which is whose) and step-up ended; the device is forgotten,
 * so it is announced again if it signs back in. The link works once.
 */
export async function secureAccountByLink(token: string, meta: RequestMeta): Promise<(SecuredAccount & { reference: string }) | null> {
  const device = await findByToken(token);
  if (!device) return null;
  return db.$transaction(async (tx) => {
    const used = await tx.knownDevice.deleteMany({ where: { id: device.id, secureTokenHash: device.secureTokenHash } });
    if (used.count !== 1) return null;
    const ended = await lockDownAccount(tx, device.user.id, null);
    const secured = await recordSecured(tx, { userId: device.user.id, email: device.user.email, actorId: null }, meta, ended, {
      reason: "new_device_email",
      reported: { device: device.id },
    });
    // What the owner quotes to an administrator: it is in the audit row's metadata.
    return { ...secured, reference: device.id.slice(0, 8).toUpperCase() };
  });
}

async function recordSecured(
  tx: Tx,
  account: { userId: string; email: string; actorId: string | null },
  meta: RequestMeta,
  ended: { sessions: number; challenges: number; grants: number },
  audit: { reason: "activity_report" | "new_device_email"; reported: { event?: string; device?: string } },
): Promise<SecuredAccount> {
  await recordAuditEvent(tx, {
    type: "account.secured",
    outcome: "BLOCKED",
    actor: account.actorId ? { id: account.actorId, email: account.email } : { email: account.email },
    target: { type: "user", id: account.userId },
    reason: audit.reason,
    meta,
    metadata: {
      sessionsSignedOut: ended.sessions,
      challengesEnded: ended.challenges,
      grantsEnded: ended.grants,
      ...audit.reported,
    },
  });
  await queueSecurityNotice(
    tx,
    account.email,
    meta,
    {
      notice: "accountSecured",
      values: { via: audit.reason === "new_device_email" ? "link" : "activity", url: `${getEnv().APP_URL}/settings/security` },
      facts: { sessionsSignedOut: ended.sessions },
      closing: "secureNext",
    },
    { userId: account.userId },
  );
  return { sessionsSignedOut: ended.sessions, challengesEnded: ended.challenges, grantsEnded: ended.grants };
}

async function findByToken(token: string) {
  const secureTokenHash = linkTokenHash(token);
  if (!secureTokenHash) return null;
  const device = await db.knownDevice.findFirst({
    where: { secureTokenHash, secureTokenExpiresAt: { gt: new Date() }, user: { deletedAt: null } },
    select: { id: true, secureTokenHash: true, userAgent: true, firstSeenAt: true, user: { select: { id: true, email: true } } },
  });
  return device?.secureTokenHash ? { ...device, secureTokenHash: device.secureTokenHash } : null;
}
