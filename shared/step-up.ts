import { z } from "zod";
import { codeSchema } from "@/shared/auth";
import { secondFactorProofSchema } from "@/shared/two-factor";

export const challengeIdSchema = z.uuid({ error: "That code is invalid or has expired. Request a new one." });

/** What the code modal sends with the change it was asked for: the emailed code, and the second proof when needed. */
export const stepUpProofSchema = z.object({
  challengeId: challengeIdSchema,
  code: codeSchema,
  secondFactor: secondFactorProofSchema.optional(),
});
export type StepUpProof = z.infer<typeof stepUpProofSchema>;

export const challengeRefSchema = z.object({ challengeId: challengeIdSchema });

/** The "This wasn't me" link's token. */
export const reportChallengeSchema = z.object({ token: z.string().min(1).max(200) });

/** What the browser learns about a pending step-up challenge (no secrets). Shared with the modal. */
export type StepUpChallengeDto = {
  id: string;
  action: string;
  description: string;
  maskedEmail: string;
  expiresAt: string;
  resendAvailableAt: string;
  attemptsLeft: number;
  /** The modal must also ask for an authenticator or recovery code (high-risk action, 2FA on). */
  secondFactor: boolean;
};

export type StepUpRequired = { status: "step_up_required"; challenge: StepUpChallengeDto };
