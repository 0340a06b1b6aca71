import { z } from "zod";

export const totpCodeSchema = z
  .string({ error: "Enter the 6-digit code from your authenticator app" })
  .regex(/^[0-9]{6}$/, "Enter the 6-digit code from your authenticator app");

export const recoveryCodeSchema = z
  .string({ error: "Enter one of your recovery codes" })
  .regex(/^[a-z0-9]{5}-?[a-z0-9]{5}$/i, "Enter a recovery code like abcde-23456");

export const secondFactorProofSchema = z.discriminatedUnion("method", [
  z.object({ method: z.literal("totp"), code: totpCodeSchema }),
  z.object({ method: z.literal("recovery_code"), code: recoveryCodeSchema }),
]);
export type SecondFactorProof = z.infer<typeof secondFactorProofSchema>;

export const confirmEnrolmentSchema = z.object({ enrolmentId: z.uuid({ error: "Start the set-up again" }), code: totpCodeSchema });
export type ConfirmEnrolmentInput = z.infer<typeof confirmEnrolmentSchema>;

/** The second page of signing in with 2FA on. */
export const secondFactorSignInSchema = secondFactorProofSchema.and(z.object({ next: z.string().max(200).optional() }));

/** What the set-up dialog shows: the QR code and key of a new, not yet confirmed secret. */
export type EnrolmentDto = { enrolmentId: string; qrSvg: string; otpauthUri: string; manualKey: string; expiresAt: string };

export type TwoFactorStatus = { enabled: boolean; enabledAt: string | null; recoveryCodesLeft: number; warnAt: number };
