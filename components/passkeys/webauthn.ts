import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from "@simplewebauthn/browser";
import type { Translate } from "@/i18n/translate";

/**
 * The browser side of passkeys. @simplewebauthn/browser is loaded on first use (a click, or the
 * sign-in page's autofill), so it stays out of every page's first-load JavaScript.
 */
type WebAuthnLibrary = typeof import("@simplewebauthn/browser");

let library: Promise<WebAuthnLibrary> | undefined;

export function loadWebAuthn(): Promise<WebAuthnLibrary> {
  if (!library) {
    library = import("@simplewebauthn/browser");
    // A failed chunk load (offline, a new deploy) must not stick: the next press tries again.
    library.catch(() => {
      library = undefined;
    });
  }
  return library;
}

/** Whether this browser can use passkeys at all; false when the library cannot even be loaded. */
export async function webAuthnSupported(): Promise<boolean> {
  try {
    return (await loadWebAuthn()).browserSupportsWebAuthn();
  } catch {
    return false;
  }
}

/**
 * Why a ceremony ended without a credential:
 * - `cancelled`: the person closed the browser's prompt or let it time out (NotAllowedError);
 * - `aborted`: this app started another ceremony or left the page (nothing to say);
 * - `known`: the authenticator already holds a passkey for this account (registration only);
 * - `unsupported`: no WebAuthn in this browser;
 * - `failed`: anything else (no authenticator, a security error, a chunk that did not load).
 */
export type CeremonyFailure = "cancelled" | "aborted" | "known" | "unsupported" | "failed";
/** `id` is the credential's, `response` the JSON text the server parses. */
export type Ceremony = { ok: true; id: string; response: string } | { ok: false; reason: CeremonyFailure };

/** The browser's new credential for these options. */
export function createPasskey(optionsJSON: PublicKeyCredentialCreationOptionsJSON): Promise<Ceremony> {
  return ceremony((webauthn): Promise<RegistrationResponseJSON> => webauthn.startRegistration({ optionsJSON }));
}

/**
 * An assertion for these options: from the passkey prompt, or with `autofill` from the browser's
 * suggestions on a `webauthn` input (conditional mediation), which waits until the page aborts it.
 */
export function getPasskeyAssertion(optionsJSON: PublicKeyCredentialRequestOptionsJSON, { autofill = false } = {}): Promise<Ceremony> {
  return ceremony((webauthn): Promise<AuthenticationResponseJSON> =>
    webauthn.startAuthentication({ optionsJSON, useBrowserAutofill: autofill }),
  );
}

/** Ends the ceremony in progress, if any (the library runs one at a time, so there is at most one). */
export function abortCeremony(): void {
  void library?.then((webauthn) => webauthn.WebAuthnAbortService.cancelCeremony()).catch(() => undefined);
}

/**
 * Asks the browser to drop a passkey it just created that the server never stored (the step-up was
 * cancelled or refused), so it is not offered at the next sign-in. Best effort: most browsers
 * ignore it, and nothing waits for it.
 */
export function forgetPasskey(options: PublicKeyCredentialCreationOptionsJSON, credentialID: string): void {
  void loadWebAuthn()
    .then((webauthn) => webauthn.sendSignal({ signalName: "unknownCredential", rpID: options.rp.id ?? location.hostname, credentialID }))
    .catch(() => undefined);
}

/**
 * What to tell the person, for the reasons that need words; `cancelled` is the caller's, in its own
 * terms. `t` is the auth catalog's translator (`useTranslations("auth")`), in the reader's language.
 */
export function ceremonyFailureMessage(t: Translate<"auth">, reason: Exclude<CeremonyFailure, "aborted" | "cancelled">): string {
  switch (reason) {
    case "known":
      return t("passkey.failure.known");
    case "unsupported":
      return t("passkey.failure.unsupported");
    case "failed":
      return t("passkey.failure.failed");
  }
}

async function ceremony(
  run: (webauthn: WebAuthnLibrary) => Promise<RegistrationResponseJSON | AuthenticationResponseJSON>,
): Promise<Ceremony> {
  let webauthn: WebAuthnLibrary;
  try {
    webauthn = await loadWebAuthn();
  } catch {
    return { ok: false, reason: "failed" };
  }
  if (!webauthn.browserSupportsWebAuthn()) return { ok: false, reason: "unsupported" };
  try {
    const credential = await run(webauthn);
    return { ok: true, id: credential.id, response: JSON.stringify(credential) };
  } catch (error) {
    return { ok: false, reason: failureOf(error) };
  }
}

function failureOf(error: unknown): CeremonyFailure {
  if (!(error instanceof Error)) return "failed";
  if (error.name === "AbortError" || ("code" in error && error.code === "ERROR_CEREMONY_ABORTED")) return "aborted";
  if (error.name === "NotAllowedError") return "cancelled";
  if (error.name === "InvalidStateError") return "known";
  // startAuthentication's own refusal when conditional mediation is not available.
  if (/not support/i.test(error.message)) return "unsupported";
  return "failed";
}
