import type { AuditEventType } from "@/shared/audit";

// The one map from audit event type to category and sentence, shared by the activity page
// (/settings/activity), the admin audit page and its CSV export. Sentences render only the fields
// each entry names (never a metadata dump), and user-chosen names quoted and bounded.

export const EVENT_CATEGORIES = {
  sign_in: "Sign-ins",
  step_up: "Step-up",
  tokens: "API tokens",
  two_step: "Two-step verification",
  passkeys: "Passkeys",
  account: "Email, password & account",
  sessions: "Sessions & devices",
  admin: "Admin actions",
} as const;
export type EventCategory = keyof typeof EVENT_CATEGORIES;

/** What a sentence is written from: an audit row, with its target's current name resolved when there is one. */
export type DescribableEvent = {
  type: string;
  outcome: "SUCCESS" | "FAILURE" | "BLOCKED";
  actorId: string | null;
  actorEmail: string | null;
  targetType: string | null;
  targetId: string | null;
  /** The target's human name (token name, passkey name, account email, device…), or null when unknown. */
  targetName: string | null;
  reason: string | null;
  metadata: Record<string, unknown> | null;
};

/**
 * Who reads the sentence. `account`: the account's owner on their activity page ("You created…",
 * "An administrator reset your…"). `admin`: the audit page, third person ("alice@example.com created…").
 */
export type Viewpoint = { kind: "account"; accountId: string } | { kind: "admin" };

/** One row of the account's own activity page: nothing in it names another account. */
export type AccountActivityDto = {
  id: string;
  createdAt: string;
  sentence: string;
  category: EventCategory;
  outcome: "SUCCESS" | "FAILURE" | "BLOCKED";
  ip: string | null;
  device: string;
  /** Done to the account by an administrator (whose address, IP and device are not shown). */
  byAdmin: boolean;
};

/** The actor of what the app does on its own (retention, token reminders): an email, no account. */
export const MAINTENANCE_ACTOR = "maintenance";
/** How a target account that has since been deleted is named. */
export const DELETED_ACCOUNT_NAME = "deleted account";

/** What an entry writes its sentence with: the row, and the words for the reader. */
type Words = {
  event: DescribableEvent;
  /** The owner reads it ("You…", "your…"); otherwise an admin, in the third person. */
  account: boolean;
  /** Who did it: "You", "Someone", "An administrator", "We"; or the actor's email, "Someone", "Automatic maintenance". */
  who: string;
  /** The account the event is about, possessive: "your"; "their", "bob@example.com's" or "the account's". */
  your: string;
  /** …and as an object: "you"; "them", "bob@example.com" or "the account". */
  you: string;
  /** The actor's address for the admin ("as alice@example.com"), empty for the owner, who knows it. */
  as: string;
  /** The owner reads about another account (an admin's own actions): no names, addresses or details of it. */
  private: boolean;
  /** The event is about the actor's own account (not an admin acting on someone else's). */
  ownAccount: boolean;
  /** The owner reads what their own account did, whatever the outcome. */
  self: boolean;
};

type EventEntry = { category: EventCategory; describe: (words: Words) => string };

const NAME_LIMIT = 60;
const PHRASE_LIMIT = 140;

/** A user-chosen name as a sentence shows it: one line, bounded, quoted. */
function quoted(value: unknown): string | null {
  return typeof value === "string" && value.trim() ? `"${clip(value, NAME_LIMIT)}"` : null;
}

/** A table's word for a key from a row: only its own entries (a reason of "constructor" finds nothing). */
function lookup(table: Readonly<Record<string, string>>, key: string | null | undefined): string | null {
  return key && Object.hasOwn(table, key) ? (table[key] ?? null) : null;
}

function clip(value: string, limit: number): string {
  const line = value.replace(/[\u0000-\u001f\u007f]+/g, " ").trim();
  return line.length > limit ? `${line.slice(0, limit)}…` : line;
}

function text(event: DescribableEvent, key: string): string | null {
  const value = event.metadata?.[key];
  return typeof value === "string" && value ? value : null;
}

function count(event: DescribableEvent, key: string): number | null {
  const value = event.metadata?.[key];
  return typeof value === "number" && Number.isFinite(value) && value >= 0 ? Math.floor(value) : null;
}

function texts(event: DescribableEvent, key: string): string[] {
  const value = event.metadata?.[key];
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : [];
}

function plural(n: number, noun: string): string {
  return `${n.toLocaleString("en")} ${noun}${n === 1 ? "" : "s"}`;
}

const DAY_FORMAT = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeZone: "UTC" });

function day(value: string | null): string | null {
  const time = value ? Date.parse(value) : Number.NaN;
  return Number.isNaN(time) ? null : DAY_FORMAT.format(time);
}

/**
 * The token's or passkey's name, preferring the one the row recorded (the name at the time). A
 * row about a user account names its token in metadata only: its target's name is an address.
 */
function nameOf(words: Words): string | null {
  const { event } = words;
  const targetName = event.targetType === "user" ? null : event.targetName;
  return words.private ? null : quoted(text(event, "name") ?? targetName);
}

/** The session or device a row is about, e.g. "Chrome 130 on macOS". */
function deviceOf(words: Words): string | null {
  const { event } = words;
  const device = text(event, "device") ?? (event.targetType === "session" || event.targetType === "device" ? event.targetName : null);
  return device && !words.private ? clip(device, NAME_LIMIT) : null;
}

/** A phrase written for the owner ("change your email address") reworded for an admin; quoted names stay as they are. */
function reworded(words: Words, phrase: string): string {
  return words.account ? phrase : phrase.replace(/"[^"]*"|\byour\b/g, (match) => (match === "your" ? "their" : match));
}

/** What each step-up action confirms, without its payload: for rows whose challenge is gone. Complete for lib/step-up/policy.ts (tested). */
export const STEP_UP_ACTION_PHRASES: Readonly<Record<string, string>> = {
  "api_token.create": "create an API token",
  "api_token.revoke": "revoke an API token",
  "session.revoke": "sign out one of your sessions",
  "session.revoke_others": "sign out all your other sessions",
  "two_factor.enable": "turn on two-step verification",
  "two_factor.disable": "turn off two-step verification",
  "recovery_codes.regenerate": "create new recovery codes",
  "email.change": "change your email address",
  "password.change": "change your password",
  "account.delete": "delete your account",
  "passkey.add": "add a passkey",
  "passkey.remove": "remove a passkey",
  "admin.api_token.revoke": "revoke another account's API token",
  "admin.tokens.revoke_selected": "revoke other accounts' API tokens",
  "admin.user.sign_out": "sign out another account everywhere",
  "admin.user.revoke_tokens": "revoke all of another account's API tokens",
  "admin.user.clear_locks": "clear another account's sign-in and step-up locks",
  "admin.user.reset_two_factor": "reset another account's two-step verification",
  "admin.user.disable": "disable another account",
  "admin.user.enable": "re-enable another account",
  "admin.user.change_email": "change another account's email address",
  "admin.stream.add": "add an audit stream destination",
  "admin.stream.update": "change an audit stream destination",
  "admin.stream.pause": "pause an audit stream destination",
  "admin.stream.resume": "resume an audit stream destination",
  "admin.stream.delete": "delete an audit stream destination",
};

/**
 * What a step-up row was confirming: the challenge's own description when it is known (it names
 * the token, the passkey…), except for an admin's action read by the admin as an account owner
 * (it names the other account); otherwise the action's phrase.
 */
function confirming(words: Words, action: string | null): string {
  const { event } = words;
  const description = event.targetType === "step_up_challenge" ? event.targetName : null;
  const ownAction = !action?.startsWith("admin.") || !words.account;
  if (description && ownAction) return reworded(words, clip(description, PHRASE_LIMIT));
  return reworded(words, lookup(STEP_UP_ACTION_PHRASES, action) ?? "make a security change");
}

const PROOF_WORDS: Record<string, string> = {
  email_code: "the emailed code",
  passkey: "a passkey",
  authenticator: "an authenticator code",
  recovery_code: "a recovery code",
};

const SECOND_FACTOR_WORDS: Record<string, string> = {
  totp: "an authenticator code",
  recovery_code: "a recovery code",
  passkey: "a passkey",
};

/** "two_factor:totp" → "an authenticator code". */
function secondFactor(reason: string | null): string | null {
  return reason?.startsWith("two_factor:") ? lookup(SECOND_FACTOR_WORDS, reason.slice("two_factor:".length)) : null;
}

/** What went wrong with an emailed code, as a verb phrase. */
function codeTrouble(reason: string | null): string {
  if (reason === "code_expired") return "entered a code that had expired";
  if (reason === "too_many_attempts") return "ran out of tries for the code";
  return "entered a wrong code";
}

function signedOut(n: number | null, noun = "session"): string {
  return n ? `; ${plural(n, noun)} ${n === 1 ? "was" : "were"} signed out` : "";
}

/** The account a sign-in or reset was tried on, for the admin; the owner needs no address. */
function passwordOf(words: Words): string {
  return words.account ? "your password" : `the password of ${words.event.actorEmail ?? "an unknown address"}`;
}

function signInFailed(words: Words): string {
  const { event } = words;
  const reason = event.reason ?? "";
  const tried = `Someone tried to sign in${words.as}`;
  const passkey = event.targetType === "passkey" && event.targetName ? `passkey ${quoted(event.targetName)}` : "a passkey";
  if (reason === "wrong_password") return `${tried} with a wrong password`;
  if (reason === "unknown_email") return `${tried}, an address with no account`;
  if (reason === "account_disabled") return `Someone entered ${passwordOf(words)} correctly but was refused: the account is disabled`;
  if (reason === "rate_limited" && event.targetType === "sign_in_challenge")
    return `Someone entered ${passwordOf(words)} correctly but tried too many two-step codes and was held back for a while`;
  if (reason === "rate_limited") return `${tried} too many times and was held back for a while`;
  if (reason === "too_many_attempts") return `Someone entered ${passwordOf(words)} correctly but ran out of tries for the two-step code`;
  if (reason === "wrong_second_factor") return `Someone entered ${passwordOf(words)} correctly but a wrong two-step code`;
  if (reason === "passkey:rate_limited") return "Someone tried to sign in with passkeys too many times and was held back for a while";
  if (reason === "passkey:replayed") return `${tried} by replaying a passkey response and was refused`;
  if (reason === "passkey:counter_regressed") return `${tried} with ${passkey} and was refused: the passkey may have been copied`;
  if (reason === "passkey:account_unavailable") return `${tried} with ${passkey} and was refused: the account is disabled or deleted`;
  if (reason.startsWith("passkey:")) return `${tried} with ${passkey} and was refused`;
  return `${tried} and was refused`;
}

function signedIn(words: Words): string {
  const { event, who, your } = words;
  const newDevice = event.metadata?.newDevice === true ? " from a new device" : "";
  const second = secondFactor(event.reason);
  const method = event.reason === "passkey" ? "a passkey" : second ? `${your} password and ${second}` : `${your} password`;
  return `${who} signed in${newDevice} with ${method}`;
}

function stepUpFailed(words: Words): string {
  const { who } = words;
  const doing = confirming(words, text(words.event, "action"));
  switch (words.event.reason) {
    case "too_many_attempts":
      return `${who} ran out of tries for the code to ${doing}`;
    case "second_factor_invalid":
      return `${who} entered a wrong two-step code while trying to ${doing}`;
    case "passkey_refused":
      return `${who} used a passkey that was refused while trying to ${doing}`;
    case "locked":
      return `${who} tried to ${doing} while step-up was locked after too many wrong codes`;
    default:
      return `${who} entered a wrong code while trying to ${doing}`;
  }
}

function stepUpVerified(words: Words): string {
  const proofs = texts(words.event, "proofs").flatMap((kind) => lookup(PROOF_WORDS, kind) ?? []);
  const using = proofs.length ? ` with ${proofs.join(" and ")}` : "";
  return `${words.who} confirmed the request to ${confirming(words, text(words.event, "action"))}${using}`;
}

function tokenRevoked(words: Words): string {
  const { event } = words;
  const name = nameOf(words);
  const token = name ? `API token ${name}` : "an API token";
  const ownerId = text(event, "ownerId");
  const ownerEmail = text(event, "ownerEmail");
  if (words.account) {
    if (words.private) return `${words.who} revoked another account's API token`;
    if (ownerId && ownerId !== event.actorId) return `${words.who} revoked your ${name ? `API token ${name}` : "API token"}`;
    return `${words.who} revoked ${token}`;
  }
  if (ownerEmail && ownerId !== event.actorId) return `${words.who} revoked ${ownerEmail}'s ${name ? `API token ${name}` : "API token"}`;
  return `${words.who} revoked ${token}`;
}

function recoveryCodeUsed(words: Words): string {
  const purpose = words.event.reason ? ` to ${reworded(words, clip(words.event.reason, PHRASE_LIMIT))}` : "";
  const left = count(words.event, "left");
  return `${words.who} used a recovery code${purpose}${left === null ? "" : `; ${left === 0 ? "none" : left} left`}`;
}

const HOLD_CAUSES: Record<string, string> = { password_reset: "password reset", email_change: "email address change" };

function recoveryHoldBlocked(words: Words): string {
  const cause = lookup(HOLD_CAUSES, text(words.event, "after")) ?? "recovery";
  const until = day(text(words.event, "until"));
  return `${words.who} tried to ${confirming(words, words.event.reason)} during the hold after a recent ${cause}; it was refused${until ? ` until ${until}` : ""}`;
}

const SECURED_FROM: Record<string, string> = { activity_report: "the activity page", new_device_email: "the new-device email" };

function accountSecured(words: Words): string {
  const { event } = words;
  const source = lookup(SECURED_FROM, event.reason);
  const from = source ? ` from ${source}` : "";
  const sessions = count(event, "sessionsSignedOut") ?? 0;
  const challenges = count(event, "challengesEnded") ?? 0;
  const grants = count(event, "grantsEnded") ?? 0;
  const effects = [
    sessions ? `${plural(sessions, "session")} signed out` : null,
    challenges ? `${plural(challenges, "pending confirmation")} cancelled` : null,
    grants ? `${plural(grants, "recent confirmation")} ended` : null,
  ].filter(Boolean);
  const done = effects.length ? `: ${effects.join(", ")}` : "";
  // Through the emailed link there is no signed-in actor, only the inbox that received it.
  if (event.actorId === null && words.account) return `Your account was secured${from}${done}`;
  return `${words.who} secured ${words.your} account${from}${done}`;
}

function emailChangeReported(words: Words): string {
  const reported = words.account
    ? "Your email address change was reported as not yours from your previous address"
    : `${words.who} reported ${words.ownAccount ? "an email address change" : `the email address change of ${words.you}`} as not theirs`;
  return `${reported}${signedOut(count(words.event, "signedOutSessions"))}`;
}

function passwordResetRequested(words: Words): string {
  const { reason } = words.event;
  if (reason === "no_account") return `Someone asked to reset ${passwordOf(words)}; no account has this address, so nothing was sent`;
  if (reason === "disabled") return `Someone asked to reset ${passwordOf(words)}; the account is disabled, so nothing was sent`;
  return `Someone asked to reset ${passwordOf(words)}; a code was emailed${words.account ? " to you" : ""}`;
}

function passwordResetFailed(words: Words): string {
  const { reason } = words.event;
  const doing = `while trying to reset ${passwordOf(words)}`;
  if (reason === "no_account") return `Someone tried to reset the password of an address with no account`;
  if (reason === "wrong_second_factor") return `Someone entered the emailed code but a wrong two-step code ${doing}`;
  return `Someone ${codeTrouble(reason)} ${doing}`;
}

function passwordReset(words: Words): string {
  const second = secondFactor(words.event.reason);
  const using = `the emailed code${second ? ` and ${second}` : ""}`;
  return `${words.who} reset ${words.your} password with ${using}${signedOut(count(words.event, "signedOutSessions"))}`;
}

function passwordResetReported(words: Words): string {
  const reported = words.account
    ? "A password reset was reported as not yours from the link in the email"
    : `${words.who} reported ${words.ownAccount ? "a password reset" : `the password reset of ${words.you}`} as not theirs`;
  return `${reported}${signedOut(count(words.event, "signedOutSessions"))}`;
}

function addressChange(words: Words): string {
  const from = text(words.event, "from");
  const to = text(words.event, "to");
  return !words.private && from && to ? ` from ${clip(from, 100)} to ${clip(to, 100)}` : "";
}

const EVENTS = {
  "auth.sign_up": {
    category: "sign_in",
    describe: (words) => {
      const taken = words.event.reason === "address_taken";
      if (words.account)
        return taken ? "Someone tried to sign up with your email address" : "Someone started signing up with your email address";
      const address = words.event.actorEmail ?? "an unknown address";
      return taken ? `Someone tried to sign up as ${address}, which already has an account` : `Someone started signing up as ${address}`;
    },
  },
  "auth.email_verified": {
    category: "sign_in",
    describe: (words) =>
      words.event.outcome === "SUCCESS"
        ? `${words.who} verified ${words.your} email address and created ${words.your} account`
        : `Someone ${codeTrouble(words.event.reason)} while signing up${words.as}`,
  },
  "auth.sign_in": { category: "sign_in", describe: signedIn },
  "auth.sign_in_failed": { category: "sign_in", describe: signInFailed },
  "auth.sign_out": { category: "sign_in", describe: (words) => `${words.who} signed out` },
  "auth.second_factor_required": {
    category: "sign_in",
    // The password alone proves little: whoever typed it may not be the owner.
    describe: (words) =>
      `${words.account ? "Your password" : `The password of ${words.event.actorEmail ?? "an unknown address"}`} was entered correctly and a two-step code was asked for`,
  },
  "step_up.challenge_sent": {
    category: "step_up",
    describe: (words) => `${words.who} started a confirmation to ${confirming(words, words.event.reason)}`,
  },
  "step_up.challenge_resent": {
    category: "step_up",
    describe: (words) => `${words.who} asked for a new code to ${confirming(words, words.event.reason)}`,
  },
  "step_up.verify_failed": { category: "step_up", describe: stepUpFailed },
  "step_up.expired": {
    category: "step_up",
    describe: (words) => `${words.who} entered a code that had expired while trying to ${confirming(words, text(words.event, "action"))}`,
  },
  "step_up.locked": {
    category: "step_up",
    describe: (words) => {
      const failures = /^(\d+)_failures$/.exec(words.event.reason ?? "")?.[1];
      const after = failures ? `${failures} wrong answers in a row` : "too many wrong answers in a row";
      return `Step-up on ${words.account ? "your account" : (words.event.actorEmail ?? "the account")} was locked for a while after ${after}`;
    },
  },
  "step_up.rate_limited": {
    category: "step_up",
    describe: (words) =>
      `${words.who} asked for too many codes in an hour while trying to ${confirming(words, words.event.reason)}; no code was sent`,
  },
  "step_up.verified": { category: "step_up", describe: stepUpVerified },
  "step_up.grant_used": {
    category: "step_up",
    describe: (words) => `${words.who} used a recent confirmation to ${confirming(words, words.event.reason)}`,
  },
  "step_up.cancelled": {
    category: "step_up",
    describe: (words) => `${words.who} cancelled the request to ${confirming(words, null)}`,
  },
  "step_up.reported": {
    category: "step_up",
    // Reported through the emailed link: whoever clicked it holds the account's inbox.
    describe: (words) => {
      const device = deviceOf(words);
      const session = device ? `the session on ${device} that asked` : "the session that asked";
      const asked = confirming(words, words.event.reason);
      return words.self
        ? `You reported that you didn't ask to ${asked}; ${session} was signed out`
        : `${words.who} reported not asking to ${asked}; ${session} was signed out`;
    },
  },
  "api_token.created": {
    category: "tokens",
    describe: (words) => {
      const name = nameOf(words);
      const scopes = texts(words.event, "scopes").slice(0, 10);
      const scope = scopes.length ? ` with ${scopes.length === 1 ? "scope" : "scopes"} ${scopes.map((s) => clip(s, 40)).join(", ")}` : "";
      return `${words.who} created ${name ? `API token ${name}` : "an API token"}${scope}`;
    },
  },
  "api_token.revoked": { category: "tokens", describe: tokenRevoked },
  "api_token.expiring_soon": {
    category: "tokens",
    describe: (words) => {
      const expires = day(text(words.event, "expiresAt"));
      return `${words.who} emailed ${words.you} a reminder that ${theirToken(words)} ${expires ? `expires on ${expires}` : "expires soon"}`;
    },
  },
  "api_token.expired": {
    category: "tokens",
    describe: (words) => `${words.who} emailed ${words.you} that ${theirToken(words)} has expired`,
  },
  "api_token.auto_revoked": {
    category: "tokens",
    describe: (words) => {
      const days = count(words.event, "unusedDays");
      return `${words.who} revoked ${yourToken(words)} after it went unused for ${days === null ? "a long time" : plural(days, "day")}`;
    },
  },
  "session.revoked": {
    category: "sessions",
    describe: (words) => {
      const device = deviceOf(words);
      return `${words.who} signed out ${device ? `${words.your} session on ${device}` : `one of ${words.your} sessions`}`;
    },
  },
  "device.forgotten": {
    category: "sessions",
    describe: (words) => `${words.who} removed ${deviceOf(words) ?? "a device"} from ${words.your} known devices`,
  },
  "two_factor.enrolment_started": {
    category: "two_step",
    describe: (words) => `${words.who} started setting up two-step verification`,
  },
  "two_factor.enrolment_failed": {
    category: "two_step",
    describe: (words) => `${words.who} entered a wrong authenticator code while setting up two-step verification`,
  },
  "two_factor.enabled": { category: "two_step", describe: (words) => `${words.who} turned on two-step verification` },
  "two_factor.disabled": { category: "two_step", describe: (words) => `${words.who} turned off two-step verification` },
  "recovery_codes.regenerated": {
    category: "two_step",
    describe: (words) => `${words.who} created new recovery codes; the previous ones stopped working`,
  },
  "recovery_code.used": { category: "two_step", describe: recoveryCodeUsed },
  "passkey.added": { category: "passkeys", describe: (words) => `${words.who} added ${passkey(words)}` },
  "passkey.renamed": {
    category: "passkeys",
    describe: (words) => {
      const name = quoted(text(words.event, "name"));
      return `${words.who} renamed a passkey${name ? ` to ${name}` : ""}`;
    },
  },
  "passkey.removed": { category: "passkeys", describe: (words) => `${words.who} removed ${passkey(words)}` },
  "passkey.assertion_refused": {
    category: "passkeys",
    describe: (words) => {
      const copied = words.event.reason === "counter_regressed" ? ": it may have been copied" : "";
      return `${words.who} tried to confirm a change with ${passkey(words)} and it was refused${copied}`;
    },
  },
  "email.change_requested": {
    category: "account",
    describe: (words) => {
      const to = text(words.event, "newEmail");
      // The owner is never told the address is taken (docs/account.md): only the admin is.
      const taken = !words.account && words.event.reason === "address_taken" ? "; it already has an account, so nothing was sent" : "";
      return `${words.who} asked to change ${words.your} email address${to ? ` to ${clip(to, 100)}` : ""}${taken}`;
    },
  },
  "email.change_failed": {
    category: "account",
    describe: (words) => `${words.who} ${codeTrouble(words.event.reason)} while confirming ${words.your} new email address`,
  },
  "email.change_cancelled": {
    category: "account",
    describe: (words) => `${words.who} cancelled ${words.your} email address change`,
  },
  "email.changed": {
    category: "account",
    describe: (words) => `${words.who} changed ${words.your} email address${addressChange(words)}`,
  },
  "email.change_reported": { category: "account", describe: emailChangeReported },
  "password.change_failed": {
    category: "account",
    describe: (words) =>
      words.event.reason === "rate_limited"
        ? `${words.who} tried to change ${words.your} password too many times; further tries were held back for a while`
        : `${words.who} entered a wrong current password while trying to change ${words.your} password`,
  },
  "password.changed": {
    category: "account",
    describe: (words) => {
      const others = count(words.event, "signedOutSessions");
      return `${words.who} changed ${words.your} password${others ? ` and signed out ${plural(others, "other session")}` : ""}`;
    },
  },
  "password.reset_requested": { category: "account", describe: passwordResetRequested },
  "password.reset_failed": { category: "account", describe: passwordResetFailed },
  "password.reset": { category: "account", describe: passwordReset },
  "password.reset_reported": { category: "account", describe: passwordResetReported },
  "account.recovery_hold_blocked": { category: "account", describe: recoveryHoldBlocked },
  "account.deleted": { category: "account", describe: (words) => `${words.who} deleted ${words.your} account` },
  "account.delete_failed": {
    category: "account",
    describe: (words) =>
      words.event.reason === "last_admin"
        ? `${words.who} tried to delete ${words.your} account, which was refused: it is the last active administrator`
        : `${words.who} tried to delete ${words.your} account but typed the wrong email address`,
  },
  "account.secured": { category: "account", describe: accountSecured },
  "admin.audit_viewed": { category: "admin", describe: (words) => `${words.who} viewed the audit log` },
  "admin.audit_exported": { category: "admin", describe: (words) => `${words.who} exported the audit log` },
  "admin.access_denied": { category: "admin", describe: (words) => `${words.who} tried to open an admin page; access was refused` },
  "admin.users_viewed": { category: "admin", describe: (words) => `${words.who} viewed the list of accounts` },
  "admin.user_signed_out": {
    category: "admin",
    describe: (words) => {
      const sessions = count(words.event, "sessions");
      return `${words.who} signed ${words.you} out everywhere${sessions && !words.private ? ` (${plural(sessions, "session")})` : ""}`;
    },
  },
  "admin.user_tokens_revoked": {
    category: "admin",
    describe: (words) => {
      const tokens = count(words.event, "tokens");
      return `${words.who} revoked all of ${words.your} API tokens${tokens && !words.private ? ` (${tokens})` : ""}`;
    },
  },
  "admin.user_locks_cleared": {
    category: "admin",
    describe: (words) => `${words.who} cleared ${words.your} sign-in and step-up locks`,
  },
  "admin.user_two_factor_reset": {
    category: "admin",
    describe: (words) => {
      const passkeys = count(words.event, "passkeys");
      return `${words.who} reset ${words.your} two-step verification${passkeys && !words.private ? ` and removed ${plural(passkeys, "passkey")}` : ""}`;
    },
  },
  "admin.user_disabled": { category: "admin", describe: (words) => `${words.who} disabled ${words.your} account` },
  "admin.user_enabled": { category: "admin", describe: (words) => `${words.who} re-enabled ${words.your} account` },
  "admin.user_email_changed": {
    category: "admin",
    describe: (words) => `${words.who} changed ${words.your} email address${addressChange(words)}`,
  },
  "admin.token_revoked": { category: "admin", describe: (words) => `${words.who} revoked ${yourToken(words)}` },
  "audit.pruned": {
    category: "admin",
    describe: (words) => {
      const deleted = count(words.event, "deleted");
      const cutoff = day(text(words.event, "cutoff"));
      return `${words.who} deleted ${deleted === null ? "audit events" : plural(deleted, "audit event")}${cutoff ? ` from before ${cutoff}` : ""}`;
    },
  },
  "audit_stream.created": { category: "admin", describe: (words) => `${words.who} added ${streamDestination(words)}${startsWith(words)}` },
  "audit_stream.updated": { category: "admin", describe: (words) => `${words.who} changed ${streamDestination(words)}` },
  "audit_stream.paused": { category: "admin", describe: (words) => `${words.who} paused ${streamDestination(words)}` },
  "audit_stream.resumed": { category: "admin", describe: (words) => `${words.who} resumed ${streamDestination(words)}` },
  "audit_stream.deleted": { category: "admin", describe: (words) => `${words.who} deleted ${streamDestination(words)}` },
  "audit_stream.test_sent": {
    category: "admin",
    describe: (words) => {
      const sent = `${words.who} sent a test event to ${streamDestination(words)}`;
      if (words.event.outcome === "SUCCESS") return `${sent}; it was accepted`;
      const why = words.event.reason ? clip(words.event.reason, NAME_LIMIT) : null;
      return `${sent}; it was not accepted${why ? ` (${why})` : ""}`;
    },
  },
  "audit_stream.auto_paused": {
    category: "admin",
    describe: (words) => {
      const minutes = count(words.event, "failingMinutes");
      return `${words.who} paused ${streamDestination(words)} after it failed${minutes ? ` for ${plural(minutes, "minute")}` : " for too long"}`;
    },
  },
} satisfies Record<AuditEventType, EventEntry>;

/** "the audit stream destination "Splunk"", named as it was when the row was written. */
function streamDestination(words: Words): string {
  const name = quoted(text(words.event, "name"));
  return name ? `the audit stream destination ${name}` : "an audit stream destination";
}

function startsWith(words: Words): string {
  const start = text(words.event, "start");
  return start === "all" ? ", starting with every event kept" : start === "new" ? ", starting with new events" : "";
}

function passkey(words: Words): string {
  const name = nameOf(words);
  return name ? `passkey ${name}` : "a passkey";
}

/** "your API token "ci-deploy"", for rows whose target is the token's owner. */
function yourToken(words: Words): string {
  const name = nameOf(words);
  return `${words.your} API token${name ? ` ${name}` : ""}`;
}

/** The same, after the account was already named in the sentence ("emailed bob@example.com that their API token…"). */
function theirToken(words: Words): string {
  const name = nameOf(words);
  return `${words.account ? words.your : "their"} API token${name ? ` ${name}` : ""}`;
}

const ENTRIES: Readonly<Record<string, EventEntry>> = EVENTS;

/** Whether the type has its own entry (a type no longer recorded still gets a generic sentence). */
export function isDescribedType(type: string): type is AuditEventType {
  return Object.hasOwn(ENTRIES, type);
}

export function eventCategory(type: string): EventCategory {
  if (isDescribedType(type)) return EVENTS[type].category;
  // A type the map has dropped: the category of its area's other events.
  const area = `${type.split(".")[0]}.`;
  const sibling = Object.keys(EVENTS).find((known) => known.startsWith(area));
  return sibling ? eventCategory(sibling) : "admin";
}

export function describeEvent(event: DescribableEvent, viewpoint: Viewpoint): string {
  const words = wordsFor(event, viewpoint);
  if (!isDescribedType(event.type)) {
    const outcome = event.outcome === "SUCCESS" ? "" : ` (${event.outcome.toLowerCase()})`;
    return `${words.who}: security event ${clip(event.type, NAME_LIMIT)}${outcome}`;
  }
  return EVENTS[event.type].describe(words);
}

export function typesInCategory(category: EventCategory): AuditEventType[] {
  return (Object.keys(EVENTS) as AuditEventType[]).filter((type) => EVENTS[type].category === category);
}

function wordsFor(event: DescribableEvent, viewpoint: Viewpoint): Words {
  const maintenance = event.actorId === null && event.actorEmail === MAINTENANCE_ACTOR;
  if (viewpoint.kind === "account") {
    const reader = viewpoint.accountId;
    const ownerId = typeof event.metadata?.ownerId === "string" ? event.metadata.ownerId : null;
    const aboutOther = (event.targetType === "user" && event.targetId !== reader) || (ownerId !== null && ownerId !== reader);
    return {
      event,
      account: true,
      who: ownerReads(event, reader, maintenance),
      your: aboutOther ? "another account's" : "your",
      you: aboutOther ? "another account" : "you",
      as: "",
      private: aboutOther,
      ownAccount: !aboutOther,
      self: event.actorId === reader,
    };
  }
  const who = maintenance
    ? "Automatic maintenance"
    : event.actorEmail
      ? clip(event.actorEmail, 100)
      : event.actorId
        ? "A deleted account"
        : "Someone";
  const targetAccount = event.targetType === "user" ? event.targetName : null;
  const ownAccount =
    event.targetType !== "user" ||
    (event.actorId !== null && event.targetId === event.actorId) ||
    (targetAccount !== null && targetAccount === event.actorEmail);
  const named = targetAccount === DELETED_ACCOUNT_NAME ? "a deleted account" : targetAccount ? clip(targetAccount, 100) : "the account";
  return {
    event,
    account: false,
    who,
    your: ownAccount ? "their" : `${named}'s`,
    you: ownAccount ? "them" : named,
    as: event.actorEmail && !maintenance ? ` as ${clip(event.actorEmail, 100)}` : "",
    private: false,
    ownAccount,
    self: false,
  };
}

/**
 * Who did it, for the owner. A failed or refused attempt is "Someone's" even when made in the
 * owner's name (a wrong password could be anyone's); another account acting on this one can only
 * be an administrator, who stays unnamed.
 */
function ownerReads(event: DescribableEvent, reader: string, maintenance: boolean): string {
  if (maintenance) return "We";
  if (event.actorId === reader) return event.outcome === "SUCCESS" ? "You" : "Someone";
  return event.actorId === null ? "Someone" : "An administrator";
}
