import { z } from "zod";
import { issue } from "@/i18n/issues";
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from "@/shared/password-rules";

/** Shared by the forms (client) and the server actions, which parse again. */

export const emailSchema = z
  .string({ error: issue("emailRequired") })
  .trim()
  .min(1, issue("emailRequired"))
  .max(254, issue("emailTooLong", { max: 254 }))
  .refine((value) => !/[\r\n,;<>"\s]/.test(value), issue("emailPlain"))
  .pipe(z.email({ error: issue("emailInvalid") }))
  .transform((value) => value.toLowerCase());

export const newPasswordSchema = z
  .string({ error: issue("passwordChoose") })
  .min(PASSWORD_MIN_LENGTH, issue("tooShort", { min: PASSWORD_MIN_LENGTH }))
  .max(PASSWORD_MAX_LENGTH, issue("tooLong", { max: PASSWORD_MAX_LENGTH }));

export const codeSchema = z.string({ error: issue("codeRequired") }).regex(/^[0-9]{6}$/, issue("codeFromEmail"));

export const signUpSchema = z.object({ email: emailSchema, password: newPasswordSchema });
export type SignUpInput = z.infer<typeof signUpSchema>;

export const signInSchema = z.object({
  email: emailSchema,
  password: z
    .string({ error: issue("passwordRequired") })
    .min(1, issue("passwordRequired"))
    .max(PASSWORD_MAX_LENGTH, issue("credentialsIncorrect")),
});
export type SignInInput = z.infer<typeof signInSchema>;

export const verifyEmailSchema = z.object({ code: codeSchema });

export const emptySchema = z.object({});
