import { z } from "zod";

/** Shared by the forms (client) and the server actions, which parse again. */

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;

export const emailSchema = z
  .string({ error: "Enter your email address" })
  .trim()
  .min(1, "Enter your email address")
  .max(254, "Email addresses are at most 254 characters")
  .refine((value) => !/[\r\n,;<>"\s]/.test(value), "Enter a plain email address like name@example.com")
  .pipe(z.email({ error: "Enter a valid email address like name@example.com" }))
  .transform((value) => value.toLowerCase());

export const newPasswordSchema = z
  .string({ error: "Choose a password" })
  .min(PASSWORD_MIN_LENGTH, `Use at least ${PASSWORD_MIN_LENGTH} characters`)
  .max(PASSWORD_MAX_LENGTH, `Use at most ${PASSWORD_MAX_LENGTH} characters`);

export const codeSchema = z.string({ error: "Enter the 6-digit code" }).regex(/^[0-9]{6}$/, "Enter the 6-digit code from the email");

export const signUpSchema = z.object({ email: emailSchema, password: newPasswordSchema });
export type SignUpInput = z.infer<typeof signUpSchema>;

export const signInSchema = z.object({
  email: emailSchema,
  password: z
    .string({ error: "Enter your password" })
    .min(1, "Enter your password")
    .max(PASSWORD_MAX_LENGTH, "Incorrect email or password"),
});
export type SignInInput = z.infer<typeof signInSchema>;

export const verifyEmailSchema = z.object({ code: codeSchema });

export const emptySchema = z.object({});

/** What a person may paste: spaces and dashes between digits are fine; the server sees 6 digits. */
export function normalizeCodeInput(raw: string): string {
  return raw.replace(/[\s-]/g, "");
}
