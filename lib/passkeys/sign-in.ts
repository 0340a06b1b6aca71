import "server-only";
import type { PublicKeyCredentialRequestOptionsJSON } from "@simplewebauthn/server";
import { recordStandaloneEvent } from "@/lib/audit/record";
import { SIGN_IN_LIMITS } from "@/lib/auth/sign-in-limits";
import { db } from "@/lib/db";
import type { RequestMeta } from "@/lib/http/request-meta";
import { checkAssertion, spendAssertion } from "@/lib/passkeys/assertion";
import { storeWebAuthnChallenge } from "@/lib/passkeys/challenges";
import { authenticationOptions } from "@/lib/passkeys/relying-party";
import { addressLimitKey, enforceRateLimits, forgiveRateLimitHit, hitRateLimit } from "@/lib/rate-limit";
import type { SessionUser } from "@/lib/sessions/lifecycle";
import { openSignInSession, type SignInMeta } from "@/lib/sessions/sign-in-session";

export type PasskeySignInResult =
  | { ok: true; user: SessionUser; sessionId: string }
  | { ok: false; code: "PASSKEY_REFUSED" }
  | { ok: false; code: "RATE_LIMITED"; retryAfterSeconds: number };

/** Options for the sign-in page (button or autofill): any discoverable passkey for this site may answer. */
export async function passkeySignInOptions(meta: RequestMeta): Promise<PublicKeyCredentialRequestOptionsJSON> {
  // Each page view asks once (autofill); this only keeps one address from filling the table.
  await enforceRateLimits([[addressLimitKey("passkey-options", meta.ip), { limit: 120, windowSeconds: 15 * 60 }]]);
  const options = await authenticationOptions();
  await storeWebAuthnChallenge(db, options.challenge, { purpose: "SIGN_IN" });
  return options;
}

/**
 * A user-verified passkey is a complete sign-in on its own (something the user has, unlocked by
 * something they know or are). Limited like password sign-in: every assertion counts against the
 * address's budget before it is checked, a success takes its hit back; failures are audited with
 * their reason and answered with one generic refusal.
 */
export async function signInWithPasskey(responseText: string, meta: SignInMeta): Promise<PasskeySignInResult> {
  const ipKey = addressLimitKey("passkey-sign-in", meta.ip);
  const ip = await hitRateLimit(ipKey, SIGN_IN_LIMITS.perIp);
  if (!ip.allowed) {
    await recordStandaloneEvent({ type: "auth.sign_in_failed", outcome: "BLOCKED", reason: "passkey:rate_limited", meta });
    return { ok: false, code: "RATE_LIMITED", retryAfterSeconds: ip.retryAfterSeconds };
  }
  const checked = await checkAssertion(db, responseText, { purpose: "SIGN_IN" });
  const owner = checked.ok ? checked.passkey.userId : checked.passkey?.userId;
  const user = owner
    ? await db.user.findFirst({ where: { id: owner, disabledAt: null, deletedAt: null }, select: { id: true, email: true, role: true } })
    : null;
  if (!checked.ok || !user) {
    await recordStandaloneEvent({
      type: "auth.sign_in_failed",
      outcome: "FAILURE",
      actor: user,
      target: checked.passkey ? { type: "passkey", id: checked.passkey.id } : undefined,
      reason: `passkey:${checked.ok ? "account_unavailable" : checked.reason}`,
      meta,
    });
    return { ok: false, code: "PASSKEY_REFUSED" };
  }
  const sessionId = await db.$transaction(async (tx) => {
    if (!(await spendAssertion(tx, checked))) return null;
    return openSignInSession(tx, user, meta, { reason: "passkey", metadata: { passkey: checked.passkey.id } });
  });
  if (!sessionId) {
    await recordStandaloneEvent({ type: "auth.sign_in_failed", outcome: "FAILURE", actor: user, reason: "passkey:replayed", meta });
    return { ok: false, code: "PASSKEY_REFUSED" };
  }
  await forgiveRateLimitHit(ipKey, ip);
  return { ok: true, user, sessionId };
}
