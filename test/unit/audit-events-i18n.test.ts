import { createTranslator } from "next-intl";
import { describe, expect, it } from "vitest";
import { CATALOGS } from "@/i18n/catalogs";
import type { Locale } from "@/i18n/locales";
import { encodePhrase } from "@/i18n/phrase";
import type { Namespace, Translate } from "@/i18n/translate";
import { describeChallenge } from "@/lib/step-up/describe";
import { AUDIT_EVENT_TYPES } from "@/shared/audit";
import {
  categoryLabels,
  DELETED_ACCOUNT_NAME,
  describeEvent,
  MAINTENANCE_ACTOR,
  STEP_UP_ACTION_KEYS,
  type DescribableEvent,
  type Viewpoint,
} from "@/shared/audit-events";

// Every sentence in English and German: each event type and variant, as its owner reads it, as an
// admin reads it, and as the admin who did it reads it in their own history.

const OWNER = "11111111-1111-4111-8111-111111111111";
const ADMIN = "22222222-2222-4222-8222-222222222222";
const OWNER_EMAIL = "owner@example.test";
const ADMIN_EMAIL = "root-admin@example.test";

/** A user-chosen name longer than a sentence shows, with a line break and a control character. */
const NAME = `Überall ${"x".repeat(80)}\n\u0007`;
/** …as every sentence must show it: one line, 60 characters and an ellipsis. */
const CLIPPED = `${`Überall ${"x".repeat(80)}`.slice(0, 60)}…`;
const QUOTES: Record<Locale, [string, string]> = { en: ['"', '"'], de: ["„", "“"] };

/** A translator that fails the test on a missing message or an ICU error, and notes each key it is asked for. */
function strictTranslator<NS extends Namespace>(locale: Locale, namespace: NS, seen?: Set<string>): Translate<NS> {
  const t = createTranslator({
    locale,
    messages: CATALOGS[locale],
    namespace,
    timeZone: "America/Los_Angeles",
    onError: (error) => {
      throw error;
    },
  }) as unknown as Translate<NS>;
  if (!seen) return t;
  const call = t as unknown as (key: string, ...rest: unknown[]) => string;
  const noting = (key: string, ...rest: unknown[]) => {
    seen.add(key);
    return call(key, ...rest);
  };
  return Object.assign(noting, t) as unknown as Translate<NS>;
}

const seen: Record<Locale, Set<string>> = { en: new Set(), de: new Set() };
const translators = {
  en: { t: strictTranslator("en", "auditEvents", seen.en), actions: strictTranslator("en", "stepUpActions") },
  de: { t: strictTranslator("de", "auditEvents", seen.de), actions: strictTranslator("de", "stepUpActions") },
};

function sentence(locale: Locale, event: DescribableEvent, viewpoint: Viewpoint): string {
  const { t, actions } = translators[locale];
  return describeEvent(event, viewpoint, t, { phrase: (text) => describeChallenge(actions, text) });
}

function event(type: string, overrides: Partial<DescribableEvent> = {}): DescribableEvent {
  return {
    type,
    outcome: "SUCCESS",
    actorId: OWNER,
    actorEmail: OWNER_EMAIL,
    targetType: null,
    targetId: null,
    targetName: null,
    reason: null,
    metadata: null,
    ...overrides,
  };
}

const failed = { outcome: "FAILURE" } as const;
const blocked = { outcome: "BLOCKED" } as const;
const maintenance = { actorId: null, actorEmail: MAINTENANCE_ACTOR, targetType: "user", targetId: OWNER, targetName: OWNER_EMAIL };
const byAdmin = { actorId: ADMIN, actorEmail: ADMIN_EMAIL, targetType: "user", targetId: OWNER, targetName: OWNER_EMAIL };
const challenge = { targetType: "step_up_challenge", targetId: "c" };
const token = { targetType: "api_token", targetId: "asec_abc123", metadata: { name: NAME } };
const passkey = { targetType: "passkey", targetId: "p", metadata: { name: NAME } };
const stream = { targetType: "audit_stream_destination", targetId: "d", metadata: { name: NAME } };
const phrase = encodePhrase({ key: "phrases.apiTokenCreate", values: { name: "ci-deploy" } });

/** [label, type, overrides]: every type, and every variant its sentence has. */
const VARIANTS: [string, string, Partial<DescribableEvent>][] = [
  ["unknown type", "widget.frobbed", failed],
  ["sign-up", "auth.sign_up", { actorId: null, reason: "code_sent" }],
  ["sign-up, address taken", "auth.sign_up", { actorId: null, reason: "address_taken" }],
  ["sign-up, no address", "auth.sign_up", { actorId: null, actorEmail: null }],
  ["email verified", "auth.email_verified", { targetType: "user", targetId: OWNER, targetName: OWNER_EMAIL }],
  ["email verification failed", "auth.email_verified", { ...failed, actorId: null, reason: "code_expired" }],
  ["sign-in", "auth.sign_in", { reason: "two_factor:totp", metadata: { newDevice: true } }],
  ["sign-in with a passkey", "auth.sign_in", { reason: "passkey" }],
  ...[
    "wrong_password",
    "unknown_email",
    "account_disabled",
    "rate_limited",
    "too_many_attempts",
    "wrong_second_factor",
    "passkey:rate_limited",
    "passkey:replayed",
    "passkey:counter_regressed",
    "passkey:account_unavailable",
    "passkey:not_allowed",
    "something_else",
  ].map((reason): [string, string, Partial<DescribableEvent>] => [
    `sign-in failed: ${reason}`,
    "auth.sign_in_failed",
    { ...failed, reason, ...(reason.startsWith("passkey:") ? { targetType: "passkey", targetId: "p", targetName: NAME } : {}) },
  ]),
  [
    "sign-in failed: two-step codes rate limited",
    "auth.sign_in_failed",
    { ...blocked, reason: "rate_limited", targetType: "sign_in_challenge" },
  ],
  ["sign-out", "auth.sign_out", { targetType: "session", targetId: "s" }],
  ["second factor required", "auth.second_factor_required", { targetType: "sign_in_challenge", targetId: "c" }],
  ["challenge sent", "step_up.challenge_sent", { ...challenge, reason: "api_token.create" }],
  ["challenge resent (stored phrase)", "step_up.challenge_resent", { ...challenge, targetName: phrase, reason: "api_token.create" }],
  ...["code_invalid", "too_many_attempts", "second_factor_invalid", "passkey_refused", "locked"].map(
    (reason): [string, string, Partial<DescribableEvent>] => [
      `verify failed: ${reason}`,
      "step_up.verify_failed",
      { ...failed, ...challenge, reason, metadata: { action: "email.change" } },
    ],
  ),
  ["challenge expired", "step_up.expired", { ...failed, ...challenge, reason: "code_expired", metadata: { action: "password.change" } }],
  ["step-up locked", "step_up.locked", { ...blocked, ...challenge, reason: "10_failures" }],
  ["step-up locked, unknown count", "step_up.locked", { ...blocked, ...challenge, reason: "locked" }],
  ["step-up rate limited", "step_up.rate_limited", { ...blocked, reason: "account.delete" }],
  [
    "step-up verified",
    "step_up.verified",
    { ...challenge, metadata: { action: "api_token.create", proofs: ["email_code", "passkey", "authenticator", "recovery_code"] } },
  ],
  ["grant used", "step_up.grant_used", { targetType: "step_up_grant", targetId: "g", reason: "api_token.revoke" }],
  ["challenge cancelled", "step_up.cancelled", { ...challenge, reason: "dismissed" }],
  [
    "challenge reported",
    "step_up.reported",
    { targetType: "session", targetId: "s", targetName: "Firefox 131 on Windows 10", reason: "account.delete" },
  ],
  ["challenge reported from the email", "step_up.reported", { actorId: null, actorEmail: OWNER_EMAIL, reason: "account.delete" }],
  ...Object.keys(STEP_UP_ACTION_KEYS).map((action): [string, string, Partial<DescribableEvent>] => [
    `grant used: ${action}`,
    "step_up.grant_used",
    { targetType: "step_up_grant", targetId: "g", reason: action },
  ]),
  ["token created", "api_token.created", { ...token, metadata: { name: NAME, scopes: ["profile:read", "tokens:read"] } }],
  ["token created, one scope", "api_token.created", { ...token, metadata: { name: NAME, scopes: ["profile:read"] } }],
  ["token revoked", "api_token.revoked", token],
  [
    "token revoked by an admin",
    "api_token.revoked",
    { ...token, actorId: ADMIN, actorEmail: ADMIN_EMAIL, metadata: { name: NAME, ownerId: OWNER, ownerEmail: OWNER_EMAIL } },
  ],
  ["token expiring", "api_token.expiring_soon", { ...maintenance, metadata: { name: NAME, expiresAt: "2026-05-01T00:00:00.000Z" } }],
  ["token expiring, no day", "api_token.expiring_soon", { ...maintenance, metadata: { name: NAME } }],
  ["token expired", "api_token.expired", { ...maintenance, metadata: { name: NAME } }],
  ["token auto-revoked", "api_token.auto_revoked", { ...maintenance, metadata: { name: NAME, unusedDays: 1234 } }],
  [
    "token auto-revoked, unknown days",
    "api_token.auto_revoked",
    { ...maintenance, targetName: DELETED_ACCOUNT_NAME, metadata: { name: NAME } },
  ],
  ["session revoked", "session.revoked", { targetType: "session", targetId: "s", targetName: "Firefox 131 on Windows 10" }],
  ["session revoked, no device", "session.revoked", { targetType: "session", targetId: "s" }],
  ["device forgotten", "device.forgotten", { targetType: "device", targetId: "d", metadata: { device: "Chrome on macOS" } }],
  ["enrolment started", "two_factor.enrolment_started", {}],
  ["enrolment failed", "two_factor.enrolment_failed", failed],
  ["two-step on", "two_factor.enabled", { targetType: "user", targetId: OWNER }],
  ["two-step off", "two_factor.disabled", { targetType: "user", targetId: OWNER }],
  ["codes regenerated", "recovery_codes.regenerated", { targetType: "user", targetId: OWNER }],
  ["recovery code used to sign in", "recovery_code.used", { reason: "sign in", metadata: { left: 7 } }],
  ["recovery code used to reset", "recovery_code.used", { reason: "reset your password", metadata: { left: 0 } }],
  ["recovery code used for a step-up", "recovery_code.used", { reason: phrase, metadata: { left: 1 } }],
  ["passkey added", "passkey.added", passkey],
  ["passkey renamed", "passkey.renamed", passkey],
  ["passkey removed", "passkey.removed", passkey],
  ["passkey refused", "passkey.assertion_refused", { ...failed, targetType: "passkey", targetId: "p", targetName: NAME }],
  [
    "passkey copied",
    "passkey.assertion_refused",
    { ...failed, targetType: "passkey", targetId: "p", targetName: NAME, reason: "counter_regressed" },
  ],
  ["email change asked", "email.change_requested", { reason: "address_taken", metadata: { newEmail: "ne•••@example.test" } }],
  ...["code_invalid", "code_expired", "too_many_attempts"].map((reason): [string, string, Partial<DescribableEvent>] => [
    `email change failed: ${reason}`,
    "email.change_failed",
    { ...failed, reason },
  ]),
  ["email change cancelled", "email.change_cancelled", {}],
  ["email changed", "email.changed", { metadata: { from: "ow•••@example.test", to: "ne•••@example.test" } }],
  [
    "email change reported",
    "email.change_reported",
    {
      actorId: null,
      actorEmail: "old@example.test",
      targetType: "user",
      targetId: OWNER,
      targetName: OWNER_EMAIL,
      metadata: { signedOutSessions: 2 },
    },
  ],
  ["password change refused", "password.change_failed", { ...blocked, reason: "rate_limited" }],
  ["password change failed", "password.change_failed", { ...failed, reason: "wrong_password" }],
  ["password changed", "password.changed", { targetType: "user", targetId: OWNER, metadata: { signedOutSessions: 1 } }],
  ...["code_sent", "no_account", "disabled"].map((reason): [string, string, Partial<DescribableEvent>] => [
    `reset requested: ${reason}`,
    "password.reset_requested",
    { actorId: null, reason },
  ]),
  ...["code_invalid", "no_account", "wrong_second_factor"].map((reason): [string, string, Partial<DescribableEvent>] => [
    `reset failed: ${reason}`,
    "password.reset_failed",
    { ...failed, actorId: null, reason },
  ]),
  [
    "password reset",
    "password.reset",
    { targetType: "user", targetId: OWNER, reason: "two_factor:recovery_code", metadata: { signedOutSessions: 2 } },
  ],
  ["reset reported", "password.reset_reported", { actorId: null, targetType: "user", targetId: OWNER, metadata: { signedOutSessions: 1 } }],
  [
    "recovery hold",
    "account.recovery_hold_blocked",
    {
      ...blocked,
      targetType: "user",
      targetId: OWNER,
      reason: "two_factor.disable",
      metadata: { until: "2026-03-06T10:00:00.000Z", after: "email_change" },
    },
  ],
  ["account deleted", "account.deleted", { targetType: "user", targetId: OWNER }],
  ["account delete refused", "account.delete_failed", { ...failed, targetType: "user", targetId: OWNER, reason: "last_admin" }],
  ["account delete failed", "account.delete_failed", { ...failed, targetType: "user", targetId: OWNER, reason: "email_mismatch" }],
  [
    "account secured",
    "account.secured",
    {
      targetType: "user",
      targetId: OWNER,
      reason: "activity_report",
      metadata: { sessionsSignedOut: 2, challengesEnded: 1, grantsEnded: 1 },
    },
  ],
  ["account secured from the email", "account.secured", { actorId: null, targetType: "user", targetId: OWNER, reason: "new_device_email" }],
  ["audit viewed", "admin.audit_viewed", { actorId: ADMIN, actorEmail: ADMIN_EMAIL }],
  ["audit exported", "admin.audit_exported", { actorId: ADMIN, actorEmail: ADMIN_EMAIL }],
  ["admin access denied", "admin.access_denied", { ...blocked, reason: "admin.audit" }],
  ["accounts viewed", "admin.users_viewed", { actorId: ADMIN, actorEmail: ADMIN_EMAIL }],
  ["signed out by an admin", "admin.user_signed_out", { ...byAdmin, metadata: { sessions: 2 } }],
  ["tokens revoked by an admin", "admin.user_tokens_revoked", { ...byAdmin, metadata: { tokens: 3 } }],
  ["locks cleared", "admin.user_locks_cleared", byAdmin],
  ["two-step reset", "admin.user_two_factor_reset", { ...byAdmin, reason: "lost phone", metadata: { passkeys: 1 } }],
  ["account disabled", "admin.user_disabled", { ...byAdmin, reason: "abuse" }],
  ["account enabled", "admin.user_enabled", byAdmin],
  [
    "email changed by an admin",
    "admin.user_email_changed",
    { ...byAdmin, metadata: { from: "ow•••@example.test", to: "ne•••@example.test" } },
  ],
  ["token revoked by an admin, on the account", "admin.token_revoked", { ...byAdmin, metadata: { name: NAME } }],
  [
    "audit pruned",
    "audit.pruned",
    { actorId: null, actorEmail: MAINTENANCE_ACTOR, metadata: { deleted: 1234, cutoff: "2026-01-01T00:00:00.000Z" } },
  ],
  ["stream added", "audit_stream.created", { ...stream, metadata: { name: NAME, start: "all" } }],
  ["stream changed", "audit_stream.updated", stream],
  ["stream paused", "audit_stream.paused", stream],
  ["stream resumed", "audit_stream.resumed", stream],
  ["stream deleted", "audit_stream.deleted", stream],
  ["stream test accepted", "audit_stream.test_sent", stream],
  ["stream test refused", "audit_stream.test_sent", { ...stream, ...failed, reason: "HTTP 500" }],
  [
    "stream auto-paused",
    "audit_stream.auto_paused",
    { ...stream, actorId: null, actorEmail: MAINTENANCE_ACTOR, metadata: { name: NAME, failingMinutes: 90 } },
  ],
];

const VIEWPOINTS: [string, Viewpoint][] = [
  ["the owner", { kind: "account", accountId: OWNER }],
  ["an admin", { kind: "admin" }],
  ["the acting admin's own history", { kind: "account", accountId: ADMIN }],
];

const CASES = VARIANTS.flatMap(([label, type, overrides]) =>
  VIEWPOINTS.map(([reader, viewpoint]) => [label, reader, event(type, overrides), viewpoint] as const),
);

describe("audit sentences in English and German", () => {
  it("cover every recorded type", () => {
    const covered = new Set(VARIANTS.map(([, type]) => type));
    for (const type of AUDIT_EVENT_TYPES) expect(covered.has(type), type).toBe(true);
  });

  it.each(CASES)("%s, read by %s", (_label, _reader, row, viewpoint) => {
    const en = sentence("en", row, viewpoint);
    const de = sentence("de", row, viewpoint);
    for (const text of [en, de]) {
      expect(text).not.toContain("⟦");
      expect(text).not.toMatch(/undefined|null|NaN|\[object|\{|\}/);
      expect(text.trim()).toBe(text);
      expect(text).not.toBe("");
    }
    expect(de).not.toBe(en);
    // A user-chosen name: quoted the language's way and clipped, or not shown at all (both languages alike).
    expect(de.includes(CLIPPED)).toBe(en.includes(CLIPPED));
    for (const [locale, text] of [["en", en] as const, ["de", de] as const]) {
      expect(text).not.toContain(CLIPPED.slice(0, -1) + "x");
      expect(text).not.toContain("\u0007");
      if (text.includes(CLIPPED)) expect(text).toContain(`${QUOTES[locale][0]}${CLIPPED}${QUOTES[locale][1]}`);
    }
  });

  it("show the names of tokens, passkeys and stream destinations, except to an admin reading about another account", () => {
    const owner: Viewpoint = { kind: "account", accountId: OWNER };
    const adminsOwn: Viewpoint = { kind: "account", accountId: ADMIN };
    for (const [label, type, overrides] of VARIANTS) {
      const row = event(type, overrides);
      if (!JSON.stringify(row).includes("Überall") || type === "auth.sign_in_failed") continue;
      for (const locale of ["en", "de"] as const) {
        expect(sentence(locale, row, { kind: "admin" }), `${label} (${locale})`).toContain(CLIPPED);
        const aboutOwner = row.targetType === "user" && row.targetId === OWNER && row.actorId === ADMIN;
        if (aboutOwner) expect(sentence(locale, row, adminsOwn), `${label} (${locale})`).not.toContain(CLIPPED);
        else expect(sentence(locale, row, owner), `${label} (${locale})`).toContain(CLIPPED);
      }
    }
  });

  it("use every sentence, label and word in the catalog", () => {
    for (const [, , row, viewpoint] of CASES) for (const locale of ["en", "de"] as const) sentence(locale, row, viewpoint);
    for (const locale of ["en", "de"] as const) categoryLabels(translators[locale].t);
    const leaves = (tree: object, prefix = ""): string[] =>
      Object.entries(tree).flatMap(([key, value]) =>
        typeof value === "string" ? [`${prefix}${key}`] : leaves(value as object, `${prefix}${key}.`),
      );
    const keys = leaves(CATALOGS.en.auditEvents).sort();
    expect([...seen.en].sort()).toEqual(keys);
    expect([...seen.de].sort()).toEqual(keys);
  });

  it("words German the German way", () => {
    const owner: Viewpoint = { kind: "account", accountId: OWNER };
    const de = (type: string, overrides: Partial<DescribableEvent>, viewpoint: Viewpoint = owner) =>
      sentence("de", event(type, overrides), viewpoint);
    expect(de("two_factor.enabled", {})).toBe("Sie haben die Zwei-Schritt-Verifizierung aktiviert");
    expect(de("two_factor.enabled", {}, { kind: "admin" })).toBe(`${OWNER_EMAIL} hat die Zwei-Schritt-Verifizierung aktiviert`);
    expect(de("auth.sign_in", { metadata: { newDevice: true } })).toBe(
      "Sie haben sich von einem neuen Gerät aus mit Ihrem Passwort angemeldet",
    );
    expect(de("api_token.created", { ...token, metadata: { name: "ci-deploy", scopes: ["profile:read"] } })).toBe(
      "Sie haben das API-Token „ci-deploy“ mit dem Bereich profile:read erstellt",
    );
    expect(de("api_token.expiring_soon", { ...maintenance, metadata: { name: "ci-deploy", expiresAt: "2026-05-01T00:00:00.000Z" } })).toBe(
      "Wir haben Sie per E-Mail daran erinnert, dass Ihr API-Token „ci-deploy“ am 01.05.2026 abläuft",
    );
    expect(de("admin.user_two_factor_reset", byAdmin)).toBe("Ein Administrator hat Ihre Zwei-Schritt-Verifizierung zurückgesetzt");
    expect(de("admin.user_two_factor_reset", byAdmin, { kind: "admin" })).toBe(
      `${ADMIN_EMAIL} hat die Zwei-Schritt-Verifizierung von ${OWNER_EMAIL} zurückgesetzt`,
    );
    expect(
      de(
        "audit.pruned",
        { actorId: null, actorEmail: MAINTENANCE_ACTOR, metadata: { deleted: 1234, cutoff: "2026-01-01T00:00:00.000Z" } },
        { kind: "admin" },
      ),
    ).toBe("Die automatische Wartung hat 1.234 Audit-Ereignisse aus der Zeit vor dem 01.01.2026 gelöscht");
    expect(
      de("step_up.verified", { ...challenge, targetName: phrase, metadata: { action: "api_token.create", proofs: ["email_code"] } }),
    ).toBe("Sie haben mit dem per E-Mail gesendeten Code die Anfrage bestätigt, das API-Token „ci-deploy“ zu erstellen");
    // A challenge described before phrases keeps its English words.
    expect(de("step_up.cancelled", { ...challenge, targetName: 'create API token "ci"' })).toBe(
      'Sie haben die Anfrage abgebrochen, create API token "ci"',
    );
  });
});
