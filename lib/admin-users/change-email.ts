import "server-only";
import { startRecoveryHold } from "@/lib/account/recovery-hold";
import { actOnUser, findTarget, recordUserEvent, UNCHANGED, type AdminUserOutcome } from "@/lib/admin-users/act";
import { db, Prisma, type Tx } from "@/lib/db";
import { notifyAccountChange } from "@/lib/email/account-notice";
import type { RequestContext } from "@/lib/http/context";
import { voidPasswordResetsFor } from "@/lib/password-reset/void";
import { signOutEverywhere } from "@/lib/sessions/lifecycle";
import type { AdminChangeUserEmailInput } from "@/shared/admin-users";
import { AppError } from "@/shared/errors";
import { formatDateTime, maskEmail } from "@/shared/format";

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
  if (newEmail === target.email) throw fieldError("That is already this account's address");
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
      await notifyAccountChange(tx, context, {
        to: user.email,
        title: "Your account's email address was changed",
        summary: `An administrator moved your account to another address. This address no longer signs in to it or receives its security emails. If you didn't ask for this, contact your administrator right away.`,
        facts: { "New address": maskEmail(newEmail) },
      });
      await notifyAccountChange(tx, context, {
        to: newEmail,
        title: "This address now signs in to your account",
        summary: `An administrator moved your account to this address. Sign in with it from now on: every session was signed out.${
          holdUntil
            ? ` For your protection, turning two-step verification on or off and other high-risk changes wait until ${formatDateTime(holdUntil)}.`
            : ""
        }`,
        facts: { "Previous address": maskEmail(user.email) },
      });
      return { changed: true, email: newEmail };
    },
  );
}

const TAKEN = "Another account already uses this address";

function fieldError(message: string): AppError {
  return new AppError("VALIDATION_FAILED", { fieldErrors: { newEmail: [message] } });
}

async function addressTaken(client: Tx, email: string): Promise<boolean> {
  return Boolean(await client.user.findUnique({ where: { email }, select: { id: true } }));
}
