import type { CDPSession, Locator, Page } from "@playwright/test";
import { query } from "./db";

/** The passkeys section of /settings/security, its dialogs, and Chromium's virtual authenticator (CDP). */

export const passkeysSection = (page: Page): Locator => page.getByRole("region", { name: "Passkeys" });

export type VirtualAuthenticator = {
  cdp: CDPSession;
  id: string;
  /** What the authenticator answers when user verification is asked for: false makes the browser refuse (NotAllowedError), as a closed prompt does. */
  setUserVerified: (verified: boolean) => Promise<void>;
  credentials: () => Promise<{ credentialId: string; signCount: number; isResidentCredential: boolean }[]>;
};

/**
 * A platform authenticator with user verification (a fingerprint reader, say) that answers every
 * prompt at once. It belongs to the page's target, so it survives navigations and sign-outs.
 */
export async function addVirtualAuthenticator(page: Page): Promise<VirtualAuthenticator> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("WebAuthn.enable");
  const { authenticatorId: id } = await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: {
      protocol: "ctap2",
      transport: "internal",
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return {
    cdp,
    id,
    setUserVerified: async (isUserVerified) => {
      await cdp.send("WebAuthn.setUserVerified", { authenticatorId: id, isUserVerified });
    },
    credentials: async () => (await cdp.send("WebAuthn.getCredentials", { authenticatorId: id })).credentials,
  };
}

export type PasskeyRow = { id: string; name: string; credential_id: string; backed_up: boolean; last_used_at: Date | null };

export function passkeysFor(userId: string): Promise<PasskeyRow[]> {
  return query<PasskeyRow>("SELECT id, name, credential_id, backed_up, last_used_at FROM passkeys WHERE user_id = $1 ORDER BY created_at", [
    userId,
  ]);
}

/** Whether the step-up challenge of `action` had a code emailed (its code_id is set only when one was). */
export async function challengeCodeSent(userId: string, action: string): Promise<boolean[]> {
  const rows = await query<{ code_id: string | null }>(
    "SELECT code_id FROM step_up_challenges WHERE user_id = $1 AND action = $2 ORDER BY created_at",
    [userId, action],
  );
  return rows.map((row) => row.code_id !== null);
}

const NO_AUTOFILL_KEY = "e2e:no-passkey-autofill";

/**
 * Chromium's virtual authenticator answers a conditional (autofill) request at once, so the login
 * page signs in on its own before any button can be pressed. The returned switch makes autofill
 * unavailable (as in a browser without it), or available again.
 */
export async function passkeyAutofillSwitch(page: Page): Promise<(available: boolean) => Promise<void>> {
  // Asked at each call: signing out is a client-side navigation, not a new page load.
  await page.addInitScript((key) => {
    const available = PublicKeyCredential.isConditionalMediationAvailable.bind(PublicKeyCredential);
    PublicKeyCredential.isConditionalMediationAvailable = async () => localStorage.getItem(key) !== "1" && available();
  }, NO_AUTOFILL_KEY);
  return (available) =>
    page.evaluate(([key, value]) => localStorage.setItem(key, value), [NO_AUTOFILL_KEY, available ? "0" : "1"] as const);
}
