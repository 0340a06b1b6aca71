import { createTranslator } from "next-intl";
import { describe, expect, it } from "vitest";
import { CATALOGS } from "@/i18n/catalogs";
import { encodePhrase } from "@/i18n/phrase";
import type { Translate } from "@/i18n/translate";
import { STEP_UP_POLICY } from "@/lib/step-up/policy";
import { AUDIT_EVENT_TYPES, AUDIT_GROUPS } from "@/shared/audit";
import {
  categoryLabels,
  describeEvent as describeIn,
  EVENT_CATEGORIES,
  eventCategory,
  isDescribedType,
  MAINTENANCE_ACTOR,
  STEP_UP_ACTION_KEYS,
  typesInCategory,
  type DescribableEvent,
  type DescribeOptions,
  type EventCategory,
  type Viewpoint,
} from "@/shared/audit-events";

/** English, failing the test on any missing message or ICU error. */
const en = createTranslator({
  locale: "en",
  messages: CATALOGS.en,
  namespace: "auditEvents",
  timeZone: "UTC",
  onError: (error) => {
    throw error;
  },
}) as unknown as Translate<"auditEvents">;

function describeEvent(event: DescribableEvent, viewpoint: Viewpoint, options?: DescribeOptions): string {
  return describeIn(event, viewpoint, en, options);
}

const OWNER = "11111111-1111-4111-8111-111111111111";
const ADMIN = "22222222-2222-4222-8222-222222222222";
const OWNER_EMAIL = "owner@example.test";
const ADMIN_EMAIL = "root-admin@example.test";

const asOwner: Viewpoint = { kind: "account", accountId: OWNER };
const asAdmin: Viewpoint = { kind: "admin" };
const OUTCOMES = ["SUCCESS", "FAILURE", "BLOCKED"] as const;

function event(overrides: Partial<DescribableEvent>): DescribableEvent {
  return {
    type: "auth.sign_in",
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

/** Each type as the app writes it: who acts, on what, with which fields. */
const SHAPES: Record<(typeof AUDIT_EVENT_TYPES)[number], Partial<DescribableEvent>> = {
  "auth.sign_up": { actorId: null, targetType: "sign_up_request", targetId: "x", reason: "code_sent" },
  "auth.email_verified": { targetType: "user", targetId: OWNER, targetName: OWNER_EMAIL },
  "auth.sign_in": { targetType: "session", targetId: "s", targetName: "Chrome 130 on macOS" },
  "auth.sign_in_failed": { reason: "wrong_password" },
  "auth.sign_out": { targetType: "session", targetId: "s", reason: "sign_out" },
  "auth.second_factor_required": { targetType: "sign_in_challenge", targetId: "c" },
  "step_up.challenge_sent": { targetType: "step_up_challenge", targetId: "c", reason: "api_token.create" },
  "step_up.challenge_resent": { targetType: "step_up_challenge", targetId: "c", reason: "api_token.create" },
  "step_up.verify_failed": { targetType: "step_up_challenge", targetId: "c", reason: "code_invalid", metadata: { action: "email.change" } },
  "step_up.expired": { targetType: "step_up_challenge", targetId: "c", reason: "code_expired", metadata: { action: "email.change" } },
  "step_up.locked": { targetType: "step_up_challenge", targetId: "c", reason: "10_failures", metadata: { action: "email.change" } },
  "step_up.rate_limited": { reason: "password.change" },
  "step_up.verified": {
    targetType: "step_up_challenge",
    targetId: "c",
    reason: "sudo",
    metadata: { action: "api_token.create", proofs: ["email_code"] },
  },
  "step_up.grant_used": { targetType: "step_up_grant", targetId: "g", reason: "api_token.revoke" },
  "step_up.cancelled": { targetType: "step_up_challenge", targetId: "c", reason: "dismissed" },
  "step_up.reported": { targetType: "session", targetId: "s", reason: "account.delete" },
  "api_token.created": {
    targetType: "api_token",
    targetId: "asec_abc123",
    metadata: { tokenId: "t", name: "ci-deploy", scopes: ["profile:read"], expiresAt: "2026-05-01T00:00:00.000Z" },
  },
  "api_token.revoked": { targetType: "api_token", targetId: "asec_abc123", metadata: { tokenId: "t", name: "ci-deploy" } },
  "api_token.expiring_soon": {
    actorId: null,
    actorEmail: MAINTENANCE_ACTOR,
    targetType: "user",
    targetId: OWNER,
    metadata: { name: "ci-deploy", prefix: "asec_abc123", expiresAt: "2026-05-01T00:00:00.000Z" },
  },
  "api_token.expired": {
    actorId: null,
    actorEmail: MAINTENANCE_ACTOR,
    targetType: "user",
    targetId: OWNER,
    metadata: { name: "ci-deploy", prefix: "asec_abc123", expiresAt: "2026-05-01T00:00:00.000Z" },
  },
  "api_token.auto_revoked": {
    actorId: null,
    actorEmail: MAINTENANCE_ACTOR,
    targetType: "user",
    targetId: OWNER,
    metadata: { name: "ci-deploy", prefix: "asec_abc123", unusedDays: 90 },
  },
  "session.revoked": { targetType: "session", targetId: "s", targetName: "Firefox 131 on Windows 10", reason: "signed_out_by_user" },
  "device.forgotten": { targetType: "device", targetId: "d", metadata: { device: "Chrome on macOS" } },
  "two_factor.enrolment_started": { targetType: "two_factor_enrolment", targetId: "e" },
  "two_factor.enrolment_failed": { targetType: "two_factor_enrolment", targetId: "e", reason: "code_invalid" },
  "two_factor.enabled": { targetType: "user", targetId: OWNER },
  "two_factor.disabled": { targetType: "user", targetId: OWNER },
  "recovery_codes.regenerated": { targetType: "user", targetId: OWNER },
  "recovery_code.used": { reason: "sign in", metadata: { left: 7 } },
  "passkey.added": { targetType: "passkey", targetId: "p", metadata: { name: "MacBook", synced: true } },
  "passkey.renamed": { targetType: "passkey", targetId: "p", metadata: { name: "Work laptop" } },
  "passkey.removed": { targetType: "passkey", targetId: "p", metadata: { name: "MacBook" } },
  "passkey.assertion_refused": { targetType: "passkey", targetId: "p", targetName: "MacBook", reason: "verification_failed" },
  "email.change_requested": { targetType: "email_change", targetId: "e", metadata: { newEmail: "ne•••@example.test" } },
  "email.change_failed": { targetType: "email_change", targetId: "e", reason: "code_invalid" },
  "email.change_cancelled": { targetType: "email_change", targetId: "e" },
  "email.changed": { targetType: "email_change", targetId: "e", metadata: { from: "ow•••@example.test", to: "ne•••@example.test" } },
  "email.change_reported": {
    actorId: null,
    actorEmail: "old@example.test",
    targetType: "user",
    targetId: OWNER,
    reason: "reported_by_old_address",
    metadata: { emailChange: "e", signedOutSessions: 2 },
  },
  "password.change_failed": { reason: "wrong_password" },
  "password.changed": { targetType: "user", targetId: OWNER, metadata: { signedOutSessions: 1 } },
  "password.reset_requested": { targetType: "password_reset", targetId: "r", reason: "code_sent" },
  "password.reset_failed": { targetType: "password_reset", targetId: "r", reason: "code_invalid" },
  "password.reset": {
    targetType: "user",
    targetId: OWNER,
    reason: "two_factor:totp",
    metadata: { passwordReset: "r", signedOutSessions: 2 },
  },
  "password.reset_reported": {
    actorId: null,
    targetType: "user",
    targetId: OWNER,
    reason: "reported_by_owner",
    metadata: { passwordReset: "r", signedOutSessions: 1 },
  },
  "account.recovery_hold_blocked": {
    targetType: "user",
    targetId: OWNER,
    reason: "two_factor.disable",
    metadata: { until: "2026-03-06T10:00:00.000Z", after: "password_reset" },
  },
  "account.deleted": { targetType: "user", targetId: OWNER, metadata: { signedOutSessions: 1, deletedApiTokens: 2 } },
  "account.delete_failed": { targetType: "user", targetId: OWNER, reason: "email_mismatch" },
  "account.secured": {
    targetType: "user",
    targetId: OWNER,
    reason: "activity_report",
    metadata: { sessionsSignedOut: 2, challengesEnded: 1, grantsEnded: 0 },
  },
  "admin.audit_viewed": { metadata: { outcome: "FAILURE" } },
  "admin.audit_exported": { metadata: {} },
  "admin.access_denied": { reason: "admin.audit" },
  "admin.users_viewed": { metadata: {} },
  ...adminActions(),
  ...streamDestinationActions(),
  "audit.pruned": {
    actorId: null,
    actorEmail: MAINTENANCE_ACTOR,
    reason: "older_than_30_days",
    metadata: { deleted: 1234, cutoff: "2026-01-01T00:00:00.000Z" },
  },
};

/** An admin managing an audit stream destination (the owner reads them as their own admin history). */
function streamDestinationActions() {
  const destination = {
    targetType: "audit_stream_destination",
    targetId: "d",
    metadata: { name: "Splunk", endpoint: "https://siem.example.test/in" },
  };
  return {
    "audit_stream.created": { ...destination, metadata: { ...destination.metadata, batchSize: 100, start: "new" } },
    "audit_stream.updated": { ...destination, metadata: { ...destination.metadata, batchSize: 50, previous: { batchSize: 100 } } },
    "audit_stream.paused": destination,
    "audit_stream.resumed": { ...destination, metadata: { ...destination.metadata, wasAutoPaused: false } },
    "audit_stream.deleted": { ...destination, metadata: { ...destination.metadata, deliveredEvents: 1234 } },
    "audit_stream.test_sent": { ...destination, reason: "HTTP 500", metadata: { ...destination.metadata, status: 500 } },
    "audit_stream.auto_paused": {
      ...destination,
      actorId: null,
      actorEmail: MAINTENANCE_ACTOR,
      reason: "failing",
      metadata: { ...destination.metadata, failingMinutes: 1440, failingSince: "2026-01-01T00:00:00.000Z", lastError: "HTTP 500" },
    },
  } satisfies Record<string, Partial<DescribableEvent>>;
}

/** An admin acting on the owner's account: the admin is the actor, the owner the target. */
function adminActions() {
  const onOwner = { actorId: ADMIN, actorEmail: ADMIN_EMAIL, targetType: "user", targetId: OWNER, targetName: OWNER_EMAIL };
  return {
    "admin.user_signed_out": { ...onOwner, metadata: { sessions: 2, pendingSignIns: 0 } },
    "admin.user_tokens_revoked": { ...onOwner, metadata: { tokens: 3, prefixes: ["asec_abc123"] } },
    "admin.user_locks_cleared": { ...onOwner, metadata: { stepUpFailures: 4 } },
    "admin.user_two_factor_reset": {
      ...onOwner,
      reason: "lost phone",
      metadata: { authenticator: true, recoveryCodes: 10, enrolment: false, passkeys: 0 },
    },
    "admin.user_disabled": { ...onOwner, reason: "abuse", metadata: { sessions: 1 } },
    "admin.user_enabled": onOwner,
    "admin.user_email_changed": { ...onOwner, reason: "ticket 42", metadata: { from: "ow•••@example.test", to: "ne•••@example.test" } },
    "admin.token_revoked": { ...onOwner, metadata: { name: "ci-deploy", prefix: "asec_abc123" } },
  } satisfies Record<string, Partial<DescribableEvent>>;
}

describe("the event map", () => {
  it("has its own entry for every recorded type, and each type is in exactly one category", () => {
    for (const type of AUDIT_EVENT_TYPES) expect(isDescribedType(type), type).toBe(true);
    const categorised = (Object.keys(EVENT_CATEGORIES) as EventCategory[]).flatMap((category) => typesInCategory(category));
    expect([...categorised].sort()).toEqual([...AUDIT_EVENT_TYPES].sort());
    for (const category of Object.keys(EVENT_CATEGORIES) as EventCategory[]) {
      expect(typesInCategory(category).length, category).toBeGreaterThan(0);
      for (const type of typesInCategory(category)) expect(eventCategory(type)).toBe(category);
    }
  });

  it("is the admin page's groups: same keys, same labels", () => {
    expect(Object.keys(AUDIT_GROUPS)).toEqual(Object.keys(EVENT_CATEGORIES));
    for (const [key, label] of Object.entries(EVENT_CATEGORIES)) expect(AUDIT_GROUPS[key as EventCategory].label).toBe(label);
  });

  it("labels the categories from the catalog", () => {
    expect(categoryLabels(en)).toEqual({
      sign_in: "Sign-ins",
      step_up: "Step-up",
      tokens: "API tokens",
      two_step: "Two-step verification",
      passkeys: "Passkeys",
      account: "Email, password & account",
      sessions: "Sessions & devices",
      admin: "Admin actions",
    });
  });

  it("puts types where the brief says", () => {
    expect(eventCategory("device.forgotten")).toBe("sessions");
    expect(eventCategory("session.revoked")).toBe("sessions");
    expect(eventCategory("account.secured")).toBe("account");
    expect(eventCategory("recovery_code.used")).toBe("two_step");
    expect(eventCategory("admin.token_revoked")).toBe("admin");
    expect(eventCategory("audit.pruned")).toBe("admin");
    expect(eventCategory("api_token.auto_revoked")).toBe("tokens");
  });

  it("words every step-up action in lib/step-up/policy.ts", () => {
    for (const action of Object.keys(STEP_UP_POLICY)) expect(STEP_UP_ACTION_KEYS, action).toHaveProperty([action]);
  });

  it("describes a type it does not know with a generic sentence naming the type, never an empty one", () => {
    for (const viewpoint of [asOwner, asAdmin]) {
      const sentence = describeEvent(event({ type: "widget.frobbed" }), viewpoint);
      expect(sentence).toContain("widget.frobbed");
      expect(sentence.trim().length).toBeGreaterThan("widget.frobbed".length);
    }
    expect(isDescribedType("widget.frobbed")).toBe(false);
    expect(isDescribedType("toString")).toBe(false);
    expect(eventCategory("api_token.renamed")).toBe("tokens");
  });
});

describe("every type, both viewpoints, every outcome", () => {
  const cases = AUDIT_EVENT_TYPES.flatMap((type) => OUTCOMES.map((outcome) => [type, outcome] as const));
  it.each(cases)("%s (%s): a sentence of its own, without the raw type", (type, outcome) => {
    for (const viewpoint of [asOwner, asAdmin]) {
      const sentence = describeEvent(event({ ...SHAPES[type], type, outcome }), viewpoint);
      expect(sentence.trim(), viewpoint.kind).not.toBe("");
      expect(sentence).not.toContain(type);
      expect(sentence).not.toMatch(/undefined|null|NaN|\[object/);
      expect(sentence).not.toContain("security event");
    }
  });

  it.each(AUDIT_EVENT_TYPES)("%s: the owner never sees the admin's address, nor a field nobody chose to show", (type) => {
    for (const outcome of OUTCOMES) {
      const row = event({
        ...SHAPES[type],
        type,
        outcome,
        metadata: { ...SHAPES[type].metadata, secret: "xyz-secret", code: "482913", tokenHash: "deadbeefcafe" },
      });
      const mine = describeEvent(row, asOwner);
      const byAdmin = describeEvent({ ...row, actorId: ADMIN, actorEmail: ADMIN_EMAIL }, asOwner);
      for (const sentence of [mine, byAdmin, describeEvent(row, asAdmin)]) {
        expect(sentence).not.toContain("xyz-secret");
        expect(sentence).not.toContain("482913");
        expect(sentence).not.toContain("deadbeefcafe");
      }
      expect(mine).not.toContain(ADMIN_EMAIL);
      expect(byAdmin).not.toContain(ADMIN_EMAIL);
      expect(byAdmin).not.toMatch(/^You /);
    }
  });
});

describe("sentences", () => {
  const owner = (type: string, overrides: Partial<DescribableEvent> = {}) => describeEvent(event({ type, ...overrides }), asOwner);
  const admin = (type: string, overrides: Partial<DescribableEvent> = {}) => describeEvent(event({ type, ...overrides }), asAdmin);

  it("API tokens", () => {
    expect(owner("api_token.created", SHAPES["api_token.created"])).toBe('You created API token "ci-deploy" with scope profile:read');
    expect(admin("api_token.created", SHAPES["api_token.created"])).toBe(
      `${OWNER_EMAIL} created API token "ci-deploy" with scope profile:read`,
    );
    expect(owner("api_token.created", { metadata: { name: "ci", scopes: ["profile:read", "tokens:read"] } })).toBe(
      'You created API token "ci" with scopes profile:read, tokens:read',
    );
    expect(owner("api_token.revoked", SHAPES["api_token.revoked"])).toBe('You revoked API token "ci-deploy"');
    expect(owner("api_token.expiring_soon", SHAPES["api_token.expiring_soon"])).toBe(
      'We emailed you a reminder that your API token "ci-deploy" expires on May 1, 2026',
    );
    expect(admin("api_token.expiring_soon", { ...SHAPES["api_token.expiring_soon"], targetName: OWNER_EMAIL })).toBe(
      `Automatic maintenance emailed ${OWNER_EMAIL} a reminder that their API token "ci-deploy" expires on May 1, 2026`,
    );
    expect(owner("api_token.expired", SHAPES["api_token.expired"])).toBe('We emailed you that your API token "ci-deploy" has expired');
    expect(owner("api_token.auto_revoked", SHAPES["api_token.auto_revoked"])).toBe(
      'We revoked your API token "ci-deploy" after it went unused for 90 days',
    );
  });

  it("an admin's revocation of someone's token: the owner reads it without the admin; the admin's own history without the owner", () => {
    const revoked = {
      actorId: ADMIN,
      actorEmail: ADMIN_EMAIL,
      targetType: "api_token",
      targetId: "asec_abc123",
      reason: "revoked_by_admin",
      metadata: { tokenId: "t", name: "ci-deploy", ownerId: OWNER, ownerEmail: OWNER_EMAIL },
    };
    expect(owner("api_token.revoked", revoked)).toBe('An administrator revoked your API token "ci-deploy"');
    const adminsOwn = describeEvent(event({ type: "api_token.revoked", ...revoked }), { kind: "account", accountId: ADMIN });
    expect(adminsOwn).toBe("You revoked another account's API token");
    expect(admin("api_token.revoked", revoked)).toBe(`${ADMIN_EMAIL} revoked ${OWNER_EMAIL}'s API token "ci-deploy"`);
    expect(owner("admin.token_revoked", SHAPES["admin.token_revoked"])).toBe('An administrator revoked your API token "ci-deploy"');
    // A row about the account names its token only from its own fields, never with the account's address.
    expect(admin("admin.token_revoked", { ...SHAPES["admin.token_revoked"], metadata: { prefix: "asec_abc123" } })).toBe(
      `${ADMIN_EMAIL} revoked ${OWNER_EMAIL}'s API token`,
    );
  });

  it("admin actions on the account", () => {
    expect(owner("admin.user_two_factor_reset", SHAPES["admin.user_two_factor_reset"])).toBe(
      "An administrator reset your two-step verification",
    );
    expect(admin("admin.user_two_factor_reset", SHAPES["admin.user_two_factor_reset"])).toBe(
      `${ADMIN_EMAIL} reset ${OWNER_EMAIL}'s two-step verification`,
    );
    expect(owner("admin.user_signed_out", SHAPES["admin.user_signed_out"])).toBe("An administrator signed you out everywhere (2 sessions)");
    expect(owner("admin.user_disabled", SHAPES["admin.user_disabled"])).toBe("An administrator disabled your account");
    // The admin's typed reason is theirs to see, not part of the owner's sentence.
    expect(owner("admin.user_disabled", SHAPES["admin.user_disabled"])).not.toContain("abuse");
    const adminsOwn = describeEvent(event({ type: "admin.user_email_changed", ...SHAPES["admin.user_email_changed"] }), {
      kind: "account",
      accountId: ADMIN,
    });
    expect(adminsOwn).toBe("You changed another account's email address");
    expect(adminsOwn).not.toContain(OWNER_EMAIL);
    expect(adminsOwn).not.toContain("•");
  });

  it("failed attempts read as someone's; successes as yours", () => {
    expect(owner("auth.sign_in_failed", { outcome: "FAILURE", reason: "wrong_password" })).toBe(
      "Someone tried to sign in with a wrong password",
    );
    expect(admin("auth.sign_in_failed", { outcome: "FAILURE", reason: "wrong_password" })).toBe(
      `Someone tried to sign in as ${OWNER_EMAIL} with a wrong password`,
    );
    expect(
      owner("step_up.verify_failed", {
        outcome: "FAILURE",
        reason: "code_invalid",
        targetType: "step_up_challenge",
        metadata: { action: "email.change" },
      }),
    ).toBe("Someone entered a wrong code while trying to change your email address");
    expect(
      owner("step_up.verify_failed", {
        outcome: "FAILURE",
        reason: "code_invalid",
        targetType: "step_up_challenge",
        targetName: "change your email address to ne•••@example.test",
        metadata: { action: "email.change" },
      }),
    ).toBe("Someone entered a wrong code while trying to change your email address to ne•••@example.test");
    expect(
      admin("step_up.verify_failed", {
        outcome: "FAILURE",
        reason: "code_invalid",
        targetType: "step_up_challenge",
        targetName: 'revoke API token "your-token"',
        metadata: { action: "api_token.revoke" },
      }),
    ).toBe(`${OWNER_EMAIL} entered a wrong code while trying to revoke API token "your-token"`);
  });

  it("sign-ins", () => {
    expect(owner("auth.sign_in", { reason: "passkey" })).toBe("You signed in with a passkey");
    expect(owner("auth.sign_in", { metadata: { newDevice: true } })).toContain("You signed in from a new device");
    expect(owner("auth.sign_in", {})).toBe("You signed in with your password");
    expect(owner("auth.sign_in", { reason: "two_factor:recovery_code" })).toBe("You signed in with your password and a recovery code");
    expect(owner("auth.sign_in", { metadata: { newDevice: "yes" } })).not.toContain("new device");
  });

  it("sessions, devices and securing the account", () => {
    expect(owner("session.revoked", SHAPES["session.revoked"])).toBe("You signed out your session on Firefox 131 on Windows 10");
    expect(owner("device.forgotten", SHAPES["device.forgotten"])).toBe("You removed Chrome on macOS from your known devices");
    expect(owner("account.secured", SHAPES["account.secured"])).toBe(
      "You secured your account from the activity page: 2 sessions signed out, 1 pending confirmation cancelled",
    );
    expect(owner("account.secured", { ...SHAPES["account.secured"], actorId: null, reason: "new_device_email" })).toBe(
      "Your account was secured from the new-device email: 2 sessions signed out, 1 pending confirmation cancelled",
    );
  });

  it("maintenance", () => {
    expect(admin("audit.pruned", SHAPES["audit.pruned"])).toBe("Automatic maintenance deleted 1,234 audit events from before Jan 1, 2026");
  });

  it("quotes user-chosen names and bounds them", () => {
    const long = "x".repeat(200);
    const sentence = owner("passkey.added", { targetType: "passkey", metadata: { name: `${long}\n\u0007` } });
    expect(sentence).toBe(`You added passkey "${"x".repeat(60)}…"`);
    expect(owner("passkey.renamed", { metadata: { name: 'Work "laptop"' } })).toBe('You renamed a passkey to "Work "laptop""');
  });

  it("never tells the owner an address they asked to move to is taken (the admin is told)", () => {
    const taken = { reason: "address_taken", metadata: { newEmail: "ta•••@example.test" } };
    expect(owner("email.change_requested", taken)).toBe("You asked to change your email address to ta•••@example.test");
    expect(admin("email.change_requested", taken)).toContain("already has an account");
  });

  it("a deleted actor is named as such for the admin", () => {
    expect(admin("two_factor.enabled", { actorEmail: null })).toBe("A deleted account turned on two-step verification");
  });

  it("step-up: the action's words when the challenge is gone, the challenge's own when it is known", () => {
    const verified = { ...SHAPES["step_up.verified"], metadata: { action: "email.change", proofs: ["email_code", "authenticator"] } };
    expect(owner("step_up.verified", verified)).toBe(
      "You confirmed the request to change your email address with the emailed code and an authenticator code",
    );
    expect(admin("step_up.verified", verified)).toBe(
      `${OWNER_EMAIL} confirmed the request to change their email address with the emailed code and an authenticator code`,
    );
    expect(owner("step_up.challenge_sent", { ...SHAPES["step_up.challenge_sent"], reason: "constructor" })).toBe(
      "You started a confirmation to make a security change",
    );
    expect(owner("step_up.locked", { ...SHAPES["step_up.locked"], outcome: "BLOCKED" })).toBe(
      "Step-up on your account was locked for a while after 10 wrong answers in a row",
    );
    expect(admin("step_up.locked", { ...SHAPES["step_up.locked"], outcome: "BLOCKED", actorEmail: null })).toBe(
      "Step-up on the account was locked for a while after 10 wrong answers in a row",
    );
  });

  it("a challenge described by a stored phrase reads in the caller's words; unread, as the action's", () => {
    const phrase = encodePhrase({ key: "phrases.apiTokenRevoke", values: { name: "ci-deploy" } });
    const failed = {
      ...SHAPES["step_up.verify_failed"],
      outcome: "FAILURE" as const,
      targetName: phrase,
      metadata: { action: "api_token.revoke" },
    };
    const rendered: DescribeOptions = { phrase: (text) => (text === phrase ? 'revoke API token "ci-deploy"' : "?") };
    expect(describeEvent(event({ type: "step_up.verify_failed", ...failed }), asOwner, rendered)).toBe(
      'Someone entered a wrong code while trying to revoke API token "ci-deploy"',
    );
    expect(owner("step_up.verify_failed", failed)).toBe("Someone entered a wrong code while trying to revoke an API token");
    expect(owner("recovery_code.used", { reason: phrase, metadata: { left: 3 } })).toBe("You used a recovery code; 3 left");
    expect(describeEvent(event({ type: "recovery_code.used", reason: phrase, metadata: { left: 0 } }), asOwner, rendered)).toBe(
      'You used a recovery code to revoke API token "ci-deploy"; none left',
    );
    expect(admin("recovery_code.used", { reason: "reset your password" })).toBe(
      `${OWNER_EMAIL} used a recovery code to reset their password`,
    );
  });

  it("days in sentences are UTC days, whatever the translator's time zone", () => {
    const tokyo = createTranslator({
      locale: "en",
      messages: CATALOGS.en,
      namespace: "auditEvents",
      timeZone: "Pacific/Kiritimati",
    }) as unknown as Translate<"auditEvents">;
    const row = event({ type: "audit.pruned", ...SHAPES["audit.pruned"], metadata: { deleted: 1, cutoff: "2026-01-01T23:30:00.000Z" } });
    expect(describeIn(row, asAdmin, tokyo)).toBe("Automatic maintenance deleted 1 audit event from before Jan 1, 2026");
  });
});
