import "server-only";
import { recordAuditEvent, recordStandaloneEvent } from "@/lib/audit/record";
import { secondFactorAccountKey, SIGN_IN_LIMITS, signInAccountKey } from "@/lib/auth/sign-in-limits";
import { db, type Tx } from "@/lib/db";
import { linkTokenHash, mintLinkToken } from "@/lib/http/link-token";
import type { RequestMeta } from "@/lib/http/request-meta";
import { addressLimitKey, forgiveRateLimitHit, hitRateLimit, resetRateLimit } from "@/lib/rate-limit";
import type { SessionUser } from "@/lib/sessions/lifecycle";
import { openSignInSession, type SignInMeta } from "@/lib/sessions/sign-in-session";
import { countRecoveryCodesLeft, RECOVERY_CODES } from "@/lib/two-factor/recovery-codes";
import { acceptSecondFactor } from "@/lib/two-factor/second-factor";
import { maskEmail } from "@/shared/format";
import type { SecondFactorProof } from "@/shared/two-factor";

export const SECOND_FACTOR_SIGN_IN = { ttlSeconds: 10 * 60, maxAttempts: 5 } as const;

export type SecondFactorSignInResult =
  | { ok: true; user: SessionUser; sessionId: string }
  | { ok: false; code: "SECOND_FACTOR_INVALID"; attemptsLeft: number }
  | { ok: false; code: "CODE_EXPIRED" | "TOO_MANY_ATTEMPTS" }
  | { ok: false; code: "RATE_LIMITED"; retryAfterSeconds: number };

/** Password accepted, 2FA on: no session yet, only a 10-minute token for the second page (kept in a cookie). */
export async function startSecondFactorSignIn(tx: Tx, user: SessionUser, meta: RequestMeta): Promise<string> {
  const { token, hash } = mintLinkToken();
  const challenge = await tx.signInChallenge.create({
    data: { userId: user.id, tokenHash: hash, expiresAt: new Date(Date.now() + SECOND_FACTOR_SIGN_IN.ttlSeconds * 1000) },
    select: { id: true },
  });
  await recordAuditEvent(tx, {
    type: "auth.second_factor_required",
    actor: user,
    target: { type: "sign_in_challenge", id: challenge.id },
    meta,
  });
  return token;
}

export type PendingSecondFactor = { maskedEmail: string; recoveryCodesLeft: number; warnAt: number };

/** What the second page shows, or null when the token is unknown, used or expired. */
export async function findSecondFactorSignIn(token: string): Promise<PendingSecondFactor | null> {
  const challenge = await findLiveChallenge(token);
  if (!challenge) return null;
  return {
    maskedEmail: maskEmail(challenge.user.email),
    recoveryCodesLeft: await countRecoveryCodesLeft(challenge.user.id),
    warnAt: RECOVERY_CODES.warnAt,
  };
}

/**
 * The second page: limited like sign-in (per account and per IP, counted before checking) and
 * 5 tries per token. Success spends the token and creates the session in one transaction.
 */
export async function completeSecondFactorSignIn(
  token: string,
  proof: SecondFactorProof,
  meta: SignInMeta,
): Promise<SecondFactorSignInResult> {
  const challenge = await findLiveChallenge(token);
  if (!challenge) return { ok: false, code: "CODE_EXPIRED" };
  const user: SessionUser = challenge.user;
  const failed = (outcome: "FAILURE" | "BLOCKED", reason: string) =>
    recordStandaloneEvent({
      type: "auth.sign_in_failed",
      outcome,
      actor: user,
      target: { type: "sign_in_challenge", id: challenge.id },
      reason,
      meta,
    });

  const accountKey = secondFactorAccountKey(user.id);
  const ipKey = addressLimitKey("second-factor", meta.ip);
  const [account, ip] = await Promise.all([hitRateLimit(accountKey, SIGN_IN_LIMITS.perAccount), hitRateLimit(ipKey, SIGN_IN_LIMITS.perIp)]);
  if (!account.allowed || !ip.allowed) {
    await failed("BLOCKED", "rate_limited");
    return { ok: false, code: "RATE_LIMITED", retryAfterSeconds: Math.max(account.retryAfterSeconds, ip.retryAfterSeconds) };
  }

  const counted = await db.$queryRaw<{ attempts: number }[]>`
    UPDATE sign_in_challenges SET attempts = attempts + 1
    WHERE id = ${challenge.id}::uuid AND consumed_at IS NULL AND expires_at > now() AND attempts < ${SECOND_FACTOR_SIGN_IN.maxAttempts}
    RETURNING attempts`;
  const attempts = counted[0]?.attempts;
  if (attempts === undefined) {
    await failed("BLOCKED", "too_many_attempts");
    return { ok: false, code: "TOO_MANY_ATTEMPTS" };
  }

  const sessionId = await db
    .$transaction(async (tx) => {
      const consumed = await tx.signInChallenge.updateMany({
        where: { id: challenge.id, consumedAt: null },
        data: { consumedAt: new Date() },
      });
      if (consumed.count !== 1) return null;
      if (!(await acceptSecondFactor(tx, { user, meta, purpose: "sign in" }, proof))) throw new SecondFactorRefused();
      return openSignInSession(tx, user, meta, { reason: `two_factor:${proof.method}` });
    })
    .catch((error: unknown) => {
      if (error instanceof SecondFactorRefused) return undefined;
      throw error;
    });

  if (sessionId === null) return { ok: false, code: "CODE_EXPIRED" };
  if (sessionId === undefined) {
    await failed("FAILURE", "wrong_second_factor");
    const attemptsLeft = SECOND_FACTOR_SIGN_IN.maxAttempts - attempts;
    return attemptsLeft > 0 ? { ok: false, code: "SECOND_FACTOR_INVALID", attemptsLeft } : { ok: false, code: "TOO_MANY_ATTEMPTS" };
  }
  await Promise.all([resetRateLimit(accountKey), resetRateLimit(signInAccountKey(user.email)), forgiveRateLimitHit(ipKey, ip)]);
  return { ok: true, user, sessionId };
}

/** Rolls the token's consumption back when the second factor is wrong. */
class SecondFactorRefused extends Error {}

async function findLiveChallenge(token: string) {
  const tokenHash = linkTokenHash(token);
  if (!tokenHash) return null;
  return db.signInChallenge.findFirst({
    where: {
      tokenHash,
      consumedAt: null,
      expiresAt: { gt: new Date() },
      attempts: { lt: SECOND_FACTOR_SIGN_IN.maxAttempts },
      user: { disabledAt: null, deletedAt: null },
    },
    select: { id: true, user: { select: { id: true, email: true, role: true } } },
  });
}
