import "server-only";
import { generateAuthenticationOptions, type PublicKeyCredentialRequestOptionsJSON } from "@simplewebauthn/server";
import { PRODUCT_NAME } from "@/lib/email/templates/layout";
import { getEnv } from "@/lib/env";

/**
 * Who passkeys are for: the RP ID and the one origin assertions must come from, both from
 * APP_URL alone (never the request's Host), so a phishing origin or a spoofed Host header gets
 * nothing. `localhost` works in development: browsers treat it as a secure context.
 */
export function relyingParty(): { rpID: string; origin: string; rpName: string } {
  const url = new URL(getEnv().APP_URL);
  return { rpID: url.hostname, origin: url.origin, rpName: PRODUCT_NAME };
}

/** WebAuthn challenges (and the browser prompt) last this long. */
export const WEBAUTHN_CHALLENGE_SECONDS = 5 * 60;

/**
 * Options for `navigator.credentials.get` with a fresh random challenge: this RP, user
 * verification required, the challenge's lifetime; without `allowCredentials`, any discoverable
 * passkey may answer. The caller stores the challenge for what it is bound to.
 */
export function authenticationOptions(allowCredentials?: { id: string }[]): Promise<PublicKeyCredentialRequestOptionsJSON> {
  return generateAuthenticationOptions({
    rpID: relyingParty().rpID,
    userVerification: "required",
    timeout: WEBAUTHN_CHALLENGE_SECONDS * 1000,
    allowCredentials,
  });
}
