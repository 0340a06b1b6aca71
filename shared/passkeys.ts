import { z } from "zod";
import { issue } from "@/i18n/issues";

/**
 * Passkeys travel as the JSON that @simplewebauthn/browser produces (`startRegistration` /
 * `startAuthentication`), sent as text and parsed on the server with the schemas below, so a
 * malformed one is a validation error like any other bad input.
 */
export const PASSKEY_RESPONSE_MAX_LENGTH = 16_000;
const passkeyResponseTextSchema = z
  .string({ error: issue("passkeyMissing") })
  .min(2, issue("passkeyMissing"))
  .max(PASSKEY_RESPONSE_MAX_LENGTH, issue("passkeyTooLarge"));

const base64url = z
  .string()
  .regex(/^[A-Za-z0-9_-]*$/)
  .max(PASSKEY_RESPONSE_MAX_LENGTH);

export const registrationResponseSchema = z.object({
  id: base64url.min(1),
  rawId: base64url.min(1),
  type: z.literal("public-key"),
  response: z.object({
    clientDataJSON: base64url,
    attestationObject: base64url,
    transports: z.array(z.string().max(20)).max(10).optional(),
    authenticatorData: base64url.optional(),
    publicKey: base64url.optional(),
    publicKeyAlgorithm: z.number().int().optional(),
  }),
  authenticatorAttachment: z.enum(["platform", "cross-platform"]).optional(),
  clientExtensionResults: z.record(z.string(), z.unknown()).default({}),
});

export const authenticationResponseSchema = z.object({
  id: base64url.min(1),
  rawId: base64url.min(1),
  type: z.literal("public-key"),
  response: z.object({
    clientDataJSON: base64url,
    authenticatorData: base64url,
    signature: base64url,
    userHandle: base64url.optional(),
  }),
  authenticatorAttachment: z.enum(["platform", "cross-platform"]).optional(),
  clientExtensionResults: z.record(z.string(), z.unknown()).default({}),
});

/**
 * An assertion as text (the sign-in form, the step-up proof), checked for its shape here, so that
 * malformed JSON is bad input like a malformed code: refused before anything is counted or compared.
 */
export const passkeyAssertionTextSchema = passkeyResponseTextSchema.refine((text) => {
  try {
    return authenticationResponseSchema.safeParse(JSON.parse(text)).success;
  } catch {
    return false;
  }
}, issue("passkeyInvalid"));

export const PASSKEY_NAME_MAX_LENGTH = 64;
const passkeyName = z
  .string({ error: issue("nameRequired") })
  .trim()
  .min(1, issue("nameRequired"))
  .max(PASSKEY_NAME_MAX_LENGTH, issue("tooLong", { max: PASSKEY_NAME_MAX_LENGTH }));

export const addPasskeySchema = z.object({ response: passkeyResponseTextSchema });
export const renamePasskeySchema = z.object({ passkeyId: z.uuid(), name: passkeyName });
export const removePasskeySchema = z.object({ passkeyId: z.uuid() });
export const passkeySignInSchema = z.object({ response: passkeyAssertionTextSchema, next: z.string().max(200).optional() });

/** A passkey as the security page lists it. */
export type PasskeyDto = {
  id: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
  /** Backed up (synced across the user's devices) rather than bound to one authenticator. */
  synced: boolean;
};
