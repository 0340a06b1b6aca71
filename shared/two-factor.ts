import { z } from "zod";
import { issue } from "@/i18n/issues";

export const totpCodeSchema = z.string({ error: issue("totpCode") }).regex(/^[0-9]{6}$/, issue("totpCode"));

export const recoveryCodeSchema = z
  .string({ error: issue("recoveryCodeRequired") })
  .regex(/^[a-z0-9]{5}-?[a-z0-9]{5}$/i, issue("recoveryCodeFormat"));

export const secondFactorProofSchema = z.discriminatedUnion("method", [
  z.object({ method: z.literal("totp"), code: totpCodeSchema }),
  z.object({ method: z.literal("recovery_code"), code: recoveryCodeSchema }),
]);
export type SecondFactorProof = z.infer<typeof secondFactorProofSchema>;

export const confirmEnrolmentSchema = z.object({ enrolmentId: z.uuid({ error: issue("enrolmentRestart") }), code: totpCodeSchema });
export type ConfirmEnrolmentInput = z.infer<typeof confirmEnrolmentSchema>;

/** The second page of signing in with 2FA on. */
export const secondFactorSignInSchema = secondFactorProofSchema.and(z.object({ next: z.string().max(200).optional() }));

/** What the set-up dialog shows: the QR code and key of a new, not yet confirmed secret. */
export type EnrolmentDto = { enrolmentId: string; qrSvg: string; otpauthUri: string; manualKey: string; expiresAt: string };

export type TwoFactorStatus = { enabled: boolean; enabledAt: string | null; recoveryCodesLeft: number; warnAt: number };
