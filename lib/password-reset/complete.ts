import "server-only";
import type { PublicKeyCredentialRequestOptionsJSON } from "@simplewebauthn/server";
import { startRecoveryHold } from "@/lib/account/recovery-hold";
import { recordAuditEvent, recordStandaloneEvent } from "@/lib/audit/record";
import { hashPassword } from "@/lib/auth/password";
import { passwordProblem } from "@/lib/auth/password-policy";
import { signInAccountKey } from "@/lib/auth/sign-in-limits";
import { db, type Tx } from "@/lib/db";
import { enqueueEmail } from "@/lib/email/outbox";
import { mintLinkToken } from "@/lib/http/link-token";
import type { RequestMeta } from "@/lib/http/request-meta";
import { checkCode, consumeCode } from "@/lib/one-time-code";
import { checkAssertion, spendAssertion } from "@/lib/passkeys/assertion";
import { storeWebAuthnChallenge } from "@/lib/passkeys/challenges";
import { authenticationOptions } from "@/lib/passkeys/relying-party";
import { RESET_PURPOSE } from "@/lib/password-reset/request";
import { voidPasswordResetsFor } from "@/lib/password-reset/void";
import { resetRateLimit } from "@/lib/rate-limit";
import { signOutEverywhere } from "@/lib/sessions/lifecycle";
import { acceptSecondFactor } from "@/lib/two-factor/second-factor";
import { AppError } from "@/shared/errors";
import { isUuid } from "@/shared/format";
import { secondFactorOf, type ResetPasswordInput } from "@/shared/password-reset";

/**
 * The reset form: the emailed code (every submission counts one of its tries, whichever proof was
 * wrong), the new password under the sign-up rules, and with 2FA on an authenticator or recovery
 * code too. In one transaction: the code is spent, the password changes, every session, pending
 * second-factor sign-in, step-up challenge and grant ends, the recovery hold starts, the audit row
 * and the notice (with its "this wasn't me" link) are written. API tokens stay valid.
 */
export async function resetPassword(input: ResetPasswordInput, meta: RequestMeta): Promise<{ email: string }> {
  const reset = isUuid(input.resetId)
    ? await db.passwordReset.findFirst({
        where: { id: input.resetId, completedAt: null },
        select: { id: true, email: true, user: { select: { id: true, email: true, twoFactorEnabledAt: true } } },
      })
    : null;
  if (!reset) throw new AppError("CODE_INVALID");
  const problem = passwordProblem(input.newPassword, reset.email);
  if (problem) throw new AppError("VALIDATION_FAILED", { fieldErrors: { newPassword: [problem] } });

  const refuse = async (reason: string, error: AppError): Promise<never> => {
    await recordStandaloneEvent({
      type: "password.reset_failed",
      outcome: "FAILURE",
      actor: reset.user ?? { email: reset.email },
      target: { type: "password_reset", id: reset.id },
      reason,
      meta,
    });
    throw error;
  };

  const checked = await checkCode({ id: reset.id, purpose: RESET_PURPOSE, code: input.code });
  if (!checked.ok) return refuse(checked.reason.toLowerCase(), new AppError(checked.reason, { attemptsLeft: checked.attemptsLeft }));
  // An address without an account never got its code, so this is out of reach; kept as a guard.
  const user = reset.user;
  if (!user) return refuse("no_account", new AppError("CODE_INVALID"));
  const secondFactor = secondFactorOf(input);
  if (user.twoFactorEnabledAt && !secondFactor)
    throw new AppError("SECOND_FACTOR_REQUIRED", { passkeyOptions: (await resetPasskeyOptions(user.id)) ?? undefined });

  const passwordHash = await hashPassword(input.newPassword);
  const report = mintLinkToken();
  const outcome = await db
    .$transaction(async (tx) => {
      if (!(await consumeCode(tx, reset.id))) return "spent" as const;
      if (user.twoFactorEnabledAt && !(secondFactor && (await acceptResetSecondFactor(tx, user, meta, secondFactor))))
        throw new SecondFactorRefused();
      const changed = await tx.user.updateMany({
        where: { id: user.id, email: reset.email, deletedAt: null, disabledAt: null },
        data: { passwordHash },
      });
      if (changed.count !== 1) return "spent" as const;
      await tx.passwordReset.update({ where: { id: reset.id }, data: { completedAt: new Date(), reportTokenHash: report.hash } });
      await voidPasswordResetsFor(tx, user.id);
      const signedOut = await signOutEverywhere(tx, user.id);
      const holdUntil = (await startRecoveryHold(tx, user.id, "password_reset"))?.toISOString() ?? null;
      await recordAuditEvent(tx, {
        type: "password.reset",
        actor: user,
        target: { type: "user", id: user.id },
        reason: secondFactor ? `two_factor:${secondFactor.method}` : undefined,
        meta,
        metadata: { passwordReset: reset.id, signedOutSessions: signedOut, holdUntil },
      });
      await enqueueEmail(tx, user.email, { template: "passwordWasReset", data: { reportToken: report.token, holdUntil, meta } });
      return "reset" as const;
    })
    .catch((error: unknown) => {
      if (error instanceof SecondFactorRefused) return "second_factor_refused" as const;
      throw error;
    });

  if (outcome === "spent") return refuse("code_invalid", new AppError("CODE_INVALID"));
  if (outcome === "second_factor_refused") return refuse("wrong_second_factor", new AppError("SECOND_FACTOR_INVALID"));
  // The owner signs in normally now, whatever guesses were made at the old password.
  await resetRateLimit(signInAccountKey(user.email));
  return { email: user.email };
}

/** An authenticator or recovery code as at sign-in, or one of the account's passkeys answering the page's options. */
async function acceptResetSecondFactor(
  tx: Tx,
  user: { id: string; email: string },
  meta: RequestMeta,
  proof: NonNullable<ReturnType<typeof secondFactorOf>>,
): Promise<boolean> {
  if (proof.method !== "passkey") return acceptSecondFactor(tx, { user, meta, purpose: "reset your password" }, proof);
  const checked = await checkAssertion(tx, proof.assertion, { purpose: "PASSWORD_RESET", userId: user.id });
  return checked.ok && (await spendAssertion(tx, checked));
}

/**
 * Options for the account's passkeys, offered only once the emailed code was right (so the page
 * never tells a stranger whether an address has passkeys); null without any.
 */
async function resetPasskeyOptions(userId: string): Promise<PublicKeyCredentialRequestOptionsJSON | null> {
  const passkeys = await db.passkey.findMany({ where: { userId }, select: { credentialId: true } });
  if (passkeys.length === 0) return null;
  const options = await authenticationOptions(passkeys.map((passkey) => ({ id: passkey.credentialId })));
  await storeWebAuthnChallenge(db, options.challenge, { purpose: "PASSWORD_RESET", userId });
  return options;
}

/** Rolls the code's use back when the second proof is wrong (its try stays counted). */
class SecondFactorRefused extends Error {}
