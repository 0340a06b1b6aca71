import { z } from "zod";
import { issue } from "@/i18n/issues";
import { codeSchema, emailSchema, newPasswordSchema } from "@/shared/auth";
import { passkeyAssertionTextSchema } from "@/shared/passkeys";
import { recoveryCodeSchema, totpCodeSchema, type SecondFactorProof } from "@/shared/two-factor";

export const forgotPasswordSchema = z.object({ email: emailSchema });

/**
 * The reset form. The second proof is asked for (and sent) only when the account has two-step
 * verification on: the inbox alone never resets such an account.
 */
export const resetPasswordSchema = z
  .object({
    resetId: z.uuid({ error: issue("resetRestart") }),
    code: codeSchema,
    newPassword: newPasswordSchema,
    secondFactorMethod: z.enum(["totp", "recovery_code", "passkey"]).optional(),
    secondFactorCode: z.string().max(20).optional(),
    /** With the method "passkey": the browser's assertion for the options the page was given. */
    passkeyAssertion: passkeyAssertionTextSchema.optional(),
  })
  .superRefine((input, context) => {
    if (!input.secondFactorMethod) return;
    if (input.secondFactorMethod === "passkey") {
      if (!input.passkeyAssertion) context.addIssue({ code: "custom", path: ["passkeyAssertion"], message: issue("passkeyAgain") });
      return;
    }
    const schema = input.secondFactorMethod === "totp" ? totpCodeSchema : recoveryCodeSchema;
    const parsed = schema.safeParse(input.secondFactorCode ?? "");
    if (!parsed.success)
      context.addIssue({ code: "custom", path: ["secondFactorCode"], message: parsed.error.issues[0]?.message ?? issue("invalid") });
  });
export type ResetPasswordInput = z.infer<typeof resetPasswordSchema>;

/** The second proof the reset form sent, if any: an authenticator or recovery code, or a passkey's assertion. */
export function secondFactorOf(input: ResetPasswordInput): SecondFactorProof | { method: "passkey"; assertion: string } | null {
  if (input.secondFactorMethod === "passkey")
    return input.passkeyAssertion ? { method: "passkey", assertion: input.passkeyAssertion } : null;
  if (!input.secondFactorMethod || !input.secondFactorCode) return null;
  return { method: input.secondFactorMethod, code: input.secondFactorCode };
}

/** The "this wasn't me" link in the notice after a reset. */
export const reportPasswordResetSchema = z.object({ token: z.string().min(1).max(400) });

export type ReportablePasswordReset = { resetAt: string; reference: string };
