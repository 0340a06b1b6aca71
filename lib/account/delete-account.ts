import "server-only";
import { recordAuditEvent, recordStandaloneEvent } from "@/lib/audit/record";
import { db, isWriteConflict, Prisma, type Tx } from "@/lib/db";
import { queueSecurityNotice } from "@/lib/email/account-notice";
import type { RequestContext } from "@/lib/http/context";
import { signOutEverywhere } from "@/lib/sessions/lifecycle";
import { withStepUp } from "@/lib/step-up/with-step-up";
import { confirmsAccountEmail, DELETE_CONFIRMATION_MISMATCH, type DeleteAccountInput } from "@/shared/account";
import { AppError } from "@/shared/errors";

/**
 * "Delete my account": the address typed again, then step-up (email code, plus the second factor
 * when 2FA is on; refused during a recovery hold), then one transaction that removes every secret
 * and pending thing of the account and anonymises its row. The row itself stays, so the audit
 * trail keeps pointing at an id; the address is free for a new sign-up.
 */
export async function deleteAccount(context: RequestContext, { confirmEmail }: DeleteAccountInput): Promise<void> {
  if (!confirmsAccountEmail(confirmEmail, context.session.user.email)) {
    await recordFailure(context, "FAILURE", "email_mismatch");
    throw new AppError("VALIDATION_FAILED", { fieldErrors: { confirmEmail: [DELETE_CONFIRMATION_MISMATCH] } });
  }
  try {
    // Said before a code is sent; the transaction checks again under lock.
    if (context.session.user.role === "ADMIN" && (await isLastActiveAdmin(context.session.user.id))) throw new AppError("LAST_ADMIN");
    await deleteBehindStepUp(context);
  } catch (error) {
    if (error instanceof AppError && error.code === "LAST_ADMIN") await recordFailure(context, "BLOCKED", "last_admin");
    throw error;
  }
}

/** Whether `userId` is the only active (not disabled, not deleted) admin, whom the app cannot do without. */
export async function isLastActiveAdmin(userId: string, client: Tx = db, options: { lock?: boolean } = {}): Promise<boolean> {
  const admins = await client.$queryRaw<{ id: string }[]>`
    SELECT id FROM users WHERE role = 'ADMIN' AND deleted_at IS NULL AND disabled_at IS NULL
    ORDER BY id ${options.lock ? Prisma.sql`FOR UPDATE` : Prisma.empty}`;
  return admins.length === 1 && admins[0]?.id === userId;
}

async function deleteBehindStepUp(context: RequestContext, retried = false): Promise<void> {
  try {
    await withStepUp(context, "account.delete", {}, (tx) => eraseAccount(tx, context));
  } catch (error) {
    // Two admins deleting themselves at once each hold their own row (the proof check locks it)
    // and wait for the other's: Postgres ends one transaction, which changed nothing. Run again,
    // it sees the other account gone and answers LAST_ADMIN, with the proofs still unspent.
    if (!retried && isWriteConflict(error)) return deleteBehindStepUp(context, true);
    throw error;
  }
}

async function eraseAccount(tx: Tx, context: RequestContext): Promise<void> {
  const { session, meta } = context;
  const { id: userId, email } = session.user;
  const { role } = await tx.user.findUniqueOrThrow({ where: { id: userId }, select: { role: true } });
  if (role === "ADMIN" && (await isLastActiveAdmin(userId, tx, { lock: true }))) throw new AppError("LAST_ADMIN");

  const signedOut = await signOutEverywhere(tx, userId);
  // A pending email change, password reset or sign-up is its code's row and goes with it (cascade).
  await tx.$executeRaw`
    DELETE FROM one_time_codes
    WHERE recipient = ${email}
      OR id IN (SELECT code_id FROM step_up_challenges WHERE user_id = ${userId}::uuid)
      OR id IN (SELECT id FROM email_changes WHERE user_id = ${userId}::uuid)
      OR id IN (SELECT id FROM password_resets WHERE user_id = ${userId}::uuid OR email = ${email})
      OR id IN (SELECT code_id FROM sign_up_requests WHERE email = ${email})`;
  await tx.stepUpGrant.deleteMany({ where: { userId } });
  await tx.stepUpChallenge.deleteMany({ where: { userId } });
  await tx.twoFactorEnrolment.deleteMany({ where: { userId } });
  await tx.session.deleteMany({ where: { userId } });
  await tx.signInChallenge.deleteMany({ where: { userId } });
  await tx.recoveryCode.deleteMany({ where: { userId } });
  await tx.passkey.deleteMany({ where: { userId } });
  await tx.webAuthnChallenge.deleteMany({ where: { userId } });
  const tokens = await tx.apiToken.deleteMany({ where: { userId } });
  // An address no one can receive mail at or sign in with, unique by the id.
  const anonymised = await tx.$executeRaw`
    UPDATE users SET email = ${`deleted-${userId}@deleted.invalid`}, password_hash = NULL, role = 'USER',
      two_factor_secret = NULL, two_factor_enabled_at = NULL, totp_last_step = NULL,
      step_up_failures = 0, step_up_lockouts = 0, step_up_locked_until = NULL,
      recovery_hold_until = NULL, recovery_hold_reason = NULL, deleted_at = now(), updated_at = now()
    WHERE id = ${userId}::uuid AND deleted_at IS NULL`;
  if (anonymised !== 1) throw new AppError("NOT_FOUND");

  await recordAuditEvent(tx, {
    type: "account.deleted",
    actor: { id: userId, email },
    target: { type: "user", id: userId },
    meta,
    metadata: { signedOutSessions: signedOut, deletedApiTokens: tokens.count },
  });
  // The address is no longer the account's: the language is the one the session already read.
  await queueSecurityNotice(tx, email, meta, { notice: "accountDeleted", closing: "contactAdminNow" }, { locale: session.locale });
}

function recordFailure(context: RequestContext, outcome: "FAILURE" | "BLOCKED", reason: "email_mismatch" | "last_admin") {
  return recordStandaloneEvent({
    type: "account.delete_failed",
    outcome,
    actor: context.session.user,
    target: { type: "user", id: context.session.user.id },
    reason,
    meta: context.meta,
  });
}
