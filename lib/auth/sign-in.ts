import "server-only";
import { recordStandaloneEvent } from "@/lib/audit/record";
import { verifyPassword } from "@/lib/auth/password";
import { startSecondFactorSignIn } from "@/lib/auth/second-factor-sign-in";
import { SIGN_IN_LIMITS, signInAccountKey } from "@/lib/auth/sign-in-limits";
import { db } from "@/lib/db";
import { addressLimitKey, forgiveRateLimitHit, hitRateLimit, resetRateLimit } from "@/lib/rate-limit";
import type { SessionUser } from "@/lib/sessions/lifecycle";
import { openSignInSession, type SignInMeta } from "@/lib/sessions/sign-in-session";
import type { SignInInput } from "@/shared/auth";

export type SignInResult =
  | { ok: true; user: SessionUser; sessionId: string }
  | { ok: false; code: "INVALID_CREDENTIALS" }
  | { ok: false; code: "ACCOUNT_DISABLED" }
  | { ok: false; code: "SECOND_FACTOR_REQUIRED"; token: string }
  | { ok: false; code: "RATE_LIMITED"; retryAfterSeconds: number };

/**
 * Every attempt is counted before the password is checked, so parallel guesses cannot
 * slip past the limit; a successful sign-in clears the account's count.
 */
export async function signInWithPassword(input: SignInInput, meta: SignInMeta): Promise<SignInResult> {
  const accountKey = signInAccountKey(input.email);
  const ipKey = addressLimitKey("sign-in", meta.ip);
  const [account, ip] = await Promise.all([hitRateLimit(accountKey, SIGN_IN_LIMITS.perAccount), hitRateLimit(ipKey, SIGN_IN_LIMITS.perIp)]);
  const user = await db.user.findUnique({
    where: { email: input.email },
    select: { id: true, email: true, role: true, passwordHash: true, twoFactorEnabledAt: true, disabledAt: true },
  });

  if (!account.allowed || !ip.allowed) {
    const retryAfterSeconds = Math.max(account.retryAfterSeconds, ip.retryAfterSeconds);
    await recordStandaloneEvent({
      type: "auth.sign_in_failed",
      outcome: "BLOCKED",
      actor: user ?? { email: input.email },
      reason: "rate_limited",
      meta,
    });
    return { ok: false, code: "RATE_LIMITED", retryAfterSeconds };
  }

  if (!(await verifyPassword(user?.passwordHash ?? null, input.password)) || !user) {
    await recordStandaloneEvent({
      type: "auth.sign_in_failed",
      outcome: "FAILURE",
      actor: user ? { id: user.id, email: user.email } : { email: input.email },
      reason: user ? "wrong_password" : "unknown_email",
      meta,
    });
    return { ok: false, code: "INVALID_CREDENTIALS" };
  }

  const sessionUser: SessionUser = { id: user.id, email: user.email, role: user.role };
  // Said only to someone who knows the password: a disabled account is no secret from its owner.
  if (user.disabledAt) {
    await recordStandaloneEvent({ type: "auth.sign_in_failed", outcome: "BLOCKED", actor: sessionUser, reason: "account_disabled", meta });
    return { ok: false, code: "ACCOUNT_DISABLED" };
  }
  if (user.twoFactorEnabledAt) {
    // The account's sign-in count is cleared only when the second factor is through too.
    const token = await db.$transaction((tx) => startSecondFactorSignIn(tx, sessionUser, meta));
    return { ok: false, code: "SECOND_FACTOR_REQUIRED", token };
  }
  const sessionId = await db.$transaction((tx) => openSignInSession(tx, sessionUser, meta));
  await Promise.all([resetRateLimit(accountKey), forgiveRateLimitHit(ipKey, ip)]);
  return { ok: true, user: sessionUser, sessionId };
}
