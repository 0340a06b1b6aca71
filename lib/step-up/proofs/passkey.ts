import "server-only";
import type { PublicKeyCredentialRequestOptionsJSON } from "@simplewebauthn/server";
import { recordAuditEvent } from "@/lib/audit/record";
import { db } from "@/lib/db";
import { assertionSpend, checkAssertion } from "@/lib/passkeys/assertion";
import { storeWebAuthnChallenge } from "@/lib/passkeys/challenges";
import { authenticationOptions, relyingParty, WEBAUTHN_CHALLENGE_SECONDS } from "@/lib/passkeys/relying-party";
import type { ProofMethod } from "@/lib/step-up/proofs";
import { AppError } from "@/shared/errors";

/**
 * One touch of one of the user's passkeys, user-verified, answering a WebAuthn challenge made for
 * this step-up challenge alone (so for its user, session, action and payload). The assertion is
 * checked in the change's transaction under the account's lock and spent there.
 */
export const passkey: ProofMethod = {
  available: (facts) => facts.hasPasskeys,
  // Offered only beside a kind the user has anyway: a passkey stands in for the emailed code or
  // the authenticator, it never adds a step of its own (no passkey-only second factor without 2FA).
  alternativeOnly: true,

  async prepare({ challenge, context }) {
    const options = await authenticationOptions();
    return {
      store: (tx) =>
        storeWebAuthnChallenge(tx, options.challenge, {
          purpose: "STEP_UP",
          userId: context.session.user.id,
          sessionId: context.session.id,
          stepUpChallengeId: challenge.id,
        }),
      deliver: async () => {},
      release: async () => {},
    };
  },

  async verify(tx, { challenge, value, context }) {
    const checked = await checkAssertion(tx, value, {
      purpose: "STEP_UP",
      userId: context.session.user.id,
      sessionId: context.session.id,
      stepUpChallengeId: challenge.id,
    });
    if (!checked.ok) {
      if (checked.reason === "counter_regressed")
        await recordAuditEvent(tx, {
          type: "passkey.assertion_refused",
          outcome: "BLOCKED",
          actor: context.session.user,
          target: { type: "passkey", id: checked.passkey?.id ?? "unknown" },
          reason: checked.reason,
          meta: context.meta,
        });
      return null;
    }
    return { ...assertionSpend(checked), lost: () => new AppError("PASSKEY_REFUSED") };
  },

  refusals: { missing: "CODE_INVALID", wrong: "PASSKEY_REFUSED" },
};

/** What the modal hands to `navigator.credentials.get` for this challenge: its WebAuthn challenge and the user's passkeys. */
export async function passkeyRequestOptions(
  stepUpChallengeId: string,
  userId: string,
): Promise<PublicKeyCredentialRequestOptionsJSON | null> {
  const [webAuthn, passkeys] = await Promise.all([
    db.webAuthnChallenge.findFirst({
      where: { stepUpChallengeId, userId, consumedAt: null, expiresAt: { gt: new Date() } },
      select: { challenge: true },
    }),
    db.passkey.findMany({ where: { userId }, select: { credentialId: true, transports: true } }),
  ]);
  if (!webAuthn || passkeys.length === 0) return null;
  return {
    challenge: webAuthn.challenge,
    rpId: relyingParty().rpID,
    timeout: WEBAUTHN_CHALLENGE_SECONDS * 1000,
    userVerification: "required",
    allowCredentials: passkeys.map((key) => ({ id: key.credentialId, type: "public-key", transports: key.transports as never[] })),
  };
}
