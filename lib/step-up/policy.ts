import "server-only";
import type { CreateApiTokenRequest } from "@/shared/api-tokens";
import { maskEmail } from "@/shared/format";

/**
 * Which security actions need step-up, what proof they take and what the proof grants.
 * Adding a protected action = one entry here + one `withStepUp(...)` around its change.
 *
 * - "sudo": after one verification, every sudo action in this session is allowed for
 *   5 minutes (measured from that verification).
 * - "single_use": the verification allows exactly one change with exactly this payload.
 */
export type GrantMode = "sudo" | "single_use";

type PolicyEntry<Payload> = {
  grant: GrantMode;
  /** High-risk: with 2FA on, the code email alone is not enough; an authenticator or recovery code must come with it. */
  secondFactor: boolean;
  /** What the user is confirming, in their words: goes into the email subject and the modal. */
  describe: (payload: Payload) => string;
  /** Non-secret details shown in the code email. */
  details: (payload: Payload) => Record<string, string>;
};

export type StepUpPayloads = {
  "api_token.create": CreateApiTokenRequest;
  "api_token.revoke": { tokenId: string; name: string };
  "session.revoke": { sessionId: string; device: string };
  "session.revoke_others": Record<string, never>;
  "two_factor.enable": Record<string, never>;
  "two_factor.disable": Record<string, never>;
  "recovery_codes.regenerate": Record<string, never>;
  "email.change": { newEmail: string };
  // A keyed digest, not the password: the payload hash is stored with the challenge.
  "password.change": { newPasswordDigest: string; signOutOtherSessions: boolean };
  "admin.api_token.revoke": { tokenId: string; name: string; owner: string };
};

export type StepUpAction = keyof StepUpPayloads;

export const STEP_UP_POLICY: { [Action in StepUpAction]: PolicyEntry<StepUpPayloads[Action]> } = {
  "api_token.create": {
    grant: "sudo",
    secondFactor: false,
    describe: ({ name }) => `create API token "${name}"`,
    details: ({ name, scopes, expiry, expiresOn }) => ({
      Token: name,
      Scopes: scopes.join(", "),
      Expires: expiry === "custom" ? expiresOn : `in ${expiry} days`,
    }),
  },
  "api_token.revoke": {
    grant: "sudo",
    secondFactor: false,
    describe: ({ name }) => `revoke API token "${name}"`,
    details: ({ name }) => ({ Token: name }),
  },
  "session.revoke": {
    grant: "sudo",
    secondFactor: false,
    describe: ({ device }) => `sign out the session on ${device}`,
    details: ({ device }) => ({ Session: device }),
  },
  "session.revoke_others": {
    grant: "sudo",
    secondFactor: false,
    describe: () => "sign out all your other sessions",
    details: () => ({}),
  },
  "admin.api_token.revoke": {
    grant: "sudo",
    secondFactor: false,
    describe: ({ name, owner }) => `revoke ${maskEmail(owner)}'s API token "${name}"`,
    details: ({ name, owner }) => ({ Token: name, Owner: maskEmail(owner) }),
  },
  "two_factor.enable": {
    grant: "single_use",
    secondFactor: true,
    describe: () => "turn on two-step verification",
    details: () => ({}),
  },
  "two_factor.disable": {
    grant: "single_use",
    secondFactor: true,
    describe: () => "turn off two-step verification",
    details: () => ({}),
  },
  // New recovery codes are themselves a second factor: creating them must take one, once,
  // or the inbox alone could mint the "second" proof for every high-risk change.
  "recovery_codes.regenerate": {
    grant: "single_use",
    secondFactor: true,
    describe: () => "create new recovery codes",
    details: () => ({ Effect: "Your current recovery codes stop working" }),
  },
  "email.change": {
    grant: "single_use",
    secondFactor: true,
    describe: ({ newEmail }) => `change your email address to ${maskEmail(newEmail)}`,
    details: ({ newEmail }) => ({ "New address": maskEmail(newEmail) }),
  },
  "password.change": {
    grant: "single_use",
    secondFactor: true,
    describe: () => "change your password",
    details: ({ signOutOtherSessions }) => ({ "Other sessions": signOutOtherSessions ? "Signed out" : "Stay signed in" }),
  },
};

export const STEP_UP_LIMITS = {
  /** A verification opens this long a sudo window / single-use grant. */
  grantSeconds: 5 * 60,
  /** Codes sent per user per hour. */
  sendsPerHour: 5,
  /** Consecutive wrong codes, across challenges, before step-up locks. */
  failuresBeforeLock: 10,
  /** First lock; each further lock without a success in between doubles it. */
  lockMinutes: 15,
} as const;
