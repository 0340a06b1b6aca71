import { decodePhrase } from "@/i18n/phrase";
import type { Translate } from "@/i18n/translate";
import type { AuditEventType } from "@/shared/audit";

// The one map from audit event type to category and sentence, shared by the activity page
// (/settings/activity), the admin audit page, its CSV export and the audit feed. Sentences render
// only the fields each entry names (never a metadata dump), and user-chosen names quoted and
// bounded. The words are the `auditEvents` catalog's: one ICU message per event and variant, whose
// `actor` and `target` selects choose the subject ("You", "An administrator", an address…) and
// whose account it is ("your", "their", "bob@example.com's"…), so each language words them its way.

/** Each category and the catalog key of its label (`auditEvents`): `t(EVENT_CATEGORIES[category])`. */
export const EVENT_CATEGORIES = {
  sign_in: "categories.signIn",
  step_up: "categories.stepUp",
  tokens: "categories.tokens",
  two_step: "categories.twoStep",
  passkeys: "categories.passkeys",
  account: "categories.account",
  sessions: "categories.sessions",
  admin: "categories.admin",
} as const;
export type EventCategory = keyof typeof EVENT_CATEGORIES;

/** A category's label in t's language, e.g. "API tokens". */
function categoryLabel(t: Translate<"auditEvents">, category: EventCategory): string {
  return t(EVENT_CATEGORIES[category]);
}

/** Every category's label in t's language, for a component that cannot read the server-only catalog. */
export function categoryLabels(t: Translate<"auditEvents">): Record<EventCategory, string> {
  return Object.fromEntries(
    (Object.keys(EVENT_CATEGORIES) as EventCategory[]).map((category) => [category, categoryLabel(t, category)]),
  ) as Record<EventCategory, string>;
}

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

/** How a sentence reads what a row stored as a phrase (i18n/phrase.ts). */
export type DescribeOptions = {
  /**
   * Puts a stored phrase into t's language: a step-up challenge's description (a
   * `step_up_challenge` row's target name) or the purpose a recovery code was spent on
   * (lib/step-up/describe.ts). Without it a phrase reads as its action's generic words. Text
   * stored before phrases is plain English, and shows as it was written.
   */
  phrase?: (text: string) => string;
};

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

/** Who did it: the `actor` select of every sentence ("other" is the actor's address, `actorEmail`). */
type Actor = "you" | "someone" | "admin" | "we" | "maintenance" | "deleted" | "other";
/**
 * Whose account it is: the `target` select. The owner reads `your` ("your", "you") or, about
 * another account, `another`; the admin `their` (the actor's own), `deleted`, `unknown` ("the
 * account") or `other`, the account's address (`targetEmail`).
 */
type Target = "your" | "another" | "their" | "deleted" | "unknown" | "other";

/** The arguments every sentence is given: who did it, to whose account, read by whom. */
type Arguments = {
  actor: Actor;
  actorEmail: string;
  target: Target;
  targetEmail: string;
  /** "Someone tried to sign in as alice@…": the admin is told the address an attempt used. */
  asActor: "yes" | "no";
  viewer: "owner" | "admin";
  /** The address an attempt was made with: `owner` (the reader's: "your password"), `known` (`actorAddress`) or `unknown`. */
  address: "owner" | "known" | "unknown";
  actorAddress: string;
};

/** What an entry writes its sentence with: the row, the reader, and the words. */
type Words = {
  event: DescribableEvent;
  /** The owner reads it ("You…", "your…"); otherwise an admin, in the third person. */
  account: boolean;
  /** The owner reads about another account (an admin's own actions): no names, addresses or details of it. */
  private: boolean;
  /** The event is about the actor's own account (not an admin acting on someone else's). */
  ownAccount: boolean;
  /** The owner reads what their own account did, whatever the outcome. */
  self: boolean;
  args: Arguments;
  t: Translate<"auditEvents">;
  phrase: DescribeOptions["phrase"];
};

type EventEntry = { category: EventCategory; describe: (words: Words) => string };

type SentenceKey = Parameters<Translate<"auditEvents">>[0];
type Values = Record<string, string | number | Date>;

/** A day inside a sentence ("expires on May 1, 2026"): in t's language, and in UTC like the rest of the audit log. */
export const SENTENCE_FORMATS = { dateTime: { utcDay: { dateStyle: "medium", timeZone: "UTC" } } } as const;

function say(words: Words, key: SentenceKey, values: Values = {}): string {
  return words.t(key, { ...words.args, ...values }, SENTENCE_FORMATS);
}

const NAME_LIMIT = 60;
const PHRASE_LIMIT = 140;

/** A user-chosen name as a sentence shows it (the catalog quotes it): one line, bounded; null when blank. */
function named(value: unknown): string | null {
  return typeof value === "string" && value.trim() ? clip(value, NAME_LIMIT) : null;
}

/** The `named` select and `name` argument of a sentence that may name a token, passkey or destination. */
function nameValues(name: string | null): Values {
  return { named: yes(name !== null), name: name ?? "" };
}

function yes(value: boolean): "yes" | "no" {
  return value ? "yes" : "no";
}

/** A table's entry for a key from a row: only its own entries (a reason of "constructor" finds nothing). */
function lookup<Table extends Readonly<Record<string, string>>>(table: Table, key: string | null | undefined): Table[keyof Table] | null {
  return key && Object.hasOwn(table, key) ? (table[key] as Table[keyof Table]) : null;
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

/** A moment the row recorded as text, for a `{…, date, utcDay}` argument; null when unreadable. */
function moment(value: string | null): number | null {
  const time = value ? Date.parse(value) : Number.NaN;
  return Number.isNaN(time) ? null : time;
}

/** The `has…` select and the moment, for a sentence with an optional day. */
function dayValues(flag: string, argument: string, value: string | null): Values {
  const time = moment(value);
  return { [flag]: yes(time !== null), [argument]: time ?? 0 };
}

/** Items joined the catalog's way: "a and b", "a, b". */
function list(words: Words, key: "lists.and" | "lists.comma", items: string[]): string {
  return items.reduce((first, second) => say(words, key, { first, second }));
}

/**
 * The token's or passkey's name, preferring the one the row recorded (the name at the time). A
 * row about a user account names its token in metadata only: its target's name is an address.
 */
function nameOf(words: Words): string | null {
  const { event } = words;
  const targetName = event.targetType === "user" ? null : event.targetName;
  return words.private ? null : named(text(event, "name") ?? targetName);
}

/** The session or device a row is about, e.g. "Chrome 130 on macOS". */
function deviceOf(words: Words): string | null {
  const { event } = words;
  const device = text(event, "device") ?? (event.targetType === "session" || event.targetType === "device" ? event.targetName : null);
  return device && !words.private ? clip(device, NAME_LIMIT) : null;
}

function deviceValues(words: Words): Values {
  const device = deviceOf(words);
  return { hasDevice: yes(device !== null), device: device ?? "" };
}

/** Words written for the owner ("change your email address") reworded for an admin; quoted names stay as they are. */
function reworded(words: Words, phrase: string): string {
  return words.account ? phrase : phrase.replace(/"[^"]*"|„[^“]*“|\byour\b/g, (match) => (match === "your" ? "their" : match));
}

/**
 * Words a row stored: a phrase, put into the reader's language by the caller; or, in rows written
 * before phrases, plain English shown as written. Null for a phrase nobody here can put into words.
 */
function stored(words: Words, value: string): string | null {
  if (!decodePhrase(value)) return reworded(words, clip(value, PHRASE_LIMIT));
  return words.phrase ? reworded(words, clip(words.phrase(value), PHRASE_LIMIT)) : null;
}

/** The catalog key (`auditEvents.actions.*`) of what each step-up action confirms, without its payload: for rows whose challenge is gone. Complete for lib/step-up/policy.ts (tested). */
export const STEP_UP_ACTION_KEYS = {
  "api_token.create": "actions.apiTokenCreate",
  "api_token.revoke": "actions.apiTokenRevoke",
  "session.revoke": "actions.sessionRevoke",
  "session.revoke_others": "actions.sessionRevokeOthers",
  "two_factor.enable": "actions.twoFactorEnable",
  "two_factor.disable": "actions.twoFactorDisable",
  "recovery_codes.regenerate": "actions.recoveryCodesRegenerate",
  "email.change": "actions.emailChange",
  "password.change": "actions.passwordChange",
  "account.delete": "actions.accountDelete",
  "passkey.add": "actions.passkeyAdd",
  "passkey.remove": "actions.passkeyRemove",
  "admin.api_token.revoke": "actions.adminApiTokenRevoke",
  "admin.tokens.revoke_selected": "actions.adminTokensRevokeSelected",
  "admin.user.sign_out": "actions.adminUserSignOut",
  "admin.user.revoke_tokens": "actions.adminUserRevokeTokens",
  "admin.user.clear_locks": "actions.adminUserClearLocks",
  "admin.user.reset_two_factor": "actions.adminUserResetTwoFactor",
  "admin.user.disable": "actions.adminUserDisable",
  "admin.user.enable": "actions.adminUserEnable",
  "admin.user.change_email": "actions.adminUserChangeEmail",
  "admin.stream.add": "actions.adminStreamAdd",
  "admin.stream.update": "actions.adminStreamUpdate",
  "admin.stream.pause": "actions.adminStreamPause",
  "admin.stream.resume": "actions.adminStreamResume",
  "admin.stream.delete": "actions.adminStreamDelete",
} as const satisfies Record<string, SentenceKey>;

/**
 * What a step-up row was confirming (the `doing` argument: "create an API token"; in German a
 * zu-infinitive, "ein API-Token zu erstellen"): the challenge's own description when it is known
 * (it names the token, the passkey…), except for an admin's action read by the admin as an account
 * owner (it names the other account); otherwise the action's words.
 */
function confirming(words: Words, action: string | null): string {
  const { event } = words;
  const description = event.targetType === "step_up_challenge" ? event.targetName : null;
  const ownAction = !action?.startsWith("admin.") || !words.account;
  const described = description && ownAction ? stored(words, description) : null;
  return described ?? say(words, lookup(STEP_UP_ACTION_KEYS, action) ?? "actions.fallback");
}

const PROOF_KEYS = {
  email_code: "proofs.emailCode",
  passkey: "proofs.passkey",
  authenticator: "proofs.authenticator",
  recovery_code: "proofs.recoveryCode",
} as const satisfies Record<string, SentenceKey>;

const SECOND_FACTORS = { totp: "totp", recovery_code: "recovery", passkey: "passkey" } as const;

/** "two_factor:totp" → the `second` select's "totp". */
function secondFactor(reason: string | null): string {
  return (reason?.startsWith("two_factor:") ? lookup(SECOND_FACTORS, reason.slice("two_factor:".length)) : null) ?? "none";
}

/** What went wrong with an emailed code: the `trouble` select. */
function codeTrouble(reason: string | null): string {
  if (reason === "code_expired") return "expired";
  if (reason === "too_many_attempts") return "exhausted";
  return "wrong";
}

function signInFailed(words: Words): string {
  const { event } = words;
  const reason = event.reason ?? "";
  const passkey = nameValues(event.targetType === "passkey" ? named(event.targetName) : null);
  if (reason === "wrong_password") return say(words, "signInFailed.wrongPassword");
  if (reason === "unknown_email") return say(words, "signInFailed.unknownEmail");
  if (reason === "account_disabled") return say(words, "signInFailed.accountDisabled");
  if (reason === "rate_limited" && event.targetType === "sign_in_challenge") return say(words, "signInFailed.twoStepRateLimited");
  if (reason === "rate_limited") return say(words, "signInFailed.rateLimited");
  if (reason === "too_many_attempts") return say(words, "signInFailed.tooManyAttempts");
  if (reason === "wrong_second_factor") return say(words, "signInFailed.wrongSecondFactor");
  if (reason === "passkey:rate_limited") return say(words, "signInFailed.passkeyRateLimited");
  if (reason === "passkey:replayed") return say(words, "signInFailed.passkeyReplayed");
  if (reason === "passkey:counter_regressed") return say(words, "signInFailed.passkeyCopied", passkey);
  if (reason === "passkey:account_unavailable") return say(words, "signInFailed.passkeyUnavailable", passkey);
  if (reason.startsWith("passkey:")) return say(words, "signInFailed.passkeyRefused", passkey);
  return say(words, "signInFailed.refused");
}

function signedIn(words: Words): string {
  const { event } = words;
  return say(words, "signIn", {
    newDevice: yes(event.metadata?.newDevice === true),
    method: event.reason === "passkey" ? "passkey" : "password",
    second: secondFactor(event.reason),
  });
}

function stepUpFailed(words: Words): string {
  const doing = confirming(words, text(words.event, "action"));
  switch (words.event.reason) {
    case "too_many_attempts":
      return say(words, "stepUp.tooManyAttempts", { doing });
    case "second_factor_invalid":
      return say(words, "stepUp.secondFactorInvalid", { doing });
    case "passkey_refused":
      return say(words, "stepUp.passkeyRefused", { doing });
    case "locked":
      return say(words, "stepUp.whileLocked", { doing });
    default:
      return say(words, "stepUp.wrongCode", { doing });
  }
}

function stepUpVerified(words: Words): string {
  const proofs = texts(words.event, "proofs").flatMap((kind) => {
    const key = lookup(PROOF_KEYS, kind);
    return key ? [say(words, key)] : [];
  });
  return say(words, "stepUp.verified", {
    doing: confirming(words, text(words.event, "action")),
    hasProofs: yes(proofs.length > 0),
    proofs: proofs.length ? list(words, "lists.and", proofs) : "",
  });
}

function tokenRevoked(words: Words): string {
  const { event } = words;
  const name = nameValues(nameOf(words));
  const ownerId = text(event, "ownerId");
  const ownerEmail = text(event, "ownerEmail");
  if (words.account) {
    if (words.private) return say(words, "tokens.revokedOther");
    if (ownerId && ownerId !== event.actorId) return say(words, "tokens.revokedYours", name);
    return say(words, "tokens.revoked", name);
  }
  if (ownerEmail && ownerId !== event.actorId) return say(words, "tokens.revokedOwners", { ...name, ownerEmail });
  return say(words, "tokens.revoked", name);
}

// The purposes lib/ spends a recovery code on in its own words; a step-up's is the challenge's description.
const RECOVERY_PURPOSES = { "sign in": "signIn", "reset your password": "reset" } as const;

function recoveryCodeUsed(words: Words): string {
  const { reason } = words.event;
  const known = lookup(RECOVERY_PURPOSES, reason);
  const purposeText = reason && !known ? stored(words, reason) : null;
  const left = count(words.event, "left");
  return say(words, "twoStep.codeUsed", {
    purpose: known ?? (purposeText === null ? "none" : "text"),
    purposeText: purposeText ?? "",
    hasLeft: yes(left !== null),
    left: left ?? 0,
  });
}

const HOLD_CAUSES = { password_reset: "passwordReset", email_change: "emailChange" } as const;

function recoveryHoldBlocked(words: Words): string {
  return say(words, "account.holdBlocked", {
    doing: confirming(words, words.event.reason),
    cause: lookup(HOLD_CAUSES, text(words.event, "after")) ?? "recovery",
    ...dayValues("hasUntil", "until", text(words.event, "until")),
  });
}

const SECURED_FROM = { activity_report: "activity", new_device_email: "email" } as const;

function accountSecured(words: Words): string {
  const { event } = words;
  const sessions = count(event, "sessionsSignedOut") ?? 0;
  const challenges = count(event, "challengesEnded") ?? 0;
  const grants = count(event, "grantsEnded") ?? 0;
  const effects = [
    sessions ? say(words, "account.securedSessions", { count: sessions }) : null,
    challenges ? say(words, "account.securedChallenges", { count: challenges }) : null,
    grants ? say(words, "account.securedGrants", { count: grants }) : null,
  ].filter((effect) => effect !== null);
  const values = {
    from: lookup(SECURED_FROM, event.reason) ?? "none",
    hasEffects: yes(effects.length > 0),
    effects: effects.length ? list(words, "lists.comma", effects) : "",
  };
  // Through the emailed link there is no signed-in actor, only the inbox that received it.
  if (event.actorId === null && words.account) return say(words, "account.securedByLink", values);
  return say(words, "account.secured", values);
}

function emailChangeReported(words: Words): string {
  const signedOut = count(words.event, "signedOutSessions") ?? 0;
  return say(words, words.account ? "email.changeReportedOwner" : "email.changeReported", { signedOut });
}

function passwordResetRequested(words: Words): string {
  const { reason } = words.event;
  if (reason === "no_account") return say(words, "password.resetRequestedNoAccount");
  if (reason === "disabled") return say(words, "password.resetRequestedDisabled");
  return say(words, "password.resetRequested");
}

function passwordResetFailed(words: Words): string {
  const { reason } = words.event;
  if (reason === "no_account") return say(words, "password.resetFailedNoAccount");
  if (reason === "wrong_second_factor") return say(words, "password.resetFailedSecondFactor");
  return say(words, "password.resetFailed", { trouble: codeTrouble(reason) });
}

function passwordReset(words: Words): string {
  return say(words, "password.reset", {
    second: secondFactor(words.event.reason),
    signedOut: count(words.event, "signedOutSessions") ?? 0,
  });
}

function passwordResetReported(words: Words): string {
  const signedOut = count(words.event, "signedOutSessions") ?? 0;
  return say(words, words.account ? "password.resetReportedOwner" : "password.resetReported", { signedOut });
}

/** "from ow•••@… to ne•••@…" of an address change, unless the owner reads about another account. */
function addressChange(words: Words): Values {
  const from = text(words.event, "from");
  const to = text(words.event, "to");
  const shown = !words.private && from !== null && to !== null;
  return { hasChange: yes(shown), from: shown ? clip(from, 100) : "", to: shown ? clip(to, 100) : "" };
}

/** An audit stream destination, named as it was when the row was written. */
function destination(words: Words): Values {
  return nameValues(named(text(words.event, "name")));
}

const STREAM_STARTS = { all: "all", new: "new" } as const;

const EVENTS = {
  "auth.sign_up": {
    category: "sign_in",
    describe: (words) => {
      const taken = words.event.reason === "address_taken";
      if (words.account) return say(words, taken ? "signUp.ownerTaken" : "signUp.ownerStarted");
      return say(words, taken ? "signUp.taken" : "signUp.started");
    },
  },
  "auth.email_verified": {
    category: "sign_in",
    describe: (words) =>
      words.event.outcome === "SUCCESS"
        ? say(words, "emailVerified.done")
        : say(words, "emailVerified.failed", { trouble: codeTrouble(words.event.reason) }),
  },
  "auth.sign_in": { category: "sign_in", describe: signedIn },
  "auth.sign_in_failed": { category: "sign_in", describe: signInFailed },
  "auth.sign_out": { category: "sign_in", describe: (words) => say(words, "signOut") },
  "auth.second_factor_required": {
    category: "sign_in",
    // The password alone proves little: whoever typed it may not be the owner.
    describe: (words) => say(words, "secondFactorRequired"),
  },
  "step_up.challenge_sent": {
    category: "step_up",
    describe: (words) => say(words, "stepUp.challengeSent", { doing: confirming(words, words.event.reason) }),
  },
  "step_up.challenge_resent": {
    category: "step_up",
    describe: (words) => say(words, "stepUp.challengeResent", { doing: confirming(words, words.event.reason) }),
  },
  "step_up.verify_failed": { category: "step_up", describe: stepUpFailed },
  "step_up.expired": {
    category: "step_up",
    describe: (words) => say(words, "stepUp.expired", { doing: confirming(words, text(words.event, "action")) }),
  },
  "step_up.locked": {
    category: "step_up",
    describe: (words) => {
      const failures = /^(\d+)_failures$/.exec(words.event.reason ?? "")?.[1];
      return say(words, "stepUp.locked", { hasFailures: yes(failures !== undefined), failures: Number(failures ?? 0) });
    },
  },
  "step_up.rate_limited": {
    category: "step_up",
    describe: (words) => say(words, "stepUp.rateLimited", { doing: confirming(words, words.event.reason) }),
  },
  "step_up.verified": { category: "step_up", describe: stepUpVerified },
  "step_up.grant_used": {
    category: "step_up",
    describe: (words) => say(words, "stepUp.grantUsed", { doing: confirming(words, words.event.reason) }),
  },
  "step_up.cancelled": {
    category: "step_up",
    describe: (words) => say(words, "stepUp.cancelled", { doing: confirming(words, null) }),
  },
  "step_up.reported": {
    category: "step_up",
    // Reported through the emailed link: whoever clicked it holds the account's inbox.
    describe: (words) =>
      say(words, words.self ? "stepUp.reportedSelf" : "stepUp.reported", {
        doing: confirming(words, words.event.reason),
        ...deviceValues(words),
      }),
  },
  "api_token.created": {
    category: "tokens",
    describe: (words) => {
      const scopes = texts(words.event, "scopes")
        .slice(0, 10)
        .map((scope) => clip(scope, 40));
      return say(words, "tokens.created", {
        ...nameValues(nameOf(words)),
        scopeCount: scopes.length,
        scopes: scopes.length ? list(words, "lists.comma", scopes) : "",
      });
    },
  },
  "api_token.revoked": { category: "tokens", describe: tokenRevoked },
  "api_token.expiring_soon": {
    category: "tokens",
    describe: (words) =>
      say(words, "tokens.expiringSoon", {
        ...nameValues(nameOf(words)),
        ...dayValues("hasDate", "expiresAt", text(words.event, "expiresAt")),
      }),
  },
  "api_token.expired": {
    category: "tokens",
    describe: (words) => say(words, "tokens.expired", nameValues(nameOf(words))),
  },
  "api_token.auto_revoked": {
    category: "tokens",
    describe: (words) => {
      const days = count(words.event, "unusedDays");
      return say(words, "tokens.autoRevoked", { ...nameValues(nameOf(words)), hasDays: yes(days !== null), days: days ?? 0 });
    },
  },
  "session.revoked": {
    category: "sessions",
    describe: (words) => say(words, "sessions.revoked", deviceValues(words)),
  },
  "device.forgotten": {
    category: "sessions",
    describe: (words) => say(words, "sessions.deviceForgotten", deviceValues(words)),
  },
  "two_factor.enrolment_started": {
    category: "two_step",
    describe: (words) => say(words, "twoStep.enrolmentStarted"),
  },
  "two_factor.enrolment_failed": {
    category: "two_step",
    describe: (words) => say(words, "twoStep.enrolmentFailed"),
  },
  "two_factor.enabled": { category: "two_step", describe: (words) => say(words, "twoStep.enabled") },
  "two_factor.disabled": { category: "two_step", describe: (words) => say(words, "twoStep.disabled") },
  "recovery_codes.regenerated": {
    category: "two_step",
    describe: (words) => say(words, "twoStep.codesRegenerated"),
  },
  "recovery_code.used": { category: "two_step", describe: recoveryCodeUsed },
  "passkey.added": { category: "passkeys", describe: (words) => say(words, "passkeys.added", nameValues(nameOf(words))) },
  "passkey.renamed": {
    category: "passkeys",
    describe: (words) => say(words, "passkeys.renamed", nameValues(named(text(words.event, "name")))),
  },
  "passkey.removed": { category: "passkeys", describe: (words) => say(words, "passkeys.removed", nameValues(nameOf(words))) },
  "passkey.assertion_refused": {
    category: "passkeys",
    describe: (words) =>
      say(words, words.event.reason === "counter_regressed" ? "passkeys.refusedCopied" : "passkeys.refused", nameValues(nameOf(words))),
  },
  "email.change_requested": {
    category: "account",
    describe: (words) => {
      const to = text(words.event, "newEmail");
      return say(words, "email.changeRequested", {
        hasTo: yes(to !== null),
        to: to === null ? "" : clip(to, 100),
        // The owner is never told the address is taken (docs/account.md): only the admin is.
        taken: yes(!words.account && words.event.reason === "address_taken"),
      });
    },
  },
  "email.change_failed": {
    category: "account",
    describe: (words) => {
      const trouble = codeTrouble(words.event.reason);
      if (trouble === "expired") return say(words, "email.changeCodeExpired");
      if (trouble === "exhausted") return say(words, "email.changeTriesExhausted");
      return say(words, "email.changeWrongCode");
    },
  },
  "email.change_cancelled": {
    category: "account",
    describe: (words) => say(words, "email.changeCancelled"),
  },
  "email.changed": {
    category: "account",
    describe: (words) => say(words, "email.changed", addressChange(words)),
  },
  "email.change_reported": { category: "account", describe: emailChangeReported },
  "password.change_failed": {
    category: "account",
    describe: (words) => say(words, words.event.reason === "rate_limited" ? "password.changeRateLimited" : "password.changeWrongPassword"),
  },
  "password.changed": {
    category: "account",
    describe: (words) => say(words, "password.changed", { others: count(words.event, "signedOutSessions") ?? 0 }),
  },
  "password.reset_requested": { category: "account", describe: passwordResetRequested },
  "password.reset_failed": { category: "account", describe: passwordResetFailed },
  "password.reset": { category: "account", describe: passwordReset },
  "password.reset_reported": { category: "account", describe: passwordResetReported },
  "account.recovery_hold_blocked": { category: "account", describe: recoveryHoldBlocked },
  "account.deleted": { category: "account", describe: (words) => say(words, "account.deleted") },
  "account.delete_failed": {
    category: "account",
    describe: (words) => say(words, words.event.reason === "last_admin" ? "account.deleteLastAdmin" : "account.deleteWrongEmail"),
  },
  "account.secured": { category: "account", describe: accountSecured },
  "admin.audit_viewed": { category: "admin", describe: (words) => say(words, "admin.auditViewed") },
  "admin.audit_exported": { category: "admin", describe: (words) => say(words, "admin.auditExported") },
  "admin.access_denied": { category: "admin", describe: (words) => say(words, "admin.accessDenied") },
  "admin.users_viewed": { category: "admin", describe: (words) => say(words, "admin.usersViewed") },
  "admin.user_signed_out": {
    category: "admin",
    describe: (words) => say(words, "admin.userSignedOut", { sessions: words.private ? 0 : (count(words.event, "sessions") ?? 0) }),
  },
  "admin.user_tokens_revoked": {
    category: "admin",
    describe: (words) => say(words, "admin.userTokensRevoked", { tokens: words.private ? 0 : (count(words.event, "tokens") ?? 0) }),
  },
  "admin.user_locks_cleared": {
    category: "admin",
    describe: (words) => say(words, "admin.userLocksCleared"),
  },
  "admin.user_two_factor_reset": {
    category: "admin",
    describe: (words) => say(words, "admin.userTwoFactorReset", { passkeys: words.private ? 0 : (count(words.event, "passkeys") ?? 0) }),
  },
  "admin.user_disabled": { category: "admin", describe: (words) => say(words, "admin.userDisabled") },
  "admin.user_enabled": { category: "admin", describe: (words) => say(words, "admin.userEnabled") },
  "admin.user_email_changed": {
    category: "admin",
    describe: (words) => say(words, "admin.userEmailChanged", addressChange(words)),
  },
  "admin.token_revoked": { category: "admin", describe: (words) => say(words, "admin.tokenRevoked", nameValues(nameOf(words))) },
  "audit.pruned": {
    category: "admin",
    describe: (words) => {
      const deleted = count(words.event, "deleted");
      return say(words, "auditPruned", {
        hasCount: yes(deleted !== null),
        deleted: deleted ?? 0,
        ...dayValues("hasCutoff", "cutoff", text(words.event, "cutoff")),
      });
    },
  },
  "audit_stream.created": {
    category: "admin",
    describe: (words) =>
      say(words, "streams.created", { ...destination(words), start: lookup(STREAM_STARTS, text(words.event, "start")) ?? "none" }),
  },
  "audit_stream.updated": { category: "admin", describe: (words) => say(words, "streams.updated", destination(words)) },
  "audit_stream.paused": { category: "admin", describe: (words) => say(words, "streams.paused", destination(words)) },
  "audit_stream.resumed": { category: "admin", describe: (words) => say(words, "streams.resumed", destination(words)) },
  "audit_stream.deleted": { category: "admin", describe: (words) => say(words, "streams.deleted", destination(words)) },
  "audit_stream.test_sent": {
    category: "admin",
    describe: (words) => {
      if (words.event.outcome === "SUCCESS") return say(words, "streams.testAccepted", destination(words));
      const why = words.event.reason ? clip(words.event.reason, NAME_LIMIT) : null;
      return say(words, "streams.testRefused", { ...destination(words), hasWhy: yes(why !== null), why: why ?? "" });
    },
  },
  "audit_stream.auto_paused": {
    category: "admin",
    describe: (words) => say(words, "streams.autoPaused", { ...destination(words), minutes: count(words.event, "failingMinutes") ?? 0 }),
  },
} satisfies Record<AuditEventType, EventEntry>;

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

/** What happened, in one sentence in t's language, for the reader the viewpoint names. */
export function describeEvent(
  event: DescribableEvent,
  viewpoint: Viewpoint,
  t: Translate<"auditEvents">,
  options: DescribeOptions = {},
): string {
  const words = wordsFor(event, viewpoint, t, options.phrase);
  if (!isDescribedType(event.type)) return say(words, "unknown", { type: clip(event.type, NAME_LIMIT), outcome: event.outcome });
  return EVENTS[event.type].describe(words);
}

export function typesInCategory(category: EventCategory): AuditEventType[] {
  return (Object.keys(EVENTS) as AuditEventType[]).filter((type) => EVENTS[type].category === category);
}

function wordsFor(event: DescribableEvent, viewpoint: Viewpoint, t: Translate<"auditEvents">, phrase: DescribeOptions["phrase"]): Words {
  const maintenance = event.actorId === null && event.actorEmail === MAINTENANCE_ACTOR;
  if (viewpoint.kind === "account") {
    const reader = viewpoint.accountId;
    const ownerId = typeof event.metadata?.ownerId === "string" ? event.metadata.ownerId : null;
    const aboutOther = (event.targetType === "user" && event.targetId !== reader) || (ownerId !== null && ownerId !== reader);
    return {
      event,
      account: true,
      private: aboutOther,
      ownAccount: !aboutOther,
      self: event.actorId === reader,
      args: {
        actor: ownerReads(event, reader, maintenance),
        actorEmail: "",
        target: aboutOther ? "another" : "your",
        targetEmail: "",
        asActor: "no",
        viewer: "owner",
        address: "owner",
        actorAddress: "",
      },
      t,
      phrase,
    };
  }
  const targetAccount = event.targetType === "user" ? event.targetName : null;
  const ownAccount =
    event.targetType !== "user" ||
    (event.actorId !== null && event.targetId === event.actorId) ||
    (targetAccount !== null && targetAccount === event.actorEmail);
  return {
    event,
    account: false,
    private: false,
    ownAccount,
    self: false,
    args: {
      actor: maintenance ? "maintenance" : event.actorEmail ? "other" : event.actorId ? "deleted" : "someone",
      actorEmail: event.actorEmail ? clip(event.actorEmail, 100) : "",
      target: ownAccount ? "their" : targetAccount === DELETED_ACCOUNT_NAME ? "deleted" : targetAccount ? "other" : "unknown",
      targetEmail: targetAccount ? clip(targetAccount, 100) : "",
      asActor: yes(Boolean(event.actorEmail) && !maintenance),
      viewer: "admin",
      address: event.actorEmail === null ? "unknown" : "known",
      actorAddress: event.actorEmail ?? "",
    },
    t,
    phrase,
  };
}

/**
 * Who did it, for the owner. A failed or refused attempt is "Someone's" even when made in the
 * owner's name (a wrong password could be anyone's); another account acting on this one can only
 * be an administrator, who stays unnamed.
 */
function ownerReads(event: DescribableEvent, reader: string, maintenance: boolean): Actor {
  if (maintenance) return "we";
  if (event.actorId === reader) return event.outcome === "SUCCESS" ? "you" : "someone";
  return event.actorId === null ? "someone" : "admin";
}
