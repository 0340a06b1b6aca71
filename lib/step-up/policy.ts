import type { CreateApiTokenRequest } from "@/lib/validation/api-tokens";

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
};

export type StepUpAction = keyof StepUpPayloads;

export const STEP_UP_POLICY: { [Action in StepUpAction]: PolicyEntry<StepUpPayloads[Action]> } = {
  "api_token.create": {
    grant: "sudo",
    describe: ({ name }) => `create API token "${name}"`,
    details: ({ name, scopes, expiry, expiresOn }) => ({ Token: name, Scopes: scopes.join(", "), Expires: expiry === "custom" ? expiresOn : `in ${expiry} days` }),
  },
  "api_token.revoke": {
    grant: "sudo",
    describe: ({ name }) => `revoke API token "${name}"`,
    details: ({ name }) => ({ Token: name }),
  },
  "session.revoke": {
    grant: "sudo",
    describe: ({ device }) => `sign out the session on ${device}`,
    details: ({ device }) => ({ Session: device }),
  },
  "session.revoke_others": {
    grant: "sudo",
    describe: () => "sign out all your other sessions",
    details: () => ({}),
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
