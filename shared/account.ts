import { z } from "zod";
import { issue } from "@/i18n/issues";
import { codeSchema, emailSchema, newPasswordSchema } from "@/shared/auth";
import { PASSWORD_MAX_LENGTH } from "@/shared/password-rules";

export const changePasswordSchema = z.object({
  currentPassword: z
    .string({ error: issue("currentPasswordRequired") })
    .min(1, issue("currentPasswordRequired"))
    .max(PASSWORD_MAX_LENGTH, issue("currentPasswordIncorrect")),
  newPassword: newPasswordSchema,
  // Checkbox: present ("on"/true) when ticked; the form ticks it by default.
  signOutOtherSessions: z
    .union([z.boolean(), z.literal("on"), z.literal("true"), z.literal("false")])
    .optional()
    .transform((value) => value === true || value === "on" || value === "true"),
});
export type ChangePasswordInput = z.infer<typeof changePasswordSchema>;

export const requestEmailChangeSchema = z.object({ newEmail: emailSchema });
export type RequestEmailChangeInput = z.infer<typeof requestEmailChangeSchema>;

export const confirmEmailChangeSchema = z.object({ code: codeSchema });
export type ConfirmEmailChangeInput = z.infer<typeof confirmEmailChangeSchema>;

/** The "this wasn't me" link in the old address's notice. */
export const reportEmailChangeSchema = z.object({ token: z.string().min(1).max(400) });

/** The email change waiting for its code, if any (the user sees the address they typed). */
export type PendingEmailChange = { newEmail: string; expiresAt: string };

export type ReportableEmailChange = { maskedNewEmail: string; changedAt: string; reference: string };

/** The cooling-off period after a recovery, shown on the security page. */
export type RecoveryHold = { until: string; reason: "password_reset" | "email_change" };

export const DELETE_CONFIRMATION_MISMATCH = issue("deleteConfirmMismatch");

/** "Delete my account": the account's address typed again, as the last deliberate step before the code. */
export const deleteAccountSchema = z.object({
  confirmEmail: z
    .string({ error: issue("deleteConfirmRequired") })
    .trim()
    .min(1, issue("deleteConfirmRequired"))
    .max(254, DELETE_CONFIRMATION_MISMATCH),
});
export type DeleteAccountInput = z.infer<typeof deleteAccountSchema>;

/** Whether the typed confirmation is the account's address, whatever the case and surrounding spaces (browser and server alike). */
export function confirmsAccountEmail(typed: string, accountEmail: string): boolean {
  return typed.trim().toLowerCase() === accountEmail.trim().toLowerCase();
}

/** Where the browser goes once its account is gone. */
export const ACCOUNT_DELETED_PATH = "/login?deleted=1";
