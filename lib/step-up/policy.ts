import "server-only";
import type { ActionPhrase, ChallengeDetails } from "@/lib/step-up/describe";
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
  /**
   * What the user is confirming, as a phrase put into words by each reader (lib/step-up/describe.ts):
   * the modal, the code email's subject, the "This wasn't me" page and the audit log.
   */
  describe: (payload: Payload) => ActionPhrase;
  /** Non-secret details shown in the code email: labels and words are catalog keys, names as they are. */
  details: (payload: Payload) => ChallengeDetails;
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
    describe: ({ name }) => ({ key: "phrases.apiTokenCreate", values: { name } }),
    details: ({ name, scopes, expiry, expiresOn }) => ({
      token: name,
      scopes: scopes.join(", "),
      expires: expiry === "custom" ? expiresOn : { key: "values.inDays", values: { days: Number(expiry) } },
    }),
  },
  "api_token.revoke": {
    grant: "sudo",
    window: "account",
    steps: PASSKEY_OR_EMAIL_CODE,
    describe: ({ name }) => ({ key: "phrases.apiTokenRevoke", values: { name } }),
    details: ({ name }) => ({ token: name }),
  },
  "session.revoke": {
    grant: "sudo",
    window: "account",
    steps: PASSKEY_OR_EMAIL_CODE,
    describe: ({ device }) => ({ key: "phrases.sessionRevoke", values: { device } }),
    details: ({ device }) => ({ session: device }),
  },
  "session.revoke_others": {
    grant: "sudo",
    window: "account",
    steps: PASSKEY_OR_EMAIL_CODE,
    describe: () => ({ key: "phrases.sessionRevokeOthers" }),
    details: () => ({}),
  },
  "admin.api_token.revoke": {
    grant: "sudo",
    window: "admin",
    steps: PASSKEY_OR_EMAIL_CODE,
    describe: ({ name, owner }) => ({ key: "phrases.adminApiTokenRevoke", values: { name, owner: maskEmail(owner) } }),
    details: ({ name, owner }) => ({ token: name, owner: maskEmail(owner) }),
  },
  "admin.tokens.revoke_selected": {
    grant: "sudo",
    window: "admin",
    steps: PASSKEY_OR_EMAIL_CODE,
    describe: ({ tokenIds }) => ({ key: "phrases.adminTokensRevokeSelected", values: { count: tokenIds.length } }),
    details: ({ tokenIds }) => ({ apiTokens: String(tokenIds.length) }),
  },
  "admin.user.sign_out": adminUserEntry("phrases.adminUserSignOut"),
  "admin.user.revoke_tokens": adminUserEntry("phrases.adminUserRevokeTokens"),
  "admin.user.clear_locks": adminUserEntry("phrases.adminUserClearLocks"),
  "admin.user.reset_two_factor": adminUserEntry("phrases.adminUserResetTwoFactor"),
  "admin.user.disable": adminUserEntry("phrases.adminUserDisable"),
  "admin.user.enable": adminUserEntry("phrases.adminUserEnable"),
  "admin.user.change_email": {
    ...adminUserEntry("phrases.adminUserChangeEmail"),
    details: ({ email, newEmail }) => ({ account: maskEmail(email), newAddress: maskEmail(newEmail) }),
  },
  "admin.stream.add": {
    grant: "sudo",
    window: "admin",
    steps: PASSKEY_OR_EMAIL_CODE,
    describe: ({ name }) => ({ key: "phrases.adminStreamAdd", values: { name } }),
    details: ({ name, url, batchSize, start }) => ({
      destination: name,
      endpoint: endpointOf(url),
      batchSize: String(batchSize),
      starts: { key: start === "all" ? "values.streamStartsAll" : "values.streamStartsNew" },
    }),
  },
  "admin.stream.update": {
    grant: "sudo",
    window: "admin",
    steps: PASSKEY_OR_EMAIL_CODE,
    describe: ({ name }) => ({ key: "phrases.adminStreamUpdate", values: { name } }),
    details: ({ name, url, batchSize }) => ({ destination: name, endpoint: endpointOf(url), batchSize: String(batchSize) }),
  },
  "admin.stream.pause": streamDestinationEntry("phrases.adminStreamPause"),
  "admin.stream.resume": streamDestinationEntry("phrases.adminStreamResume"),
  "admin.stream.delete": streamDestinationEntry("phrases.adminStreamDelete"),
  "two_factor.enable": {
    grant: "single_use",
    steps: EMAIL_CODE_AND_SECOND_FACTOR,
    heldAfterRecovery: true,
    describe: () => ({ key: "phrases.twoFactorEnable" }),
    details: () => ({}),
  },
  "two_factor.disable": {
    grant: "single_use",
    steps: EMAIL_CODE_AND_SECOND_FACTOR,
    heldAfterRecovery: true,
    describe: () => ({ key: "phrases.twoFactorDisable" }),
    details: () => ({}),
  },
  // New recovery codes are themselves a second factor: creating them must take one, once,
  // or the inbox alone could mint the "second" proof for every high-risk change.
  "recovery_codes.regenerate": {
    grant: "single_use",
    steps: EMAIL_CODE_AND_SECOND_FACTOR,
    heldAfterRecovery: true,
    describe: () => ({ key: "phrases.recoveryCodesRegenerate" }),
    details: () => ({ effect: { key: "values.recoveryCodesReplaced" } }),
  },
  "email.change": {
    grant: "single_use",
    steps: EMAIL_CODE_AND_SECOND_FACTOR,
    heldAfterRecovery: true,
    describe: ({ newEmail }) => ({ key: "phrases.emailChange", values: { email: maskEmail(newEmail) } }),
    details: ({ newEmail }) => ({ newAddress: maskEmail(newEmail) }),
  },
  "password.change": {
    grant: "single_use",
    steps: EMAIL_CODE_AND_SECOND_FACTOR,
    describe: () => ({ key: "phrases.passwordChange" }),
    details: ({ signOutOtherSessions }) => ({
      otherSessions: { key: signOutOtherSessions ? "values.otherSessionsSignedOut" : "values.otherSessionsStay" },
    }),
  },
  // A passkey signs in on its own: adding one asks what turning 2FA on asks.
  "passkey.add": {
    grant: "single_use",
    steps: EMAIL_CODE_AND_SECOND_FACTOR,
    heldAfterRecovery: true,
    describe: ({ name }) => ({ key: "phrases.passkeyAdd", values: { name } }),
    details: ({ name }) => ({ passkey: name }),
  },
  "passkey.remove": {
    grant: "sudo",
    window: "account",
    steps: PASSKEY_OR_EMAIL_CODE,
    heldAfterRecovery: true,
    describe: ({ name }) => ({ key: "phrases.passkeyRemove", values: { name } }),
    details: ({ name }) => ({ passkey: name }),
  },
  "account.delete": {
    grant: "single_use",
    steps: EMAIL_CODE_AND_SECOND_FACTOR,
    heldAfterRecovery: true,
    describe: () => ({ key: "phrases.accountDelete" }),
    details: () => ({ effect: { key: "values.accountRemoved" } }),
  },
};

/** An admin's action on another account: behind the admin's own window, never the one for their own account. */
function adminUserEntry<Payload extends AdminUserTarget>(key: ActionPhrase["key"]): PolicyEntry<Payload> {
  return {
    grant: "sudo",
    window: "admin",
    steps: PASSKEY_OR_EMAIL_CODE,
    describe: (payload) => ({ key, values: { account: maskEmail(payload.email) } }),
    details: (payload) => ({ account: maskEmail(payload.email) }),
  };
}

function streamDestinationEntry(key: ActionPhrase["key"]): PolicyEntry<StreamDestinationTarget> {
  return {
    grant: "sudo",
    window: "admin",
    steps: PASSKEY_OR_EMAIL_CODE,
    describe: ({ name }) => ({ key, values: { name } }),
    details: ({ name }) => ({ destination: name }),
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
