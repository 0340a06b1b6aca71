"use server";

import { revalidatePath } from "next/cache";
import { after } from "next/server";
import { cancelEmailChange, confirmEmailChange, requestEmailChange } from "@/lib/account/change-email";
import { changePassword } from "@/lib/account/change-password";
import { authedAction } from "@/lib/actions/action";
import { createApiToken, type CreatedApiToken } from "@/lib/api-tokens/create";
import { revokeApiToken } from "@/lib/api-tokens/revoke";
import { revokeOtherSession, signOutOtherSessions } from "@/lib/auth/sessions";
import { deliverDueEmails } from "@/lib/email/outbox";
import { confirmTwoFactorEnrolment, startTwoFactorEnrolment, type EnrolmentDto } from "@/lib/two-factor/enrolment";
import { disableTwoFactor, regenerateRecoveryCodes } from "@/lib/two-factor/manage";
import { changePasswordSchema, confirmEmailChangeSchema, requestEmailChangeSchema } from "@/lib/validation/account";
import { createApiTokenSchema, revokeApiTokenSchema } from "@/lib/validation/api-tokens";
import { emptySchema } from "@/lib/validation/auth";
import { revokeSessionSchema } from "@/lib/validation/sessions";
import { confirmEnrolmentSchema } from "@/lib/validation/two-factor";

export const createApiTokenAction = authedAction(createApiTokenSchema, async (input, context) => {
  const created: CreatedApiToken = await createApiToken(context, input);
  after(deliverDueEmails);
  revalidatePath("/settings/security");
  return { ok: true, data: created };
});

export const revokeApiTokenAction = authedAction(revokeApiTokenSchema, async ({ tokenId }, context) => {
  await revokeApiToken(context, tokenId);
  after(deliverDueEmails);
  revalidatePath("/settings/security");
  return { ok: true, message: "Token revoked. It stopped working immediately." };
});

export const revokeSessionAction = authedAction(revokeSessionSchema, async ({ sessionId }, context) => {
  await revokeOtherSession(context, sessionId);
  after(deliverDueEmails);
  revalidatePath("/settings/security");
  return { ok: true, message: "Signed out. That browser must sign in again." };
});

export const signOutOtherSessionsAction = authedAction(emptySchema, async (_input, context) => {
  const count = await signOutOtherSessions(context);
  after(deliverDueEmails);
  revalidatePath("/settings/security");
  return {
    ok: true,
    message: count ? `Signed out ${count} other ${count === 1 ? "session" : "sessions"}.` : "No other sessions were signed in.",
  };
});

export const startTwoFactorEnrolmentAction = authedAction(emptySchema, async (_input, context) => {
  const enrolment: EnrolmentDto = await startTwoFactorEnrolment(context);
  return { ok: true, data: enrolment };
});

export const confirmTwoFactorEnrolmentAction = authedAction(confirmEnrolmentSchema, async (input, context) => {
  const { recoveryCodes } = await confirmTwoFactorEnrolment(context, input);
  after(deliverDueEmails);
  revalidatePath("/settings/security");
  return { ok: true, message: "Two-step verification is on.", data: { recoveryCodes } };
});

export const disableTwoFactorAction = authedAction(emptySchema, async (_input, context) => {
  await disableTwoFactor(context);
  after(deliverDueEmails);
  revalidatePath("/settings/security");
  return { ok: true, message: "Two-step verification is off." };
});

export const regenerateRecoveryCodesAction = authedAction(emptySchema, async (_input, context) => {
  const { recoveryCodes } = await regenerateRecoveryCodes(context);
  after(deliverDueEmails);
  revalidatePath("/settings/security");
  return { ok: true, message: "New recovery codes created. The old ones no longer work.", data: { recoveryCodes } };
});

export const requestEmailChangeAction = authedAction(requestEmailChangeSchema, async (input, context) => {
  const pending = await requestEmailChange(context, input);
  revalidatePath("/settings/security");
  return { ok: true, message: `We sent a code to ${pending.newEmail}. Enter it here within 24 hours to switch.`, data: pending };
});

export const confirmEmailChangeAction = authedAction(confirmEmailChangeSchema, async (input, context) => {
  const { email } = await confirmEmailChange(context, input);
  after(deliverDueEmails);
  revalidatePath("/settings", "layout");
  return { ok: true, message: `Your email address is now ${email}.` };
});

export const cancelEmailChangeAction = authedAction(emptySchema, async (_input, context) => {
  await cancelEmailChange(context);
  revalidatePath("/settings/security");
  return { ok: true };
});

export const changePasswordAction = authedAction(changePasswordSchema, async (input, context) => {
  const { signedOut } = await changePassword(context, input);
  after(deliverDueEmails);
  revalidatePath("/settings/security");
  return {
    ok: true,
    message: signedOut
      ? `Password changed. ${signedOut} other ${signedOut === 1 ? "session was" : "sessions were"} signed out.`
      : "Password changed.",
  };
});
