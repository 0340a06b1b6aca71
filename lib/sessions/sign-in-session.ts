import "server-only";
import { recordAuditEvent } from "@/lib/audit/record";
import type { Prisma, Tx } from "@/lib/db";
import { recognizeSignInDevice } from "@/lib/devices/known-devices";
import type { RequestMeta } from "@/lib/http/request-meta";
import { createSession, type SessionUser } from "@/lib/sessions/lifecycle";

/** A sign-in's request, with the browser's device id (lib/devices/cookie.ts) when it has one. */
export type SignInMeta = RequestMeta & { deviceId?: string | null };

/**
 * The end of every successful sign-in (password, second factor, passkey), in its transaction: the
 * session, the device recognised (a new one announced to the owner), and the audit row.
 */
export async function openSignInSession(
  tx: Tx,
  user: SessionUser,
  meta: SignInMeta,
  audit: { reason?: string; metadata?: Prisma.InputJsonObject } = {},
): Promise<string> {
  const id = await createSession(tx, user.id, meta);
  const newDevice = meta.deviceId ? await recognizeSignInDevice(tx, user, meta.deviceId, meta) : false;
  await recordAuditEvent(tx, {
    type: "auth.sign_in",
    actor: user,
    target: { type: "session", id },
    reason: audit.reason,
    meta,
    metadata: newDevice ? { ...audit.metadata, newDevice } : audit.metadata,
  });
  return id;
}
