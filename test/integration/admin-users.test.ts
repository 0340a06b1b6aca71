import { afterAll, beforeEach, describe, expect, it } from "vitest";
import {
  adminChangeUserEmailAction,
  adminClearUserLocksAction,
  adminDisableUserAction,
  adminEnableUserAction,
  adminResetUserTwoFactorAction,
  adminRevokeUserTokensAction,
  adminSignOutUserAction,
} from "@/actions/admin-users";
import { GET as exportCsv } from "@/app/admin/audit/export/route";
import AdminUserPage from "@/app/admin/users/[id]/page";
import AdminUsersPage from "@/app/admin/users/page";
import { GET as me } from "@/app/api/v1/me/route";
import { disableUser } from "@/lib/admin-users/disable";
import { listUsers } from "@/lib/admin-users/list";
import { resetUserTwoFactor } from "@/lib/admin-users/reset-two-factor";
import { createApiToken } from "@/lib/api-tokens/create";
import { generateToken } from "@/lib/api-tokens/format";
import { listAuditEvents } from "@/lib/audit/query";
import { recordAuditEvent } from "@/lib/audit/record";
import { hashPassword } from "@/lib/auth/password";
import { signInWithPassword } from "@/lib/auth/sign-in";
import { secondFactorAccountKey, signInAccountKey } from "@/lib/auth/sign-in-limits";
import { db, disconnectDb } from "@/lib/db";
import { getEnv } from "@/lib/env";
import type { RequestContext } from "@/lib/http/context";
import { resolveSession } from "@/lib/sessions/lifecycle";
import { initialActionState, type ActionState } from "@/shared/action-state";
import { auditFilterQuery, parseAuditFilter } from "@/shared/audit";
import { AppError } from "@/shared/errors";
import { meta, randomEmail, STRONG_PASSWORD } from "@/test/helpers/fixtures";
import { request, sameOriginHeaders } from "@/test/helpers/next-request";
import {
  completeStepUp,
  expectAppError,
  latestStepUpCode,
  newContext,
  newSession,
  newStepUpUser,
  tokenRequest,
  triggerChallenge,
  type TestUser,
} from "@/test/helpers/step-up";
import { enableTwoFactorFor, storedTwoFactorSecret } from "@/test/helpers/two-factor";
import { proofs, withProof } from "@/tooling/app-client";

afterAll(disconnectDb);

beforeEach(() => {
  request.state = { session: null, headers: sameOriginHeaders(getEnv().APP_URL), deferred: [] };
});

type Action = (previous: ActionState, input: Record<string, unknown>) => Promise<ActionState>;

async function newAdmin(label = "admin"): Promise<{ admin: TestUser; context: RequestContext }> {
  const { user, context } = await newStepUpUser(label);
  await db.user.update({ where: { id: user.id }, data: { role: "ADMIN" } });
  const session = await resolveSession(context.session.id);
  if (!session) throw new Error("admin session did not resolve");
  return { admin: user, context: { ...context, session } };
}

/** A user who can sign in with STRONG_PASSWORD. */
async function newAccount(label = "member"): Promise<TestUser> {
  return db.user.create({
    data: { email: randomEmail(label), passwordHash: await hashPassword(STRONG_PASSWORD), emailVerifiedAt: new Date() },
    select: { id: true, email: true },
  });
}

/**
 * As the console runs an action: the first call changes nothing and asks for the admin's code
 * (`unchanged` checks that), the second sends the code from the admin's inbox with the same input.
 */
async function withAdminCode(
  action: Action,
  input: Record<string, unknown>,
  { admin, context }: { admin: TestUser; context: RequestContext },
  unchanged: () => Promise<void>,
): Promise<ActionState> {
  request.state.session = context.session;
  const first = await action(initialActionState, input);
  expect(first).toMatchObject({ ok: false, status: "step_up_required", challenge: { action: expect.stringMatching(/^admin\.user\./) } });
  await unchanged();
  if (!first.challenge) throw new Error("no challenge");
  return action(initialActionState, withProof(input, first.challenge, await latestStepUpCode(admin.email)));
}

const userEvents = (type: string, userId: string) =>
  db.auditEvent.findMany({ where: { type, targetType: "user", targetId: userId }, orderBy: { id: "asc" } });
const notices = (to: string, subject: string) => db.emailOutbox.count({ where: { to, subject } });
const bearer = (token: string) => me(new Request("http://localhost/api/v1/me", { headers: { authorization: `Bearer ${token}` } }));

async function tokensOf(user: TestUser, names: string[]): Promise<string[]> {
  const context = await newContext(user);
  await completeStepUp(context, "api_token.create", tokenRequest(names[0]));
  const tokens: string[] = [];
  for (const name of names) tokens.push((await createApiToken(context, tokenRequest(name))).token);
  return tokens;
}

async function expectOneEventAndNotice(type: string, target: TestUser, admin: TestUser, subject: string, reason?: string) {
  const events = await userEvents(type, target.id);
  expect(events).toHaveLength(1);
  expect(events[0]).toMatchObject({
    actorId: admin.id,
    actorEmail: admin.email,
    targetType: "user",
    targetId: target.id,
    outcome: "SUCCESS",
  });
  if (reason) expect(events[0]?.reason).toBe(reason);
  expect(await notices(target.email, subject)).toBe(1);
}

describe("each action needs the admin's own step-up, changes what it says, and is recorded and announced once", () => {
  it("sign out everywhere: every session of the account stops resolving", async () => {
    const target = await newAccount("sign-out");
    const sessions = [await newSession(target), await newSession(target)];
    const admin = await newAdmin();
    const result = await withAdminCode(adminSignOutUserAction, { userId: target.id }, admin, async () => {
      for (const session of sessions) expect(await resolveSession(session.id)).not.toBeNull();
    });
    expect(result).toMatchObject({ ok: true, message: "Signed out 2 sessions. The owner was told." });
    for (const session of sessions) expect(await resolveSession(session.id)).toBeNull();
    await expectOneEventAndNotice("admin.user_signed_out", target, admin.admin, "An administrator signed you out everywhere");
  });

  it("revoke all tokens: each active token gets the same 401 as an unknown one, each revocation on record", async () => {
    const target = await newAccount("tokens");
    const tokens = await tokensOf(target, ["deploy", "backup"]);
    const admin = await newAdmin();
    const result = await withAdminCode(adminRevokeUserTokensAction, { userId: target.id }, admin, async () => {
      for (const token of tokens) expect((await bearer(token)).status).toBe(200);
    });
    expect(result).toMatchObject({ ok: true, message: expect.stringMatching(/^2 tokens revoked/) });
    const unknown = await (await bearer(generateToken())).json();
    for (const token of tokens) {
      const response = await bearer(token);
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual(unknown);
    }
    expect(await db.auditEvent.count({ where: { type: "api_token.revoked", actorId: admin.admin.id, reason: "revoked_by_admin" } })).toBe(
      2,
    );
    await expectOneEventAndNotice("admin.user_tokens_revoked", target, admin.admin, "An administrator revoked your API tokens");
  });

  it("clear locks: the password works again, step-up's failures and lock are gone; the list showed the locks first", async () => {
    const target = await newAccount("locked");
    await db.$executeRaw`INSERT INTO rate_limits (key, window_start, count) VALUES
      (${signInAccountKey(target.email)}, now(), 5), (${secondFactorAccountKey(target.id)}, now(), 5)`;
    await db.user.update({
      where: { id: target.id },
      data: { stepUpFailures: 3, stepUpLockouts: 2, stepUpLockedUntil: new Date(Date.now() + 30 * 60_000) },
    });
    const [listed] = (await listUsers({ email: target.email })).users;
    expect(listed?.locks.signIn?.secondsLeft).toBeGreaterThan(14 * 60);
    expect(listed?.locks.secondFactor?.secondsLeft).toBeLessThanOrEqual(15 * 60);
    expect(listed?.locks.stepUp?.secondsLeft).toBeGreaterThan(29 * 60);

    const admin = await newAdmin();
    const result = await withAdminCode(adminClearUserLocksAction, { userId: target.id }, admin, async () => {
      expect(await signInWithPassword({ email: target.email, password: STRONG_PASSWORD }, meta())).toMatchObject({ code: "RATE_LIMITED" });
    });
    expect(result).toMatchObject({ ok: true, message: "Locks cleared. The owner was told." });
    expect(await db.rateLimit.count({ where: { key: { in: [signInAccountKey(target.email), secondFactorAccountKey(target.id)] } } })).toBe(
      0,
    );
    expect(await db.user.findUniqueOrThrow({ where: { id: target.id } })).toMatchObject({
      stepUpFailures: 0,
      stepUpLockouts: 0,
      stepUpLockedUntil: null,
    });
    expect(await signInWithPassword({ email: target.email, password: STRONG_PASSWORD }, meta())).toMatchObject({ ok: true });
    expect((await listUsers({ email: target.email })).users[0]?.locks).toEqual({ signIn: null, secondFactor: null, stepUp: null });
    await expectOneEventAndNotice("admin.user_locks_cleared", target, admin.admin, "An administrator cleared your account's locks");
  });

  it("reset two-step verification: a reason is required; secret, recovery codes and a set-up in progress are gone", async () => {
    const target = await newAccount("two-factor");
    await enableTwoFactorFor(target);
    const session = await newSession(target);
    await db.twoFactorEnrolment.create({
      data: { userId: target.id, sessionId: session.id, secret: "sealed-pending-secret", expiresAt: new Date(Date.now() + 600_000) },
    });
    const admin = await newAdmin();
    request.state.session = admin.context.session;
    expect(await adminResetUserTwoFactorAction(initialActionState, { userId: target.id, reason: "  " })).toMatchObject({
      ok: false,
      code: "VALIDATION_FAILED",
      fieldErrors: { reason: ["Say why, for the audit log"] },
    });

    const reason = "Lost phone; identity checked on a video call, ticket 4411";
    const result = await withAdminCode(adminResetUserTwoFactorAction, { userId: target.id, reason }, admin, async () => {
      expect(await storedTwoFactorSecret(target.id)).not.toBeNull();
    });
    expect(result).toMatchObject({ ok: true });
    expect(await storedTwoFactorSecret(target.id)).toBeNull();
    expect(await db.user.findUniqueOrThrow({ where: { id: target.id } })).toMatchObject({ twoFactorEnabledAt: null, totpLastStep: null });
    expect(await db.recoveryCode.count({ where: { userId: target.id } })).toBe(0);
    expect(await db.twoFactorEnrolment.count({ where: { userId: target.id } })).toBe(0);
    await expectOneEventAndNotice("admin.user_two_factor_reset", target, admin.admin, "Your two-step verification was reset", reason);
  });

  it("disable: the password is refused, the session stops resolving, the token gets the unknown token's 401; re-enable undoes it", async () => {
    const target = await newAccount("disabled");
    const [token = ""] = await tokensOf(target, ["ci"]);
    const session = await newSession(target);
    const admin = await newAdmin();
    const reason = "Reported as compromised, ticket 5120";
    const result = await withAdminCode(adminDisableUserAction, { userId: target.id, reason }, admin, async () => {
      expect(await resolveSession(session.id)).not.toBeNull();
      expect((await bearer(token)).status).toBe(200);
    });
    expect(result).toMatchObject({ ok: true, message: "Account disabled and signed out everywhere. The owner was told." });

    expect(await signInWithPassword({ email: target.email, password: STRONG_PASSWORD }, meta())).toEqual({
      ok: false,
      code: "ACCOUNT_DISABLED",
    });
    expect(await resolveSession(session.id)).toBeNull();
    const refused = await bearer(token);
    const unknown = await bearer(generateToken());
    expect([refused.status, await refused.json(), refused.headers.get("www-authenticate")]).toEqual([
      unknown.status,
      await unknown.json(),
      unknown.headers.get("www-authenticate"),
    ]);
    await expectOneEventAndNotice("admin.user_disabled", target, admin.admin, "Your account was disabled", reason);
    expect((await listUsers({ email: target.email })).users[0]?.status).toBe("disabled");
    expect((await listUsers({ email: target.email, status: "active" })).users).toEqual([]);

    const other = await newAdmin("enabler");
    const enabled = await withAdminCode(adminEnableUserAction, { userId: target.id }, other, async () => {
      expect((await db.user.findUniqueOrThrow({ where: { id: target.id } })).disabledAt).not.toBeNull();
    });
    expect(enabled).toMatchObject({ ok: true, message: "Account re-enabled. The owner was told." });
    expect(await signInWithPassword({ email: target.email, password: STRONG_PASSWORD }, meta())).toMatchObject({ ok: true });
    await expectOneEventAndNotice("admin.user_enabled", target, other.admin, "Your account was re-enabled");
  });

  it("change email: a taken address is refused saying so; a free one takes over at once, with the recovery hold and both addresses told", async () => {
    const target = await newAccount("moving");
    const taken = await newAccount("taken");
    const session = await newSession(target);
    const admin = await newAdmin();
    request.state.session = admin.context.session;
    const reason = "Old mailbox closed by employer; identity checked in person";
    expect(await adminChangeUserEmailAction(initialActionState, { userId: target.id, newEmail: taken.email, reason })).toMatchObject({
      ok: false,
      code: "VALIDATION_FAILED",
      fieldErrors: { newEmail: ["Another account already uses this address"] },
    });
    expect(await db.stepUpChallenge.count({ where: { userId: admin.admin.id } })).toBe(0);

    const newEmail = randomEmail("moved");
    const result = await withAdminCode(
      adminChangeUserEmailAction,
      { userId: target.id, newEmail: newEmail.toUpperCase(), reason },
      admin,
      async () => {
        expect((await db.user.findUniqueOrThrow({ where: { id: target.id } })).email).toBe(target.email);
      },
    );
    expect(result).toMatchObject({ ok: true, message: expect.stringContaining(newEmail) });
    const moved = await db.user.findUniqueOrThrow({ where: { id: target.id } });
    expect(moved.email).toBe(newEmail);
    expect(moved.recoveryHoldUntil?.getTime()).toBeGreaterThan(Date.now());
    expect(moved.recoveryHoldReason).toBe("email_change");
    expect(await resolveSession(session.id)).toBeNull();
    expect(await signInWithPassword({ email: newEmail, password: STRONG_PASSWORD }, meta())).toMatchObject({ ok: true });

    const [event] = await userEvents("admin.user_email_changed", target.id);
    expect(event).toMatchObject({ actorId: admin.admin.id, reason });
    expect(JSON.stringify(event?.metadata)).not.toContain(newEmail);
    expect(await notices(target.email, "Your account's email address was changed")).toBe(1);
    expect(await notices(newEmail, "This address now signs in to your account")).toBe(1);
  });
});

describe("who may act, and on whom", () => {
  it("an admin cannot act on their own account: every action refuses, before any code is sent", async () => {
    const { admin, context } = await newAdmin("self");
    request.state.session = context.session;
    const self = { userId: admin.id };
    const withReason = { ...self, reason: "testing" };
    for (const [action, input] of [
      [adminSignOutUserAction, self],
      [adminRevokeUserTokensAction, self],
      [adminClearUserLocksAction, self],
      [adminResetUserTwoFactorAction, withReason],
      [adminDisableUserAction, withReason],
      [adminEnableUserAction, self],
      [adminChangeUserEmailAction, { ...withReason, newEmail: randomEmail("elsewhere") }],
      // The same id in capitals is the same account to Postgres.
      [adminDisableUserAction, { ...withReason, userId: admin.id.toUpperCase() }],
    ] as const) {
      expect(await action(initialActionState, input)).toMatchObject({ ok: false, code: "OWN_ACCOUNT" });
    }
    expect(await db.stepUpChallenge.count({ where: { userId: admin.id } })).toBe(0);
    expect((await db.user.findUniqueOrThrow({ where: { id: admin.id } })).disabledAt).toBeNull();
    expect(await resolveSession(context.session.id)).not.toBeNull();
  });

  it("a signed-in non-admin gets NOT_FOUND from every action and the ordinary 404 from the pages, each recorded as admin.access_denied", async () => {
    const target = await newAccount("victim");
    const { user, context } = await newStepUpUser("intruder");
    request.state.session = context.session;
    for (const action of [adminSignOutUserAction, adminDisableUserAction, adminChangeUserEmailAction] as const) {
      expect(await action(initialActionState, { userId: target.id, reason: "x", newEmail: randomEmail("x") })).toMatchObject({
        ok: false,
        code: "NOT_FOUND",
      });
    }
    const notFound = expect.objectContaining({ digest: expect.stringContaining("404") });
    await expect(AdminUsersPage({ searchParams: Promise.resolve({}) })).rejects.toEqual(notFound);
    await expect(AdminUserPage({ params: Promise.resolve({ id: target.id }) })).rejects.toEqual(notFound);
    const denied = await db.auditEvent.findMany({ where: { type: "admin.access_denied", actorId: user.id }, orderBy: { id: "asc" } });
    expect(denied.map((event) => event.reason)).toEqual([
      "admin.users.sign_out",
      "admin.users.disable",
      "admin.users.change_email",
      "admin.users",
      "admin.users",
    ]);
    expect(denied.every((event) => event.outcome === "BLOCKED")).toBe(true);
    expect(await db.stepUpChallenge.count({ where: { userId: user.id } })).toBe(0);
    expect((await db.user.findUniqueOrThrow({ where: { id: target.id } })).disabledAt).toBeNull();
  });

  it("an admin sees both pages (each view recorded); a deleted account is neither listed nor acted on", async () => {
    const target = await newAccount("viewed");
    const gone = await newAccount("gone");
    await db.user.update({ where: { id: gone.id }, data: { deletedAt: new Date() } });
    const { admin, context } = await newAdmin("viewer");
    request.state.session = context.session;
    await expect(AdminUsersPage({ searchParams: Promise.resolve({ email: "viewed-" }) })).resolves.toBeTruthy();
    await expect(AdminUserPage({ params: Promise.resolve({ id: target.id }) })).resolves.toBeTruthy();
    const views = await db.auditEvent.findMany({ where: { type: "admin.users_viewed", actorId: admin.id }, orderBy: { id: "asc" } });
    expect(views.map((view) => view.metadata)).toEqual([{ email: "viewed-" }, { userId: target.id }]);

    expect((await listUsers({ email: gone.email })).users).toEqual([]);
    await expect(AdminUserPage({ params: Promise.resolve({ id: gone.id }) })).rejects.toEqual(
      expect.objectContaining({ digest: expect.stringContaining("404") }),
    );
    expect(await adminDisableUserAction(initialActionState, { userId: gone.id, reason: "x" })).toMatchObject({
      ok: false,
      code: "NOT_FOUND",
    });
  });
});

/** Each admin asks for a challenge to do `input` to the target, as the first click does, and reads their code. */
async function provenBy(context: RequestContext, challenge: Promise<{ id: string }>): Promise<RequestContext> {
  const { id } = await challenge;
  return { ...context, proof: { challengeId: id, proofs: proofs(await latestStepUpCode(context.session.user.email)) } };
}

describe("two admins at once", () => {
  it("disabling the same user (each with their own code): one change, one audit row, one notice", async () => {
    const target = await newAccount("contested");
    const reason = "Abuse report 77";
    const [first, second] = await Promise.all([newAdmin("first"), newAdmin("second")]);
    const payload = { userId: target.id, email: target.email, reason };
    const proven = await Promise.all(
      [first, second].map(({ context }) => provenBy(context, triggerChallenge(context, "admin.user.disable", payload))),
    );
    const outcomes = await Promise.all(proven.map((context) => disableUser(context, target.id, reason)));
    expect(outcomes.map((outcome) => outcome.changed).sort()).toEqual([false, true]);
    expect(await userEvents("admin.user_disabled", target.id)).toHaveLength(1);
    expect(await notices(target.email, "Your account was disabled")).toBe(1);
  });

  it("resetting the same user's two-step verification: one change, one audit row, one notice", async () => {
    const target = await newAccount("contested-2fa");
    await enableTwoFactorFor(target);
    const reason = "Lost phone, ticket 78";
    const [first, second] = await Promise.all([newAdmin("first"), newAdmin("second")]);
    const payload = { userId: target.id, email: target.email, reason };
    const proven = await Promise.all(
      [first, second].map(({ context }) => provenBy(context, triggerChallenge(context, "admin.user.reset_two_factor", payload))),
    );
    const outcomes = await Promise.all(proven.map((context) => resetUserTwoFactor(context, target.id, reason)));
    expect(outcomes.map((outcome) => outcome.changed).sort()).toEqual([false, true]);
    expect(await userEvents("admin.user_two_factor_reset", target.id)).toHaveLength(1);
    expect(await notices(target.email, "Your two-step verification was reset")).toBe(1);
  });
});

describe("the last active admin", () => {
  /** Only these admins exist: every other account in this file's database is demoted. */
  async function onlyAdmins(count: number) {
    await db.user.updateMany({ where: { role: "ADMIN" }, data: { role: "USER" } });
    return Promise.all(Array.from({ length: count }, (_, index) => newAdmin(`only-${index}`)));
  }
  const activeAdmins = () => db.user.count({ where: { role: "ADMIN", disabledAt: null, deletedAt: null } });

  /** The only two admins, each with a step-up proven for disabling the other. */
  async function adminsEachProvenToDisableTheOther() {
    const [a, b] = await onlyAdmins(2);
    if (!a || !b) throw new Error("two admins");
    const reason = "Rotation";
    const provenA = await provenBy(
      a.context,
      triggerChallenge(a.context, "admin.user.disable", { userId: b.admin.id, email: b.admin.email, reason }),
    );
    const provenB = await provenBy(
      b.context,
      triggerChallenge(b.context, "admin.user.disable", { userId: a.admin.id, email: a.admin.email, reason }),
    );
    return { a, b, provenA, provenB, reason };
  }

  it("two admins disabling each other at once: exactly one succeeds, one active admin is left", async () => {
    const { a, b, provenA, provenB, reason } = await adminsEachProvenToDisableTheOther();
    const settled = await Promise.allSettled([disableUser(provenA, b.admin.id, reason), disableUser(provenB, a.admin.id, reason)]);

    const won = settled.filter((result) => result.status === "fulfilled" && result.value.changed);
    const lost = settled.flatMap((result) => (result.status === "rejected" ? [result.reason] : []));
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    // The loser was signed out by the winner's change, or found itself the last admin standing.
    expect(lost[0]).toBeInstanceOf(AppError);
    expect(["UNAUTHENTICATED", "LAST_ADMIN"]).toContain((lost[0] as AppError).code);
    expect(await activeAdmins()).toBe(1);
    expect(await db.auditEvent.count({ where: { type: "admin.user_disabled", targetId: { in: [a.admin.id, b.admin.id] } } })).toBe(1);
  });

  it("an admin disabled by the other before their own code is checked is told they were signed out, not that the code is wrong", async () => {
    const { a, b, provenA, provenB, reason } = await adminsEachProvenToDisableTheOther();

    await disableUser(provenA, b.admin.id, reason);

    // Disabling b ended b's sessions and b's challenge with them.
    await expectAppError(disableUser(provenB, a.admin.id, reason), "UNAUTHENTICATED");
    expect(await activeAdmins()).toBe(1);
  });

  it("nobody can disable or reset two-step verification of the last active admin, even with a valid step-up", async () => {
    const [a, b] = await onlyAdmins(2);
    if (!a || !b) throw new Error("two admins");
    await enableTwoFactorFor(b.admin);
    await completeStepUp(a.context, "admin.user.disable", { userId: b.admin.id, email: b.admin.email, reason: "x" });
    // A was disabled a moment after its request was let in (its sudo window still open): B is the last active admin.
    await db.user.update({ where: { id: a.admin.id }, data: { disabledAt: new Date() } });

    await expect(disableUser(a.context, b.admin.id, "x")).rejects.toMatchObject({ code: "LAST_ADMIN" });
    await expect(resetUserTwoFactor(a.context, b.admin.id, "x")).rejects.toMatchObject({ code: "LAST_ADMIN" });
    expect(await db.user.findUniqueOrThrow({ where: { id: b.admin.id } })).toMatchObject({
      disabledAt: null,
      twoFactorEnabledAt: expect.any(Date),
    });
    expect(
      await db.auditEvent.count({ where: { type: { in: ["admin.user_disabled", "admin.user_two_factor_reset"] }, targetId: b.admin.id } }),
    ).toBe(0);
  });
});

describe("finding accounts", () => {
  it("searches by email prefix and pages 50 at a time by email, without overlap or gaps", async () => {
    const prefix = `page-${crypto.randomUUID().slice(0, 8)}-`;
    const emails = Array.from({ length: 57 }, (_, index) => `${prefix}${String(index).padStart(2, "0")}@example.test`);
    await db.user.createMany({ data: emails.map((email) => ({ email, passwordHash: "x", emailVerifiedAt: new Date() })) });
    await newAccount("unrelated");

    const first = await listUsers({ email: prefix });
    expect(first.users).toHaveLength(50);
    expect(first.nextCursor).not.toBeNull();
    const second = await listUsers({ email: prefix, cursor: first.nextCursor ?? undefined });
    expect(second.users).toHaveLength(7);
    expect(second.nextCursor).toBeNull();
    expect([...first.users, ...second.users].map((user) => user.email)).toEqual([...emails].sort());
    // A cursor this list never wrote is the first page, not an error.
    expect((await listUsers({ email: prefix, cursor: "not base64!" })).users[0]?.email).toBe(emails[0]);
  });

  it("shows each account's sessions, tokens, two-step state and last sign-in", async () => {
    const target = await newAccount("facts");
    await enableTwoFactorFor(target);
    await tokensOf(target, ["one", "two"]);
    await newSession(target, { ip: "198.51.100.44", userAgent: "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) Firefox/131.0" });
    const [row] = (await listUsers({ email: target.email })).users;
    expect(row).toMatchObject({
      email: target.email,
      status: "active",
      twoFactor: { authenticator: true, recoveryCodesLeft: 10 },
      activeSessions: 2,
      activeTokens: 2,
      lastSignIn: { ip: "198.51.100.44", device: expect.stringContaining("Firefox 131") },
    });
  });
});

describe("the audit log for one account", () => {
  it("holds what the account did and what was done to it, and nothing of anyone else; the export agrees", async () => {
    const target = await newAccount("audited");
    const bystander = await newAccount("bystander");
    const { admin } = await newAdmin("auditor");
    const event = (type: "auth.sign_in" | "admin.user_locks_cleared", actor: TestUser, targetId: string) =>
      db.$transaction((tx) => recordAuditEvent(tx, { type, actor, target: { type: "user", id: targetId }, meta: meta() }));
    await event("auth.sign_in", target, target.id);
    await event("admin.user_locks_cleared", admin, target.id);
    await event("auth.sign_in", bystander, bystander.id);
    await event("admin.user_locks_cleared", admin, bystander.id);

    const { events } = await listAuditEvents({ account: target.id });
    expect(events.map((row) => [row.type, row.actorEmail])).toEqual([
      ["admin.user_locks_cleared", admin.email],
      ["auth.sign_in", target.email],
    ]);

    const { context } = await newAdmin("exporter");
    request.state.session = context.session;
    const csv = await (await exportCsv(new Request(`${getEnv().APP_URL}/admin/audit/export?account=${target.id}`))).text();
    expect(csv.split("\r\n").filter(Boolean)).toHaveLength(3);
    expect(csv).not.toContain(bystander.email);
  });

  it("takes the account from the URL as a lower-case id, drops anything else, and keeps it in links", () => {
    const id = crypto.randomUUID();
    expect(parseAuditFilter({ account: id.toUpperCase(), outcome: "FAILURE" })).toEqual({ account: id, outcome: "FAILURE" });
    for (const junk of ["x", `${id}'--`, "00000000-0000-0000-0000-00000000000g"]) expect(parseAuditFilter({ account: junk })).toEqual({});
    expect(auditFilterQuery({ account: id, group: "admin" })).toBe(`?account=${id}&group=admin`);
  });

  it("names an actor whose account was deleted by id, never by the stored address", async () => {
    const target = await newAccount("erased");
    await db.$transaction((tx) => recordAuditEvent(tx, { type: "auth.sign_in", actor: target, meta: meta() }));
    await db.user.update({ where: { id: target.id }, data: { deletedAt: new Date(), email: `deleted-${target.id}@deleted.invalid` } });
    const { events } = await listAuditEvents({ account: target.id });
    expect(events[0]).toMatchObject({ actorEmail: null, deletedActorId: target.id });
  });
});
