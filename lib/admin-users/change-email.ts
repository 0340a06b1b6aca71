import "server-only";
import { issue } from "@/i18n/issues";
import { startRecoveryHold } from "@/lib/account/recovery-hold";
import { actOnUser, findTarget, recordUserEvent, UNCHANGED, type AdminUserOutcome } from "@/lib/admin-users/act";
import { db, Prisma, type Tx } from "@/lib/db";
import { notifyAccountChange } from "@/lib/email/account-notice";
import type { RequestContext } from "@/lib/http/context";
import { voidPasswordResetsFor } from "@/lib/password-reset/void";
import { signOutEverywhere } from "@/lib/sessions/lifecycle";
import type { AdminChangeUserEmailInput } from "@/shared/admin-users";
import { AppError } from "@/shared/errors";
import { maskEmail } from "@/shared/format";

/**
 * For an owner who lost their inbox, after the out-of-band identity checks the reason records:
 * the account moves to the new address at once (no code to it — the admin vouches), every session
 * and anything proven or sent to the old inbox ends (step-up, pending email change, password
 * resets), the recovery hold starts, and both addresses are told. An address another account
 * has is refused, saying so: an admin may know.
 */
export async function changeUserEmail(
  context: RequestContext,
  { userId, newEmail, reason }: AdminChangeUserEmailInput,
): Promise<AdminUserOutcome<{ email: string }>> {
  const target = await findTarget(context, userId);
  if (newEmail === target.email) throw fieldError(issue("emailSameAsTarget"));
  if (await addressTaken(db, newEmail)) throw fieldError(TAKEN);
  return actOnUser(
    context,
    target,
    { action: "admin.user.change_email", payload: { userId: target.id, email: target.email, newEmail, reason } },
    async (tx, user) => {
      // Another admin changed it first: theirs stands, this one (approved for the old address) does nothing.
      if (user.email !== target.email) return UNCHANGED;
      if (await addressTaken(tx, newEmail)) throw fieldError(TAKEN);
      await tx.user.update({ where: { id: user.id }, data: { email: newEmail } }).catch((error: unknown) => {
        // Taken between the check and the write (a sign-up, another admin's change).
        if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") throw fieldError(TAKEN);
        throw error;
      });
      await tx.oneTimeCode.updateMany({
        where: { emailChange: { userId: user.id, confirmedAt: null }, consumedAt: null },
        data: { consumedAt: new Date() },
      });
      const sessions = await signOutEverywhere(tx, user.id);
      await voidPasswordResetsFor(tx, user.id);
      const holdUntil = await startRecoveryHold(tx, user.id, "email_change");
      await recordUserEvent(tx, context, "admin.user_email_changed", user.id, {
        reason,
        metadata: { from: maskEmail(user.email), to: maskEmail(newEmail), sessions, holdUntil: holdUntil?.toISOString() ?? null },
      });
      // Both addresses are the account's owner's (the old one no longer finds the account).
      await notifyAccountChange(tx, context, {
        to: user.email,
        recipient: { userId: user.id },
        notice: "addressMovedAway",
        facts: { newAddress: maskEmail(newEmail) },
      });
      await notifyAccountChange(tx, context, {
        to: newEmail,
        recipient: { userId: user.id },
        ...(holdUntil
          ? { notice: "addressMovedHereHeld", values: { holdUntil: { date: holdUntil.toISOString() } } }
          : { notice: "addressMovedHere" }),
        facts: { previousAddress: maskEmail(user.email) },
      });
      return { changed: true, email: newEmail };
    },
  );
}

const TAKEN = issue("emailTaken");

function fieldError(message: string): AppError {
  return new AppError("VALIDATION_FAILED", { fieldErrors: { newEmail: [message] } });
}

async function addressTaken(client: Tx, email: string): Promise<boolean> {
  return Boolean(await client.user.findUnique({ where: { email }, select: { id: true } }));
}
