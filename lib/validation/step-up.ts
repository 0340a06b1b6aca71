import { z } from "zod";
import { codeSchema } from "@/lib/validation/auth";
import { secondFactorProofSchema } from "@/lib/validation/two-factor";

export const challengeIdSchema = z.uuid({ error: "That code is invalid or has expired. Request a new one." });

export const verifyStepUpSchema = z.object({ challengeId: challengeIdSchema, code: codeSchema, secondFactor: secondFactorProofSchema.optional() });
export type VerifyStepUpInput = z.infer<typeof verifyStepUpSchema>;

export const challengeRefSchema = z.object({ challengeId: challengeIdSchema });

/** The "This wasn't me" link's token. */
export const reportChallengeSchema = z.object({ token: z.string().min(1).max(200) });
