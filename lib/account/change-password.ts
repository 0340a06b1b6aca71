import "server-only";
import { issue } from "@/i18n/issues";
import { recordAuditEvent, recordStandaloneEvent } from "@/lib/audit/record";
import { hashPassword, verifyPassword } from "@/lib/auth/password";
import { passwordProblem } from "@/lib/auth/password-policy";
import { SIGN_IN_LIMITS, signInAccountKey } from "@/lib/auth/sign-in-limits";
import { deriveKey, hmacHex } from "@/lib/crypto";
import { db } from "@/lib/db";
import { notifyAccountChange } from "@/lib/email/account-notice";
import type { RequestContext } from "@/lib/http/context";
import { forgiveRateLimitHit, hitRateLimit } from "@/lib/rate-limit";
import { revokeOtherSessions } from "@/lib/sessions/other-sessions";
import { withStepUp } from "@/lib/step-up/with-step-up";
import type { ChangePasswordInput } from "@/shared/account";
import { AppError } from "@/shared/errors";

/**
 * Current password, then step-up (email code, plus the second factor when 2FA is on), then the
 * change. A wrong current password counts against the same limit as sign-in guesses for this
 * account, so a stolen session is no faster way to guess it.
 */
export async function changePassword(context: RequestContext, input: ChangePasswordInput): Promise<{ signedOut: number }> {
  const { session, meta } = context;
  const problem = passwordProblem(input.newPassword, session.user.email);
  if (problem) throw new AppError("VALIDATION_FAILED", { fieldErrors: { newPassword: [problem] } });
  if (input.newPassword === input.currentPassword) {
    throw new AppError("VALIDATION_FAILED", { fieldErrors: { newPassword: [issue("passwordSameAsCurrent")] } });
  }

  const limitKey = signInAccountKey(session.user.email);
  const limit = await hitRateLimit(limitKey, SIGN_IN_LIMITS.perAccount);
  if (!limit.allowed) {
    await recordStandaloneEvent({ type: "password.change_failed", outcome: "BLOCKED", actor: session.user, reason: "rate_limited", meta });
    throw new AppError("RATE_LIMITED", { retryAfterSeconds: limit.retryAfterSeconds });
  }
  const user = await db.user.findUniqueOrThrow({ where: { id: session.user.id }, select: { passwordHash: true } });
  if (!(await verifyPassword(user.passwordHash, input.currentPassword))) {
    await recordStandaloneEvent({
      type: "password.change_failed",
      outcome: "FAILURE",
      actor: session.user,
      reason: "wrong_password",
      meta,
    });
    throw new AppError("WRONG_PASSWORD", { fieldErrors: { currentPassword: [issue("currentPasswordIncorrect")] } });
  }
  await forgiveRateLimitHit(limitKey, limit);

  const newPasswordDigest = hmacHex(deriveKey("step-up-password-payload"), session.user.id, input.newPassword);
  const passwordHash = await hashPassword(input.newPassword);
  return withStepUp(context, "password.change", { newPasswordDigest, signOutOtherSessions: input.signOutOtherSessions }, async (tx) => {
    await tx.user.update({ where: { id: session.user.id }, data: { passwordHash } });
    // A sign-in waiting for its second factor proved the old password: it must not finish.
    await tx.signInChallenge.updateMany({ where: { userId: session.user.id, consumedAt: null }, data: { consumedAt: new Date() } });
    const signedOut = input.signOutOtherSessions ? await revokeOtherSessions(tx, context) : 0;
    await recordAuditEvent(tx, {
      type: "password.changed",
      actor: session.user,
      target: { type: "user", id: session.user.id },
      meta,
      metadata: { signedOutSessions: signedOut },
    });
    await notifyAccountChange(tx, context, { notice: "passwordChanged", values: { signedOut } });
    return { signedOut };
  });
}
