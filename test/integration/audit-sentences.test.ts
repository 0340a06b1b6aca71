import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Locale } from "@/i18n/locales";
import { encodePhrase } from "@/i18n/phrase";
import { displayPrefix, generateToken } from "@/lib/api-tokens/format";
import { listAccountActivity, listAuditEvents, listAuditFeedPage, streamAuditEvents } from "@/lib/audit/query";
import { recordAuditEvent, type AuditEventInput } from "@/lib/audit/record";
import { targetNamesOf } from "@/lib/audit/target-names";
import { sha256Hex } from "@/lib/crypto";
import { db } from "@/lib/db";
import type { RequestMeta } from "@/lib/http/request-meta";
import { AUDIT_EVENT_TYPES, type AuditEventDto } from "@/shared/audit";
import {
  DELETED_ACCOUNT_NAME,
  EVENT_CATEGORIES,
  MAINTENANCE_ACTOR,
  type AccountActivityDto,
  type EventCategory,
} from "@/shared/audit-events";
import { newSession, newUser, type TestUser } from "@/test/helpers/step-up";
import { statementsOf } from "@/tooling/sql-statements";

afterAll(async () => {
  const { disconnectDb } = await import("@/lib/db");
  await disconnectDb();
});

const OWNER_AGENT = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:131.0) Gecko/20100101 Firefox/131.0";
const ADMIN_AGENT = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36";
const ownerMeta: RequestMeta = { ip: "198.51.100.20", userAgent: OWNER_AGENT };
const adminMeta: RequestMeta = { ip: "203.0.113.99", userAgent: ADMIN_AGENT };
const noMeta: RequestMeta = { ip: null, userAgent: null };

type World = {
  owner: TestUser;
  admin: TestUser;
  bystander: TestUser;
  erased: TestUser;
  sessionId: string;
  challengeId: string;
  passkeyId: string;
  prefix: string;
  /** The id of each row written, by a label. */
  ids: Map<string, string>;
};

let world: World;

async function allAuditEvents(locale?: Locale): Promise<AuditEventDto[]> {
  const events: AuditEventDto[] = [];
  let cursor: string | undefined;
  for (let guard = 0; guard < 50; guard++) {
    const page = await listAuditEvents({ cursor }, locale);
    events.push(...page.events);
    if (!page.nextCursor) return events;
    cursor = page.nextCursor;
  }
  throw new Error("pagination did not end");
}

async function allActivity(accountId: string, category?: EventCategory, locale?: Locale): Promise<AccountActivityDto[]> {
  const events: AccountActivityDto[] = [];
  let cursor: string | undefined;
  for (let guard = 0; guard < 50; guard++) {
    const page = await listAccountActivity(accountId, { category, cursor }, locale);
    events.push(...page.events);
    if (!page.nextCursor) return events;
    cursor = page.nextCursor;
  }
  throw new Error("pagination did not end");
}

/** One row of every type, shaped as its call site in lib/ writes it. */
function rows(w: Omit<World, "ids">): [label: string, event: AuditEventInput][] {
  const { owner, admin, bystander, erased, sessionId, challengeId, passkeyId, prefix } = w;
  const me = { actor: owner, meta: ownerMeta };
  const onOwner = { actor: admin, meta: adminMeta, target: { type: "user", id: owner.id } };
  const maintenance = { actor: { email: MAINTENANCE_ACTOR }, meta: noMeta, target: { type: "user", id: owner.id } };
  const challenge = { type: "step_up_challenge", id: challengeId };
  const token = { name: "ci-deploy", prefix, expiresAt: "2026-05-01T00:00:00.000Z" };
  return [
    [
      "auth.sign_up",
      {
        type: "auth.sign_up",
        actor: { email: owner.email },
        target: { type: "sign_up_request", id: randomUUID() },
        reason: "code_sent",
        meta: ownerMeta,
      },
    ],
    ["auth.email_verified", { type: "auth.email_verified", ...me, target: { type: "user", id: owner.id } }],
    ["auth.sign_in", { type: "auth.sign_in", ...me, target: { type: "session", id: sessionId }, metadata: { newDevice: true } }],
    [
      "auth.sign_in_failed",
      {
        type: "auth.sign_in_failed",
        outcome: "FAILURE",
        actor: { id: owner.id, email: owner.email },
        reason: "wrong_password",
        meta: ownerMeta,
      },
    ],
    ["auth.sign_out", { type: "auth.sign_out", ...me, target: { type: "session", id: sessionId }, reason: "sign_out" }],
    [
      "auth.second_factor_required",
      { type: "auth.second_factor_required", ...me, target: { type: "sign_in_challenge", id: randomUUID() } },
    ],
    ["step_up.challenge_sent", { type: "step_up.challenge_sent", ...me, target: challenge, reason: "api_token.create" }],
    ["step_up.challenge_resent", { type: "step_up.challenge_resent", ...me, target: challenge, reason: "api_token.create" }],
    [
      "step_up.verify_failed",
      {
        type: "step_up.verify_failed",
        outcome: "FAILURE",
        ...me,
        target: challenge,
        reason: "code_invalid",
        metadata: { action: "api_token.create" },
      },
    ],
    [
      "step_up.expired",
      {
        type: "step_up.expired",
        outcome: "FAILURE",
        ...me,
        target: challenge,
        reason: "code_expired",
        metadata: { action: "api_token.create" },
      },
    ],
    [
      "step_up.locked",
      {
        type: "step_up.locked",
        outcome: "BLOCKED",
        ...me,
        target: challenge,
        reason: "10_failures",
        metadata: { action: "api_token.create" },
      },
    ],
    ["step_up.rate_limited", { type: "step_up.rate_limited", outcome: "BLOCKED", ...me, reason: "password.change" }],
    [
      "step_up.verified",
      {
        type: "step_up.verified",
        ...me,
        target: challenge,
        reason: "sudo",
        metadata: { action: "api_token.create", proofs: ["email_code"] },
      },
    ],
    [
      "step_up.grant_used",
      { type: "step_up.grant_used", ...me, target: { type: "step_up_grant", id: randomUUID() }, reason: "api_token.create" },
    ],
    ["step_up.cancelled", { type: "step_up.cancelled", ...me, target: challenge, reason: "dismissed" }],
    [
      "step_up.reported",
      { type: "step_up.reported", outcome: "BLOCKED", ...me, target: { type: "session", id: sessionId }, reason: "api_token.create" },
    ],
    [
      "api_token.created",
      {
        type: "api_token.created",
        ...me,
        target: { type: "api_token", id: prefix },
        metadata: { tokenId: randomUUID(), name: "ci-deploy", scopes: ["profile:read"], expiresAt: token.expiresAt },
      },
    ],
    // Written without the name in its metadata: the name comes from the token itself.
    ["api_token.revoked", { type: "api_token.revoked", ...me, target: { type: "api_token", id: prefix } }],
    ["api_token.expiring_soon", { type: "api_token.expiring_soon", ...maintenance, metadata: token }],
    ["api_token.expired", { type: "api_token.expired", ...maintenance, metadata: token }],
    ["api_token.auto_revoked", { type: "api_token.auto_revoked", ...maintenance, metadata: { name: "ci-deploy", prefix, unusedDays: 90 } }],
    ["session.revoked", { type: "session.revoked", ...me, target: { type: "session", id: sessionId }, reason: "signed_out_by_user" }],
    [
      "device.forgotten",
      { type: "device.forgotten", ...me, target: { type: "device", id: randomUUID() }, metadata: { device: "Chrome on macOS" } },
    ],
    [
      "two_factor.enrolment_started",
      { type: "two_factor.enrolment_started", ...me, target: { type: "two_factor_enrolment", id: randomUUID() } },
    ],
    [
      "two_factor.enrolment_failed",
      {
        type: "two_factor.enrolment_failed",
        outcome: "FAILURE",
        ...me,
        target: { type: "two_factor_enrolment", id: randomUUID() },
        reason: "code_invalid",
      },
    ],
    ["two_factor.enabled", { type: "two_factor.enabled", ...me, target: { type: "user", id: owner.id } }],
    ["two_factor.disabled", { type: "two_factor.disabled", ...me, target: { type: "user", id: owner.id } }],
    ["recovery_codes.regenerated", { type: "recovery_codes.regenerated", ...me, target: { type: "user", id: owner.id } }],
    ["recovery_code.used", { type: "recovery_code.used", ...me, reason: "sign in", metadata: { left: 9 } }],
    [
      "passkey.added",
      { type: "passkey.added", ...me, target: { type: "passkey", id: passkeyId }, metadata: { name: "MacBook", synced: true } },
    ],
    ["passkey.renamed", { type: "passkey.renamed", ...me, target: { type: "passkey", id: passkeyId }, metadata: { name: "Work laptop" } }],
    ["passkey.removed", { type: "passkey.removed", ...me, target: { type: "passkey", id: passkeyId }, metadata: { name: "Work laptop" } }],
    [
      "passkey.assertion_refused",
      {
        type: "passkey.assertion_refused",
        outcome: "BLOCKED",
        ...me,
        target: { type: "passkey", id: passkeyId },
        reason: "verification_failed",
      },
    ],
    [
      "email.change_requested",
      {
        type: "email.change_requested",
        ...me,
        target: { type: "email_change", id: randomUUID() },
        metadata: { newEmail: "ne•••@example.test" },
      },
    ],
    [
      "email.change_failed",
      {
        type: "email.change_failed",
        outcome: "FAILURE",
        ...me,
        target: { type: "email_change", id: randomUUID() },
        reason: "code_invalid",
      },
    ],
    ["email.change_cancelled", { type: "email.change_cancelled", ...me, target: { type: "email_change", id: randomUUID() } }],
    [
      "email.changed",
      {
        type: "email.changed",
        ...me,
        target: { type: "email_change", id: randomUUID() },
        metadata: { from: "ow•••@example.test", to: "ne•••@example.test", holdUntil: null },
      },
    ],
    [
      "email.change_reported",
      {
        type: "email.change_reported",
        outcome: "BLOCKED",
        actor: { email: "previous@example.test" },
        target: { type: "user", id: owner.id },
        reason: "reported_by_old_address",
        meta: ownerMeta,
        metadata: { emailChange: randomUUID(), signedOutSessions: 2 },
      },
    ],
    ["password.change_failed", { type: "password.change_failed", outcome: "FAILURE", ...me, reason: "wrong_password" }],
    ["password.changed", { type: "password.changed", ...me, target: { type: "user", id: owner.id }, metadata: { signedOutSessions: 1 } }],
    [
      "password.reset_requested",
      {
        type: "password.reset_requested",
        actor: { id: owner.id, email: owner.email },
        target: { type: "password_reset", id: randomUUID() },
        reason: "code_sent",
        meta: ownerMeta,
      },
    ],
    [
      "password.reset_failed",
      {
        type: "password.reset_failed",
        outcome: "FAILURE",
        ...me,
        target: { type: "password_reset", id: randomUUID() },
        reason: "code_invalid",
      },
    ],
    [
      "password.reset",
      {
        type: "password.reset",
        ...me,
        target: { type: "user", id: owner.id },
        reason: "two_factor:totp",
        metadata: { passwordReset: randomUUID(), signedOutSessions: 2, holdUntil: null },
      },
    ],
    [
      "password.reset_reported",
      {
        type: "password.reset_reported",
        outcome: "BLOCKED",
        actor: { email: owner.email },
        target: { type: "user", id: owner.id },
        reason: "reported_by_owner",
        meta: ownerMeta,
        metadata: { passwordReset: randomUUID(), signedOutSessions: 1 },
      },
    ],
    [
      "account.recovery_hold_blocked",
      {
        type: "account.recovery_hold_blocked",
        outcome: "BLOCKED",
        ...me,
        target: { type: "user", id: owner.id },
        reason: "two_factor.disable",
        metadata: { until: "2026-03-06T10:00:00.000Z", after: "password_reset" },
      },
    ],
    [
      "account.deleted",
      {
        type: "account.deleted",
        actor: erased,
        target: { type: "user", id: erased.id },
        meta: noMeta,
        metadata: { signedOutSessions: 0, deletedApiTokens: 0 },
      },
    ],
    [
      "account.delete_failed",
      { type: "account.delete_failed", outcome: "FAILURE", ...me, target: { type: "user", id: owner.id }, reason: "email_mismatch" },
    ],
    [
      "account.secured",
      {
        type: "account.secured",
        ...me,
        target: { type: "user", id: owner.id },
        reason: "activity_report",
        metadata: { sessionsSignedOut: 2, challengesEnded: 1, grantsEnded: 1 },
      },
    ],
    ["admin.audit_viewed", { type: "admin.audit_viewed", actor: admin, meta: adminMeta, metadata: { email: bystander.email } }],
    ["admin.audit_exported", { type: "admin.audit_exported", actor: admin, meta: adminMeta, metadata: {} }],
    ["admin.access_denied", { type: "admin.access_denied", outcome: "BLOCKED", actor: bystander, reason: "admin.audit", meta: ownerMeta }],
    ["admin.users_viewed", { type: "admin.users_viewed", actor: admin, meta: adminMeta, metadata: {} }],
    ["admin.user_signed_out", { type: "admin.user_signed_out", ...onOwner, metadata: { sessions: 2, pendingSignIns: 0 } }],
    ["admin.user_tokens_revoked", { type: "admin.user_tokens_revoked", ...onOwner, metadata: { tokens: 1, prefixes: [prefix] } }],
    ["admin.user_locks_cleared", { type: "admin.user_locks_cleared", ...onOwner, metadata: { stepUpFailures: 3 } }],
    [
      "admin.user_two_factor_reset",
      {
        type: "admin.user_two_factor_reset",
        ...onOwner,
        reason: "lost phone",
        metadata: { authenticator: true, recoveryCodes: 10, enrolment: false, passkeys: 0 },
      },
    ],
    ["admin.user_disabled", { type: "admin.user_disabled", ...onOwner, reason: "abuse report", metadata: { sessions: 1 } }],
    ["admin.user_enabled", { type: "admin.user_enabled", ...onOwner }],
    [
      "admin.user_email_changed",
      {
        type: "admin.user_email_changed",
        ...onOwner,
        reason: "ticket 42",
        metadata: { from: "ow•••@example.test", to: "ne•••@example.test", sessions: 1, holdUntil: null },
      },
    ],
    ["admin.token_revoked", { type: "admin.token_revoked", ...onOwner, metadata: { name: "ci-deploy", prefix } }],
    [
      "audit.pruned",
      {
        type: "audit.pruned",
        actor: { email: MAINTENANCE_ACTOR },
        reason: "older_than_30_days",
        meta: noMeta,
        metadata: { deleted: 12, cutoff: "2026-01-01T00:00:00.000Z" },
      },
    ],
    ...streamDestinationRows(admin),
    // Beside them: another account's own events, and an admin action on it.
    ["bystander.sign_in", { type: "auth.sign_in", actor: bystander, target: { type: "user", id: bystander.id }, meta: ownerMeta }],
    [
      "bystander.disabled",
      { type: "admin.user_disabled", actor: admin, target: { type: "user", id: bystander.id }, meta: adminMeta, metadata: { sessions: 0 } },
    ],
    [
      "erased.disabled",
      { type: "admin.user_disabled", actor: admin, target: { type: "user", id: erased.id }, meta: adminMeta, metadata: { sessions: 0 } },
    ],
  ];
}

/** An admin managing an audit stream destination, as lib/audit-stream writes it. */
function streamDestinationRows(admin: TestUser): [label: string, event: AuditEventInput][] {
  const target = { type: "audit_stream_destination", id: randomUUID() };
  const named = { name: "Splunk", endpoint: "https://siem.example.test/ingest" };
  const byAdmin = { actor: admin, meta: adminMeta, target };
  return [
    ["audit_stream.created", { type: "audit_stream.created", ...byAdmin, metadata: { ...named, batchSize: 100, start: "new" } }],
    [
      "audit_stream.updated",
      { type: "audit_stream.updated", ...byAdmin, metadata: { ...named, batchSize: 50, previous: { batchSize: 100 } } },
    ],
    ["audit_stream.paused", { type: "audit_stream.paused", ...byAdmin, metadata: named }],
    ["audit_stream.resumed", { type: "audit_stream.resumed", ...byAdmin, metadata: { ...named, wasAutoPaused: true } }],
    ["audit_stream.deleted", { type: "audit_stream.deleted", ...byAdmin, metadata: { ...named, deliveredEvents: 12 } }],
    [
      "audit_stream.test_sent",
      { type: "audit_stream.test_sent", outcome: "FAILURE", ...byAdmin, reason: "HTTP 500", metadata: { ...named, status: 500 } },
    ],
    [
      "audit_stream.auto_paused",
      {
        type: "audit_stream.auto_paused",
        actor: { email: MAINTENANCE_ACTOR },
        target,
        reason: "failing",
        meta: noMeta,
        metadata: { ...named, failingSince: "2026-01-01T00:00:00.000Z", failingMinutes: 1440, lastError: "HTTP 500" },
      },
    ],
  ];
}

beforeAll(async () => {
  const [owner, admin, bystander, erased] = await Promise.all([
    newUser("owner"),
    newUser("admin"),
    newUser("bystander"),
    newUser("erased"),
  ]);
  await db.user.update({ where: { id: admin.id }, data: { role: "ADMIN" } });
  const session = await newSession(owner, ownerMeta);
  const plaintext = generateToken();
  const prefix = displayPrefix(plaintext);
  await db.apiToken.create({
    data: {
      userId: owner.id,
      name: "ci-deploy",
      displayPrefix: prefix,
      tokenHash: sha256Hex(plaintext),
      scopes: ["profile:read"],
      expiresAt: new Date(Date.now() + 86_400_000),
    },
  });
  const passkeyId = randomUUID();
  await db.passkey.create({
    data: {
      id: passkeyId,
      userId: owner.id,
      credentialId: randomBytes(16).toString("base64url"),
      publicKey: new Uint8Array(randomBytes(32)),
      aaguid: "00000000-0000-0000-0000-000000000000",
      deviceType: "multiDevice",
      backedUp: true,
      name: "Work laptop",
    },
  });
  const challengeId = randomUUID();
  await db.stepUpChallenge.create({
    data: {
      id: challengeId,
      userId: owner.id,
      sessionId: session.id,
      action: "api_token.create",
      payloadHash: randomBytes(32).toString("hex"),
      description: 'create API token "ci-deploy"',
      details: { Token: "ci-deploy" },
      cancelTokenHash: randomBytes(32).toString("hex"),
      expiresAt: new Date(Date.now() + 600_000),
    },
  });
  const base = { owner, admin, bystander, erased, sessionId: session.id, challengeId, passkeyId, prefix };
  const written = rows(base);
  for (const [, event] of written) await db.$transaction((tx) => recordAuditEvent(tx, event));
  await db.user.update({ where: { id: erased.id }, data: { deletedAt: new Date(), email: `deleted-${erased.id}@deleted.invalid` } });
  const inserted = await db.auditEvent.findMany({ orderBy: { id: "asc" }, select: { id: true } });
  expect(inserted).toHaveLength(written.length);
  world = { ...base, ids: new Map(written.map(([label], index) => [label, inserted[index]?.id.toString() ?? ""])) };
});

const rowOf = <T extends { id: string }>(events: T[], label: string): T => {
  const found = events.find((event) => event.id === world.ids.get(label));
  if (!found) throw new Error(`no row ${label}`);
  return found;
};

describe("the admin audit page's rows", () => {
  it("writes one row of every type (the fixture covers the map)", () => {
    const labels = [...world.ids.keys()].filter((label) => (AUDIT_EVENT_TYPES as readonly string[]).includes(label));
    expect(labels.sort()).toEqual([...AUDIT_EVENT_TYPES].sort());
  });

  it("gives every row a sentence of its own, without its raw type, beside the raw type", async () => {
    const events = await allAuditEvents();
    expect(events).toHaveLength(world.ids.size);
    for (const event of events) {
      expect(event.sentence.trim(), event.type).not.toBe("");
      expect(event.sentence, event.type).not.toContain(event.type);
      expect(event.sentence, event.type).not.toContain("security event");
    }
  });

  it("names targets: the token's name (not its prefix), the passkey's, the session's device, the challenge's description, the account's email", async () => {
    const events = await allAuditEvents();
    const { owner, prefix } = world;

    const revoked = rowOf(events, "api_token.revoked");
    expect(revoked.targetName).toBe("ci-deploy");
    expect(revoked.target).toBe(`api_token: ${prefix}`);
    expect(revoked.sentence).toBe(`${owner.email} revoked API token "ci-deploy"`);
    expect(rowOf(events, "api_token.created").sentence).toBe(`${owner.email} created API token "ci-deploy" with scope profile:read`);
    for (const event of events) expect(event.sentence).not.toContain(prefix);

    // The name at the time from the row; the passkey's current name when the row has none.
    expect(rowOf(events, "passkey.added").targetName).toBe("MacBook");
    expect(rowOf(events, "passkey.assertion_refused").targetName).toBe("Work laptop");
    expect(rowOf(events, "session.revoked")).toMatchObject({ targetName: "Firefox 131 on Windows 10" });
    expect(rowOf(events, "session.revoked").sentence).toBe(`${owner.email} signed out their session on Firefox 131 on Windows 10`);
    expect(rowOf(events, "step_up.verify_failed")).toMatchObject({
      targetName: 'create API token "ci-deploy"',
      sentence: `${owner.email} entered a wrong code while trying to create API token "ci-deploy"`,
    });
    expect(rowOf(events, "device.forgotten").targetName).toBe("Chrome on macOS");
    expect(rowOf(events, "admin.user_two_factor_reset")).toMatchObject({
      targetName: owner.email,
      sentence: `${world.admin.email} reset ${owner.email}'s two-step verification`,
    });
    expect(rowOf(events, "erased.disabled").targetName).toBe(DELETED_ACCOUNT_NAME);
    expect(rowOf(events, "api_token.auto_revoked").sentence).toBe(
      `Automatic maintenance revoked ${owner.email}'s API token "ci-deploy" after it went unused for 90 days`,
    );
    expect(rowOf(events, "audit.pruned")).toMatchObject({
      targetName: null,
      sentence: "Automatic maintenance deleted 12 audit events from before Jan 1, 2026",
    });
    // A deleted actor is "a deleted account", never the address it had.
    expect(rowOf(events, "account.deleted").sentence).toBe("A deleted account deleted their account");
  });

  it("looks up names with one query per target type, not per row", async () => {
    const targets = Array.from({ length: 40 }, (_, i) => ({
      targetType: i % 2 ? "session" : "passkey",
      targetId: i % 2 ? world.sessionId : world.passkeyId,
      metadata: null,
    }));
    const { value: names, statements } = await statementsOf(() => targetNamesOf(targets));
    expect(names).toEqual(targets.map((target) => (target.targetType === "session" ? "Firefox 131 on Windows 10" : "Work laptop")));
    expect(statements.filter((statement) => /^\s*SELECT/i.test(statement.text))).toHaveLength(2);
    expect(
      await targetNamesOf([
        { targetType: "passkey", targetId: "unknown" },
        { targetType: null, targetId: null },
      ]),
    ).toEqual([null, null]);
  });
});

describe("listAccountActivity", () => {
  it("holds the account's own events and what was done to it, and nothing of any other account", async () => {
    const { owner, bystander } = world;
    const activity = await allActivity(owner.id);
    const expected = await db.$queryRaw<{ id: bigint }[]>`
      SELECT id FROM audit_events WHERE actor_id = ${owner.id}::uuid OR (target_type = 'user' AND target_id = ${owner.id})
      ORDER BY created_at DESC, id DESC`;
    expect(activity.map((event) => event.id)).toEqual(expected.map((row) => row.id.toString()));
    expect(activity.length).toBeGreaterThan(50);
    const ids = new Set(activity.map((event) => event.id));
    for (const other of [
      "bystander.sign_in",
      "bystander.disabled",
      "erased.disabled",
      "admin.access_denied",
      "admin.audit_viewed",
      "account.deleted",
    ])
      expect(ids.has(world.ids.get(other) ?? ""), other).toBe(false);
    for (const event of activity) {
      expect(event.sentence.trim()).not.toBe("");
      expect(event.category in EVENT_CATEGORIES).toBe(true);
      expect(event.sentence).not.toContain(world.admin.email);
      expect(event.sentence).not.toContain(bystander.email);
    }
  });

  it("words it for the owner; an administrator is never named, and neither their IP nor their device is shown", async () => {
    const activity = await allActivity(world.owner.id);
    const reset = rowOf(activity, "admin.user_two_factor_reset");
    expect(reset).toMatchObject({
      sentence: "An administrator reset your two-step verification",
      category: "admin",
      outcome: "SUCCESS",
      byAdmin: true,
      ip: null,
      device: "—",
    });
    for (const event of activity.filter((row) => row.byAdmin)) {
      expect(event.ip).toBeNull();
      expect(event.device).toBe("—");
      expect(event.sentence).toMatch(/^An administrator /);
    }
    expect(JSON.stringify(activity)).not.toContain(world.admin.email);
    expect(JSON.stringify(activity)).not.toContain(adminMeta.ip ?? "");
    expect(JSON.stringify(activity)).not.toContain("lost phone");

    expect(rowOf(activity, "api_token.created")).toMatchObject({
      sentence: 'You created API token "ci-deploy" with scope profile:read',
      category: "tokens",
      ip: ownerMeta.ip,
      device: "Firefox 131 on Windows 10",
      byAdmin: false,
    });
    expect(rowOf(activity, "api_token.revoked").sentence).toBe('You revoked API token "ci-deploy"');
    expect(rowOf(activity, "auth.sign_in").sentence).toContain("You signed in from a new device");
    expect(rowOf(activity, "auth.sign_in_failed")).toMatchObject({
      sentence: "Someone tried to sign in with a wrong password",
      outcome: "FAILURE",
    });
    expect(rowOf(activity, "step_up.verify_failed").sentence).toBe(
      'Someone entered a wrong code while trying to create API token "ci-deploy"',
    );
    expect(rowOf(activity, "admin.token_revoked").sentence).toBe('An administrator revoked your API token "ci-deploy"');
    expect(rowOf(activity, "api_token.expiring_soon")).toMatchObject({
      sentence: 'We emailed you a reminder that your API token "ci-deploy" expires on May 1, 2026',
      byAdmin: false,
    });
    expect(rowOf(activity, "account.secured").sentence).toBe(
      "You secured your account from the activity page: 2 sessions signed out, 1 pending confirmation cancelled, 1 recent confirmation ended",
    );
  });

  it("an admin's own history names none of the accounts they acted on", async () => {
    const activity = await allActivity(world.admin.id);
    expect(activity.map((event) => rowLabel(event.id)).sort()).toEqual(
      [
        "admin.audit_viewed",
        "admin.audit_exported",
        "admin.users_viewed",
        "admin.user_signed_out",
        "admin.user_tokens_revoked",
        "admin.user_locks_cleared",
        "admin.user_two_factor_reset",
        "admin.user_disabled",
        "admin.user_enabled",
        "admin.user_email_changed",
        "admin.token_revoked",
        "audit_stream.created",
        "audit_stream.updated",
        "audit_stream.paused",
        "audit_stream.resumed",
        "audit_stream.deleted",
        "audit_stream.test_sent",
        "bystander.disabled",
        "erased.disabled",
      ].sort(),
    );
    for (const event of activity) {
      expect(event.byAdmin).toBe(false);
      for (const other of [world.owner.email, world.bystander.email, "•", "ci-deploy"]) expect(event.sentence).not.toContain(other);
    }
    expect(rowOf(activity, "admin.user_two_factor_reset").sentence).toBe("You reset another account's two-step verification");
  });

  it.each(Object.keys(EVENT_CATEGORIES) as EventCategory[])(
    "category %s: exactly the account's events of that category",
    async (category) => {
      const all = await allActivity(world.owner.id);
      const filtered = await allActivity(world.owner.id, category);
      expect(filtered.map((event) => event.id)).toEqual(all.filter((event) => event.category === category).map((event) => event.id));
      for (const event of filtered) expect(event.category).toBe(category);
    },
  );

  it("pages of 50, newest first, and ignores a cursor it did not make", async () => {
    const first = await listAccountActivity(world.owner.id, {});
    expect(first.events).toHaveLength(50);
    expect(first.nextCursor).toBeTruthy();
    const second = await listAccountActivity(world.owner.id, { cursor: first.nextCursor ?? undefined });
    expect(second.events.length).toBeGreaterThan(0);
    expect(second.events.some((event) => first.events.some((seen) => seen.id === event.id))).toBe(false);
    expect(await listAccountActivity(world.owner.id, { cursor: "garbage" })).toEqual(first);
    expect(await listAccountActivity(randomUUID(), {})).toEqual({ events: [], nextCursor: null });
  });
});

describe("in the reader's language", () => {
  it("the admin page and its export in the admin's, the owner's page in the owner's, the feed always in English", async () => {
    const { owner } = world;
    const german = await allAuditEvents("de");
    expect(rowOf(german, "api_token.created").sentence).toBe(
      `${owner.email} hat das API-Token „ci-deploy“ mit dem Bereich profile:read erstellt`,
    );
    expect(rowOf(german, "audit.pruned").sentence).toBe(
      "Die automatische Wartung hat 12 Audit-Ereignisse aus der Zeit vor dem 01.01.2026 gelöscht",
    );
    // A challenge described before phrases keeps the English words it was written in.
    expect(rowOf(german, "step_up.verify_failed").sentence).toBe(
      `${owner.email} hat beim Versuch, create API token "ci-deploy", einen falschen Code eingegeben`,
    );
    const exported: AuditEventDto[] = [];
    for await (const batch of streamAuditEvents({}, 37, "de")) exported.push(...batch);
    expect(exported.map((event) => event.sentence)).toEqual(german.map((event) => event.sentence));

    const activity = await allActivity(owner.id, undefined, "de");
    expect(rowOf(activity, "api_token.created").sentence).toBe("Sie haben das API-Token „ci-deploy“ mit dem Bereich profile:read erstellt");
    expect(rowOf(activity, "admin.user_two_factor_reset").sentence).toBe(
      "Ein Administrator hat Ihre Zwei-Schritt-Verifizierung zurückgesetzt",
    );
    for (const event of activity) expect(event.sentence).not.toContain(world.admin.email);

    const english = await allAuditEvents();
    const feed = await listAuditFeedPage({}, 500);
    expect(feed.events.map((event) => event.message)).toEqual(english.map((event) => event.sentence));
  });

  it("a challenge described by a stored phrase reads in each reader's language, and in English in the feed", async () => {
    const { owner, sessionId } = world;
    const challengeId = randomUUID();
    await db.stepUpChallenge.create({
      data: {
        id: challengeId,
        userId: owner.id,
        sessionId,
        action: "api_token.revoke",
        payloadHash: randomBytes(32).toString("hex"),
        description: encodePhrase({ key: "phrases.apiTokenRevoke", values: { name: "ci-deploy" } }),
        details: {},
        cancelTokenHash: randomBytes(32).toString("hex"),
        expiresAt: new Date(Date.now() + 600_000),
      },
    });
    await db.$transaction((tx) =>
      recordAuditEvent(tx, {
        type: "step_up.verify_failed",
        outcome: "FAILURE",
        actor: owner,
        meta: ownerMeta,
        target: { type: "step_up_challenge", id: challengeId },
        reason: "code_invalid",
        metadata: { action: "api_token.revoke" },
      }),
    );
    const newest = async (locale: Locale) => (await listAuditEvents({ account: owner.id }, locale)).events[0]?.sentence;
    expect(await newest("en")).toBe(`${owner.email} entered a wrong code while trying to revoke API token "ci-deploy"`);
    expect(await newest("de")).toBe(
      `${owner.email} hat beim Versuch, das API-Token „ci-deploy“ zu widerrufen, einen falschen Code eingegeben`,
    );
    const activity = await listAccountActivity(owner.id, {}, "de");
    expect(activity.events[0]?.sentence).toBe(
      "Jemand hat beim Versuch, das API-Token „ci-deploy“ zu widerrufen, einen falschen Code eingegeben",
    );
    const feed = await listAuditFeedPage({ account: owner.id }, 1);
    expect(feed.events[0]?.message).toBe(`${owner.email} entered a wrong code while trying to revoke API token "ci-deploy"`);
  });
});

function rowLabel(id: string): string {
  return [...world.ids.entries()].find(([, value]) => value === id)?.[0] ?? id;
}
