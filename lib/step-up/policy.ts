import "server-only";
import type { CreateApiTokenRequest } from "@/shared/api-tokens";
import { endpointOf } from "@/shared/audit-stream";
import { maskEmail } from "@/shared/format";
import type { ProofKind } from "@/shared/step-up";

/**
 * Which security actions need step-up, which proofs they take and what the proofs grant.
 * Adding a protected action = one entry here + one `withStepUp(...)` around its change.
 *
 * - `steps`: the proofs to give, in order; each step is done with any one of its kinds, and a step
 *   none of whose kinds the user has (no second factor without 2FA) is left out.
 * - "sudo" grant: after one verification, every action that shares the entry's `window` is allowed
 *   in this session for 5 minutes (measured from that verification).
 * - "single_use" grant: the verification allows exactly one change with exactly this payload.
 * - `heldAfterRecovery`: refused (before any code is sent) while the account's recovery hold lasts,
 *   because whoever just recovered the account might be an attacker locking the owner out for good.
 */
export type GrantMode = "sudo" | "single_use";
/** Windows are not shared: a code an admin entered for their own account opens nothing for acting on others'. */
type SudoWindow = "account" | "admin";

type PolicyEntry<Payload> = ({ grant: "sudo"; window: SudoWindow } | { grant: "single_use" }) & {
  steps: ProofKind[][];
  heldAfterRecovery?: true;
  /** What the user is confirming, in their words: goes into the email subject and the modal. */
  describe: (payload: Payload) => string;
  /** Non-secret details shown in the code email. */
  details: (payload: Payload) => Record<string, string>;
};

/**
 * The inbox proves presence and intent, and so does a passkey (one touch, phishing-resistant): a
 * user with one is asked for it first, and the code is emailed only when they ask for it…
 */
const PASSKEY_OR_EMAIL_CODE: ProofKind[][] = [["passkey", "email_code"]];
/**
 * …but a high-risk change always takes the emailed code (control of the inbox is the point), and
 * with 2FA on a second factor must come with it — the authenticator, a recovery code or a passkey.
 */
const EMAIL_CODE_AND_SECOND_FACTOR: ProofKind[][] = [["email_code"], ["authenticator", "recovery_code", "passkey"]];

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
  "account.delete": Record<string, never>;
  "passkey.add": { credentialId: string; name: string };
  "passkey.remove": { passkeyId: string; name: string };
  "admin.api_token.revoke": { tokenId: string; name: string; owner: string };
  // The selection as sorted ids (AdminRevokeTokensRequest): the code answers exactly these tokens.
  "admin.tokens.revoke_selected": { tokenIds: string[] };
  "admin.user.sign_out": AdminUserTarget;
  "admin.user.revoke_tokens": AdminUserTarget;
  "admin.user.clear_locks": AdminUserTarget;
  "admin.user.reset_two_factor": AdminUserTarget & { reason: string };
  "admin.user.disable": AdminUserTarget & { reason: string };
  "admin.user.enable": AdminUserTarget;
  "admin.user.change_email": AdminUserTarget & { newEmail: string; reason: string };
  // Where every audit event goes (lib/audit-stream): redirecting the log is an admin change like any other.
  "admin.stream.add": { name: string; url: string; batchSize: number; start: "new" | "all" };
  "admin.stream.update": { destinationId: string; name: string; url: string; batchSize: number };
  "admin.stream.pause": StreamDestinationTarget;
  "admin.stream.resume": StreamDestinationTarget;
  "admin.stream.delete": StreamDestinationTarget;
};

/** The stream destination an admin acts on. */
type StreamDestinationTarget = { destinationId: string; name: string };

/** The account an admin acts on. */
type AdminUserTarget = { userId: string; email: string };

export type StepUpAction = keyof StepUpPayloads;

export const STEP_UP_POLICY: { [Action in StepUpAction]: PolicyEntry<StepUpPayloads[Action]> } = {
  "api_token.create": {
    grant: "sudo",
    window: "account",
    steps: PASSKEY_OR_EMAIL_CODE,
    describe: ({ name }) => `create API token "${name}"`,
    details: ({ name, scopes, expiry, expiresOn }) => ({
      Token: name,
      Scopes: scopes.join(", "),
      Expires: expiry === "custom" ? expiresOn : `in ${expiry} days`,
    }),
  },
  "api_token.revoke": {
    grant: "sudo",
    window: "account",
    steps: PASSKEY_OR_EMAIL_CODE,
    describe: ({ name }) => `revoke API token "${name}"`,
    details: ({ name }) => ({ Token: name }),
  },
  "session.revoke": {
    grant: "sudo",
    window: "account",
    steps: PASSKEY_OR_EMAIL_CODE,
    describe: ({ device }) => `sign out the session on ${device}`,
    details: ({ device }) => ({ Session: device }),
  },
  "session.revoke_others": {
    grant: "sudo",
    window: "account",
    steps: PASSKEY_OR_EMAIL_CODE,
    describe: () => "sign out all your other sessions",
    details: () => ({}),
  },
  "admin.api_token.revoke": {
    grant: "sudo",
    window: "admin",
    steps: PASSKEY_OR_EMAIL_CODE,
    describe: ({ name, owner }) => `revoke ${maskEmail(owner)}'s API token "${name}"`,
    details: ({ name, owner }) => ({ Token: name, Owner: maskEmail(owner) }),
  },
  "admin.tokens.revoke_selected": {
    grant: "sudo",
    window: "admin",
    steps: PASSKEY_OR_EMAIL_CODE,
    describe: ({ tokenIds }) => `revoke ${tokenIds.length} API ${tokenIds.length === 1 ? "token" : "tokens"}`,
    details: ({ tokenIds }) => ({ "API tokens": String(tokenIds.length) }),
  },
  "admin.user.sign_out": adminUserEntry((who) => `sign out ${who} everywhere`),
  "admin.user.revoke_tokens": adminUserEntry((who) => `revoke all of ${who}'s API tokens`),
  "admin.user.clear_locks": adminUserEntry((who) => `clear ${who}'s sign-in and step-up locks`),
  "admin.user.reset_two_factor": adminUserEntry((who) => `reset ${who}'s two-step verification`),
  "admin.user.disable": adminUserEntry((who) => `disable ${who}'s account`),
  "admin.user.enable": adminUserEntry((who) => `re-enable ${who}'s account`),
  "admin.user.change_email": {
    ...adminUserEntry((who) => `change ${who}'s email address`),
    details: ({ email, newEmail }) => ({ Account: maskEmail(email), "New address": maskEmail(newEmail) }),
  },
  "admin.stream.add": {
    grant: "sudo",
    window: "admin",
    steps: PASSKEY_OR_EMAIL_CODE,
    describe: ({ name }) => `add the audit stream destination "${name}"`,
    details: ({ name, url, batchSize, start }) => ({
      Destination: name,
      Endpoint: endpointOf(url),
      "Batch size": String(batchSize),
      Starts: start === "all" ? "with every event kept" : "with new events",
    }),
  },
  "admin.stream.update": {
    grant: "sudo",
    window: "admin",
    steps: PASSKEY_OR_EMAIL_CODE,
    describe: ({ name }) => `change the audit stream destination "${name}"`,
    details: ({ name, url, batchSize }) => ({ Destination: name, Endpoint: endpointOf(url), "Batch size": String(batchSize) }),
  },
  "admin.stream.pause": streamDestinationEntry((name) => `pause the audit stream destination "${name}"`),
  "admin.stream.resume": streamDestinationEntry((name) => `resume the audit stream destination "${name}"`),
  "admin.stream.delete": streamDestinationEntry((name) => `delete the audit stream destination "${name}"`),
  "two_factor.enable": {
    grant: "single_use",
    steps: EMAIL_CODE_AND_SECOND_FACTOR,
    heldAfterRecovery: true,
    describe: () => "turn on two-step verification",
    details: () => ({}),
  },
  "two_factor.disable": {
    grant: "single_use",
    steps: EMAIL_CODE_AND_SECOND_FACTOR,
    heldAfterRecovery: true,
    describe: () => "turn off two-step verification",
    details: () => ({}),
  },
  // New recovery codes are themselves a second factor: creating them must take one, once,
  // or the inbox alone could mint the "second" proof for every high-risk change.
  "recovery_codes.regenerate": {
    grant: "single_use",
    steps: EMAIL_CODE_AND_SECOND_FACTOR,
    heldAfterRecovery: true,
    describe: () => "create new recovery codes",
    details: () => ({ Effect: "Your current recovery codes stop working" }),
  },
  "email.change": {
    grant: "single_use",
    steps: EMAIL_CODE_AND_SECOND_FACTOR,
    heldAfterRecovery: true,
    describe: ({ newEmail }) => `change your email address to ${maskEmail(newEmail)}`,
    details: ({ newEmail }) => ({ "New address": maskEmail(newEmail) }),
  },
  "password.change": {
    grant: "single_use",
    steps: EMAIL_CODE_AND_SECOND_FACTOR,
    describe: () => "change your password",
    details: ({ signOutOtherSessions }) => ({ "Other sessions": signOutOtherSessions ? "Signed out" : "Stay signed in" }),
  },
  // A passkey signs in on its own: adding one asks what turning 2FA on asks.
  "passkey.add": {
    grant: "single_use",
    steps: EMAIL_CODE_AND_SECOND_FACTOR,
    heldAfterRecovery: true,
    describe: ({ name }) => `add the passkey "${name}"`,
    details: ({ name }) => ({ Passkey: name }),
  },
  "passkey.remove": {
    grant: "sudo",
    window: "account",
    steps: PASSKEY_OR_EMAIL_CODE,
    heldAfterRecovery: true,
    describe: ({ name }) => `remove the passkey "${name}"`,
    details: ({ name }) => ({ Passkey: name }),
  },
  "account.delete": {
    grant: "single_use",
    steps: EMAIL_CODE_AND_SECOND_FACTOR,
    heldAfterRecovery: true,
    describe: () => "delete your account",
    details: () => ({ Effect: "Your account and everything in it are removed for good" }),
  },
};

/** An admin's action on another account: behind the admin's own window, never the one for their own account. */
function adminUserEntry<Payload extends AdminUserTarget>(describe: (who: string) => string): PolicyEntry<Payload> {
  return {
    grant: "sudo",
    window: "admin",
    steps: PASSKEY_OR_EMAIL_CODE,
    describe: (payload) => describe(maskEmail(payload.email)),
    details: (payload) => ({ Account: maskEmail(payload.email) }),
  };
}

function streamDestinationEntry(describe: (name: string) => string): PolicyEntry<StreamDestinationTarget> {
  return {
    grant: "sudo",
    window: "admin",
    steps: PASSKEY_OR_EMAIL_CODE,
    describe: ({ name }) => describe(name),
    details: ({ name }) => ({ Destination: name }),
  };
}

export const STEP_UP_LIMITS = {
  /** How long a challenge can be answered; a resent code starts it again. */
  challengeSeconds: 10 * 60,
  /** Wrong answers per challenge, whichever proof was wrong; a new code never resets them. */
  attemptsPerChallenge: 5,
  /** A verification opens this long a sudo window / single-use grant. */
  grantSeconds: 5 * 60,
  /** Codes sent per user per hour. */
  sendsPerHour: 5,
  /** Consecutive wrong codes, across challenges, before step-up locks. */
  failuresBeforeLock: 10,
  /** First lock; each further lock without a success in between doubles it. */
  lockMinutes: 15,
} as const;
