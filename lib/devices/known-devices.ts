import "server-only";
import { recordAuditEvent } from "@/lib/audit/record";
import { sha256Hex } from "@/lib/crypto";
import { db, type Tx } from "@/lib/db";
import { queueSecurityNotice } from "@/lib/email/account-notice";
import { getEnv } from "@/lib/env";
import type { RequestContext } from "@/lib/http/context";
import { mintLinkToken } from "@/lib/http/link-token";
import type { RequestMeta } from "@/lib/http/request-meta";
import { describeUserAgent } from "@/lib/http/user-agent";
import type { SessionUser } from "@/lib/sessions/lifecycle";
import type { KnownDeviceDto } from "@/shared/devices";
import { AppError } from "@/shared/errors";
import { isUuid } from "@/shared/format";

// An account's very first sign-in, this soon after it was made and with no device remembered, is its
// owner's (accounts made by an admin or a seed have no signing-up browser to remember).
const FIRST_SIGN_IN_WINDOW_HOURS = 24;
/** How long the new-device email's "secure my account" link works. */
export const SECURE_LINK_DAYS = 7;

type Remembered = { id: string; inserted: boolean };

/** Remembers this browser for the account (or refreshes it): the device the account was just made from, say. */
export async function rememberDevice(tx: Tx, userId: string, deviceId: string, meta: RequestMeta): Promise<Remembered> {
  const [row] = await tx.$queryRaw<Remembered[]>`
    INSERT INTO known_devices (id, user_id, device_hash, user_agent, last_ip)
    VALUES (gen_random_uuid(), ${userId}::uuid, ${sha256Hex(deviceId)}, ${meta.userAgent}, ${meta.ip}::inet)
    ON CONFLICT (user_id, device_hash) DO UPDATE
      SET last_seen_at = now(), user_agent = EXCLUDED.user_agent, last_ip = EXCLUDED.last_ip
    RETURNING id, (xmax = 0) AS inserted`;
  if (!row) throw new Error("known device upsert returned no row");
  return row;
}

/**
 * A sign-in's device, in the sign-in's transaction: remembered, and when the account has not used
 * it before, the owner is emailed (with a link that secures the account) — once per device, since
 * a second sign-in racing the first finds the row the first inserted. Returns whether it announced.
 */
export async function recognizeSignInDevice(tx: Tx, user: SessionUser, deviceId: string, meta: RequestMeta): Promise<boolean> {
  const device = await rememberDevice(tx, user.id, deviceId, meta);
  if (!device.inserted || (await isFirstSignIn(tx, user.id, device.id))) return false;
  const link = mintLinkToken();
  await tx.knownDevice.update({
    where: { id: device.id },
    data: { secureTokenHash: link.hash, secureTokenExpiresAt: new Date(Date.now() + SECURE_LINK_DAYS * 86_400_000) },
  });
  await queueSecurityNotice(
    tx,
    user.email,
    meta,
    {
      notice: "newSignIn",
      facts: { device: { device: meta.userAgent }, ipAddress: meta.ip },
      closing: "newSignIn",
      link: { label: "secureAccount", href: `${getEnv().APP_URL}/secure-account?token=${link.token}` },
    },
    { userId: user.id },
  );
  return true;
}

async function isFirstSignIn(tx: Tx, userId: string, deviceId: string): Promise<boolean> {
  // Only an account created within the window can be signing in for the first time, so its sign-ins
  // are all newer than this (a day's margin for the clocks): a constant, so Postgres plans only the
  // audit log's latest months, not all of them.
  const since = new Date(Date.now() - (FIRST_SIGN_IN_WINDOW_HOURS + 24) * 3_600_000);
  const [row] = await tx.$queryRaw<{ first: boolean }[]>`
    SELECT u.created_at > now() - make_interval(hours => ${FIRST_SIGN_IN_WINDOW_HOURS})
      AND NOT EXISTS (SELECT 1 FROM known_devices WHERE user_id = u.id AND id <> ${deviceId}::uuid)
      AND NOT EXISTS (SELECT 1 FROM audit_events WHERE actor_id = u.id AND type = 'auth.sign_in' AND created_at >= ${since}) AS first
    FROM users u WHERE u.id = ${userId}::uuid`;
  return row?.first ?? false;
}

/** The account's devices, most recently used first; `currentDeviceId` (this browser's) is marked. */
export async function listKnownDevices(userId: string, currentDeviceId: string | null): Promise<KnownDeviceDto[]> {
  const devices = await db.knownDevice.findMany({
    where: { userId },
    orderBy: { lastSeenAt: "desc" },
    select: { id: true, deviceHash: true, userAgent: true, lastIp: true, firstSeenAt: true, lastSeenAt: true },
  });
  const currentHash = currentDeviceId ? sha256Hex(currentDeviceId) : null;
  return devices.map((device) => ({
    id: device.id,
    device: describeUserAgent(device.userAgent),
    lastIp: device.lastIp,
    firstSeenAt: device.firstSeenAt.toISOString(),
    lastSeenAt: device.lastSeenAt.toISOString(),
    current: device.deviceHash === currentHash,
  }));
}

/** "Forget this device": its next sign-in is announced again. Not a step-up action: it only takes trust away. */
export async function forgetDevice(context: Pick<RequestContext, "session" | "meta">, deviceId: string): Promise<void> {
  if (!isUuid(deviceId)) throw new AppError("NOT_FOUND");
  await db.$transaction(async (tx) => {
    const device = await tx.knownDevice.findFirst({
      where: { id: deviceId, userId: context.session.user.id },
      select: { userAgent: true },
    });
    if (!device) throw new AppError("NOT_FOUND");
    await tx.knownDevice.delete({ where: { id: deviceId } });
    await recordAuditEvent(tx, {
      type: "device.forgotten",
      actor: context.session.user,
      target: { type: "device", id: deviceId },
      meta: context.meta,
      metadata: { device: describeUserAgent(device.userAgent) },
    });
  });
}
