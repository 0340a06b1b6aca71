import type { PublicKeyCredentialRequestOptionsJSON } from "@simplewebauthn/browser";
import { z } from "zod";
import { issue } from "@/i18n/issues";
import { codeSchema } from "@/shared/auth";
import { passkeyAssertionTextSchema } from "@/shared/passkeys";
import { recoveryCodeSchema, totpCodeSchema } from "@/shared/two-factor";

const challengeIdSchema = z.uuid({ error: issue("codeInvalidOrExpired") });

/**
 * The kinds of proof a step-up challenge can take, and how each travels from the modal. Which an
 * action asks for, in which order, is its policy's (lib/step-up/policy.ts); how each is checked
 * is its proof module's (lib/step-up/proofs/).
 */
export const PROOF_VALUE_SCHEMAS = {
  email_code: codeSchema,
  authenticator: totpCodeSchema,
  recovery_code: recoveryCodeSchema,
  /** The JSON text of the browser's WebAuthn assertion for the challenge's passkey options. */
  passkey: passkeyAssertionTextSchema,
} as const;
export type ProofKind = keyof typeof PROOF_VALUE_SCHEMAS;

/** What the code modal sends with the change it was asked for: one value per proof the user gave. */
export const stepUpProofSchema = z.object({
  challengeId: challengeIdSchema,
  proofs: z
    .strictObject({
      email_code: PROOF_VALUE_SCHEMAS.email_code.optional(),
      authenticator: PROOF_VALUE_SCHEMAS.authenticator.optional(),
      recovery_code: PROOF_VALUE_SCHEMAS.recovery_code.optional(),
      passkey: PROOF_VALUE_SCHEMAS.passkey.optional(),
    })
    .refine((sent) => Object.values(sent).some((value) => value !== undefined), issue("codeFromEmailRequired")),
});
export type StepUpProof = z.infer<typeof stepUpProofSchema>;
export type ProofValues = StepUpProof["proofs"];

export const challengeRefSchema = z.object({ challengeId: challengeIdSchema });

/** The "This wasn't me" link's token. */
export const reportChallengeSchema = z.object({ token: z.string().min(1).max(200) });

/** What the browser learns about a pending step-up challenge (no secrets). Shared with the modal. */
export type StepUpChallengeDto = {
  id: string;
  action: string;
  /**
   * What the change is, as a clause in the request's language, put into words by the server from
   * the challenge's stored phrase (lib/step-up/describe.ts): `create API token "ci"`, or in German
   * `das API-Token „ci“ zu erstellen` (a zu-infinitive, as the modal's "Um …, …" sentences need).
   */
  description: string;
  maskedEmail: string;
  expiresAt: string;
  resendAvailableAt: string;
  attemptsLeft: number;
  /**
   * What to ask for, step by step: each step is done with any one of its kinds. E.g.
   * [["email_code"], ["authenticator", "recovery_code"]] for a high-risk change with 2FA on.
   */
  steps: ProofKind[][];
  /** Whether a code was emailed for this challenge (with a passkey on offer, only when asked for). */
  codeSent: boolean;
  /** For `navigator.credentials.get` when a step takes a passkey and the user has one. */
  passkeyOptions: PublicKeyCredentialRequestOptionsJSON | null;
};
