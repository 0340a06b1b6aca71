import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { changePasswordAction } from "@/actions/account";
import { changePassword } from "@/lib/account/change-password";
import { hashPassword, verifyPassword } from "@/lib/auth/password";
import { signInWithPassword } from "@/lib/auth/sign-in";
import { db } from "@/lib/db";
import { listMailboxMessages } from "@/lib/email/mailbox";
import { getEnv } from "@/lib/env";
import type { RequestContext } from "@/lib/http/context";
import { resolveSession } from "@/lib/sessions/lifecycle";
import type { ChangePasswordInput } from "@/shared/account";
import { initialActionState, type ActionState } from "@/shared/action-state";
import { AppError } from "@/shared/errors";
import type { StepUpChallengeDto } from "@/shared/step-up";
import { captureConsole } from "@/test/helpers/capture-console";
import { meta, randomEmail, STRONG_PASSWORD } from "@/test/helpers/fixtures";
import { request, sameOriginHeaders } from "@/test/helpers/next-request";
import {
  ageRateLimits,
  auditCount,
  dumpDatabase,
  EMAIL_CODE_AND_SECOND_FACTOR,
  expectAppError,
  expectStepUpRequired,
  latestStepUpCode,
  newContext,
  newSession,
  resetSendLimit,
  stepUpEmails,
  verifyStepUp,
  type TestUser,
} from "@/test/helpers/step-up";
import { enableTwoFactorFor, totpCode } from "@/test/helpers/two-factor";
import { proofs } from "@/tooling/app-client";

vi.hoisted(() => {
  // Log everything the app is willing to log: the sweep reads it all.
  process.env.LOG_LEVEL = "debug";
});

afterAll(async () => {
  const { disconnectDb } = await import("@/lib/db");
  await disconnectDb();
});

const NEW_PASSWORD = "maple-harbour-quartz-77";
const OTHER_PASSWORD = "copper-meadow-signal-19";
const CHANGED_SUBJECT = "Your password was changed";

/** A user who can sign in with STRONG_PASSWORD, and one signed-in session. */
async function passwordUser(label: string): Promise<{ user: TestUser; context: RequestContext }> {
  const user = await db.user.create({
    data: { email: randomEmail(label), passwordHash: await hashPassword(STRONG_PASSWORD), emailVerifiedAt: new Date() },
    select: { id: true, email: true },
  });
  return { user, context: await newContext(user) };
}

function input(newPassword: string, overrides: Partial<ChangePasswordInput> = {}): ChangePasswordInput {
  return { currentPassword: STRONG_PASSWORD, newPassword, signOutOtherSessions: true, ...overrides };
}

/** The change asks for step-up; the emailed code is entered. Returns the challenge. */
async function approve(context: RequestContext, change: ChangePasswordInput): Promise<StepUpChallengeDto> {
  await resetSendLimit(context.session.user.id);
  const challenge = await expectStepUpRequired(changePassword(context, change));
  expect(challenge.action).toBe("password.change");
  await verifyStepUp(context, { challengeId: challenge.id, proofs: proofs(await latestStepUpCode(context.session.user.email)) });
  return challenge;
}

async function passwordIs(userId: string, password: string): Promise<boolean> {
  const { passwordHash } = await db.user.findUniqueOrThrow({ where: { id: userId }, select: { passwordHash: true } });
  return verifyPassword(passwordHash, password);
}

describe("the current password", () => {
  it("a wrong one is refused with a field error, audited, and sends no code", async () => {
    const { user, context } = await passwordUser("pw-wrong");
    const error = await expectAppError(
      changePassword(context, input(NEW_PASSWORD, { currentPassword: "not-my-password-at-all" })),
      "WRONG_PASSWORD",
    );
    expect(error.details.fieldErrors?.currentPassword?.length).toBeGreaterThan(0);
    expect(await stepUpEmails(user.email)).toHaveLength(0);
    expect(await db.stepUpChallenge.count({ where: { userId: user.id } })).toBe(0);
    expect(await db.auditEvent.findFirstOrThrow({ where: { type: "password.change_failed", actorId: user.id } })).toMatchObject({
      outcome: "FAILURE",
      reason: "wrong_password",
    });
    expect(await passwordIs(user.id, STRONG_PASSWORD)).toBe(true);
  });

  it("wrong guesses count like sign-in guesses: the 6th try in the window is refused even with the right password", async () => {
    const { user, context } = await passwordUser("pw-limit");
    for (let i = 0; i < 5; i++)
      await expectAppError(changePassword(context, input(NEW_PASSWORD, { currentPassword: `wrong-password-${i}` })), "WRONG_PASSWORD");

    const limited = await expectAppError(changePassword(context, input(NEW_PASSWORD)), "RATE_LIMITED");
    expect(limited.details.retryAfterSeconds).toBeGreaterThan(0);
    expect(await stepUpEmails(user.email)).toHaveLength(0);
    expect(await db.auditEvent.count({ where: { type: "password.change_failed", actorId: user.id } })).toBe(6);
    expect(
      await db.auditEvent.count({
        where: { type: "password.change_failed", actorId: user.id, outcome: "BLOCKED", reason: "rate_limited" },
      }),
    ).toBe(1);
    // The same budget as signing in: the right password there is held back too.
    expect(await signInWithPassword({ email: user.email, password: STRONG_PASSWORD }, meta("198.51.100.60"))).toMatchObject({
      ok: false,
      code: "RATE_LIMITED",
    });
    expect(await passwordIs(user.id, STRONG_PASSWORD)).toBe(true);

    await ageRateLimits("sign-in:account:", 15 * 60 + 1);
    await expectStepUpRequired(changePassword(context, input(NEW_PASSWORD)));
  });

  it("sign-in guesses use up the same budget", async () => {
    const { user, context } = await passwordUser("pw-limit-shared");
    for (let i = 0; i < 5; i++) {
      expect(await signInWithPassword({ email: user.email, password: `wrong-password-${i}` }, meta("198.51.100.61"))).toMatchObject({
        ok: false,
        code: "INVALID_CREDENTIALS",
      });
    }
    await expectAppError(changePassword(context, input(NEW_PASSWORD)), "RATE_LIMITED");
    expect(await stepUpEmails(user.email)).toHaveLength(0);
  });

  it("parallel wrong guesses are all counted: at most five are checked", async () => {
    const { user, context } = await passwordUser("pw-limit-race");
    const results = await Promise.allSettled(
      Array.from({ length: 12 }, (_, i) => changePassword(context, input(NEW_PASSWORD, { currentPassword: `wrong-password-${i}` }))),
    );
    const codes = results.map((result) =>
      result.status === "rejected" && result.reason instanceof AppError ? result.reason.code : "unexpected",
    );
    expect(codes.filter((code) => code === "WRONG_PASSWORD")).toHaveLength(5);
    expect(codes.filter((code) => code === "RATE_LIMITED")).toHaveLength(7);
    await expectAppError(changePassword(context, input(NEW_PASSWORD)), "RATE_LIMITED");
    expect(await stepUpEmails(user.email)).toHaveLength(0);
  });

  it("the right one does not use up the budget", async () => {
    const { user, context } = await passwordUser("pw-limit-right");
    for (let i = 0; i < 8; i++) await expectStepUpRequired(changePassword(context, input(NEW_PASSWORD)));
    expect(await stepUpEmails(user.email)).toHaveLength(1);
  });

  it("20 parallel submissions of the right one never leave the account locked", async () => {
    const { user, context } = await passwordUser("pw-limit-right-race");
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => changePassword(context, input(NEW_PASSWORD))));
    const codes = results.map((result) =>
      result.status === "rejected" && result.reason instanceof AppError ? result.reason.code : "unexpected",
    );
    // Those that were checked were right; those turned away while five were being checked left no count.
    expect(codes.every((code) => ["STEP_UP_REQUIRED", "RESEND_TOO_SOON", "RATE_LIMITED"].includes(code))).toBe(true);
    expect(codes.filter((code) => code === "STEP_UP_REQUIRED").length).toBeGreaterThanOrEqual(1);
    const rows = await db.$queryRaw<{ count: number }[]>`SELECT count FROM rate_limits WHERE key = ${`sign-in:account:${user.email}`}`;
    expect(rows[0]?.count ?? 0).toBe(0);
    expect(await signInWithPassword({ email: user.email, password: STRONG_PASSWORD }, meta("198.51.100.62"))).toMatchObject({ ok: true });
    await expectStepUpRequired(changePassword(context, input(NEW_PASSWORD)));
  });
});

describe("the new password", () => {
  const weak: [string, (email: string) => string][] = [
    ["a common password", () => "qwerty123456"],
    ["one repeated character", () => "aaaaaaaaaaaaaa"],
    ["a simple sequence", () => "abcdefghijklmn"],
    ["the email's local part", (email) => `${email.split("@")[0]}-2024!`],
    ["the current password", () => STRONG_PASSWORD],
  ];

  it.each(weak)("%s is refused before any step-up or password check", async (_label, password) => {
    const { user, context } = await passwordUser("pw-weak");
    const error = await expectAppError(changePassword(context, input(password(user.email))), "VALIDATION_FAILED");
    expect(error.details.fieldErrors?.newPassword?.length).toBeGreaterThan(0);
    expect(await stepUpEmails(user.email)).toHaveLength(0);
    expect(await db.stepUpChallenge.count({ where: { userId: user.id } })).toBe(0);
    expect(await db.rateLimit.count({ where: { key: { contains: user.email } } })).toBe(0);
    expect(await passwordIs(user.id, STRONG_PASSWORD)).toBe(true);
  });
});

describe("a successful change", () => {
  it("with 'sign out my other sessions' ticked, ends the others and keeps this one", async () => {
    const { user, context } = await passwordUser("pw-signout");
    const others = [await newSession(user), await newSession(user, meta("198.51.100.70"))];
    await approve(context, input(NEW_PASSWORD));
    expect(await changePassword(context, input(NEW_PASSWORD))).toEqual({ signedOut: 2 });

    for (const other of others) expect(await resolveSession(other.id)).toBeNull();
    expect(await resolveSession(context.session.id)).not.toBeNull();
    expect(await passwordIs(user.id, NEW_PASSWORD)).toBe(true);
    expect(await passwordIs(user.id, STRONG_PASSWORD)).toBe(false);
    expect(await auditCount("password.changed", user.id)).toBe(1);
    expect(await auditCount("session.revoked", user.id)).toBe(2);
    expect(await db.emailOutbox.count({ where: { to: user.email, subject: CHANGED_SUBJECT } })).toBe(1);
    // The new password signs in; the old one does not.
    expect(await signInWithPassword({ email: user.email, password: STRONG_PASSWORD }, meta("198.51.100.71"))).toMatchObject({
      ok: false,
      code: "INVALID_CREDENTIALS",
    });
    expect(await signInWithPassword({ email: user.email, password: NEW_PASSWORD }, meta("198.51.100.71"))).toMatchObject({ ok: true });
  });

  it("with the box unticked, the other sessions stay signed in", async () => {
    const { user, context } = await passwordUser("pw-keep");
    const other = await newSession(user);
    const change = input(NEW_PASSWORD, { signOutOtherSessions: false });
    await approve(context, change);
    expect(await changePassword(context, change)).toEqual({ signedOut: 0 });
    expect(await resolveSession(other.id)).not.toBeNull();
    expect(await passwordIs(user.id, NEW_PASSWORD)).toBe(true);
    expect(await auditCount("session.revoked", user.id)).toBe(0);
    expect(await db.emailOutbox.count({ where: { to: user.email, subject: CHANGED_SUBJECT } })).toBe(1);
  });

  it("the grant is for exactly one change: this new password and this choice about other sessions, once", async () => {
    const { user, context } = await passwordUser("pw-bound");
    const other = await newSession(user);
    const approved = await approve(context, input(NEW_PASSWORD));

    const forOther = await expectStepUpRequired(changePassword(context, input(OTHER_PASSWORD)));
    expect(forOther.id).not.toBe(approved.id);
    const keepingSessions = await expectStepUpRequired(changePassword(context, input(NEW_PASSWORD, { signOutOtherSessions: false })));
    expect(keepingSessions.id).not.toBe(approved.id);
    expect(await passwordIs(user.id, STRONG_PASSWORD)).toBe(true);
    expect(await resolveSession(other.id)).not.toBeNull();

    expect(await changePassword(context, input(NEW_PASSWORD))).toEqual({ signedOut: 1 });
    expect(await passwordIs(user.id, NEW_PASSWORD)).toBe(true);
    expect(await db.stepUpGrant.count({ where: { sessionId: context.session.id, consumedAt: null } })).toBe(0);
    expect(await auditCount("step_up.grant_used", user.id)).toBe(1);
  });

  it("a sign-in that got past the old password but not yet past its second factor cannot finish", async () => {
    const { user, context } = await passwordUser("pw-pending-sign-in");
    const expiresAt = new Date(Date.now() + 10 * 60 * 1000);
    const pending = await db.signInChallenge.create({
      data: { userId: user.id, tokenHash: "a".repeat(64), expiresAt },
      select: { id: true },
    });
    const stranger = await passwordUser("pw-pending-stranger");
    const strangers = await db.signInChallenge.create({
      data: { userId: stranger.user.id, tokenHash: "b".repeat(64), expiresAt },
      select: { id: true },
    });

    const change = input(NEW_PASSWORD, { signOutOtherSessions: false });
    await approve(context, change);
    await changePassword(context, change);
    expect((await db.signInChallenge.findUniqueOrThrow({ where: { id: pending.id } })).consumedAt).not.toBeNull();
    expect((await db.signInChallenge.findUniqueOrThrow({ where: { id: strangers.id } })).consumedAt).toBeNull();
  });

  it("with 2FA on, the step-up also needs the authenticator code", async () => {
    const { user, context } = await passwordUser("pw-2fa");
    const { secret } = await enableTwoFactorFor(user);
    const challenge = await expectStepUpRequired(changePassword(context, input(NEW_PASSWORD)));
    expect(challenge.steps).toEqual(EMAIL_CODE_AND_SECOND_FACTOR);
    const code = await latestStepUpCode(user.email);
    await expectAppError(verifyStepUp(context, { challengeId: challenge.id, proofs: proofs(code) }), "SECOND_FACTOR_REQUIRED");
    expect(await passwordIs(user.id, STRONG_PASSWORD)).toBe(true);

    await verifyStepUp(context, { challengeId: challenge.id, proofs: proofs(code, { method: "totp", code: totpCode(secret) }) });
    await changePassword(context, input(NEW_PASSWORD));
    expect(await passwordIs(user.id, NEW_PASSWORD)).toBe(true);
  });
});

describe("the password change action (as the security page drives it)", () => {
  let user: TestUser;
  let context: RequestContext;
  const logged: string[] = [];

  beforeEach(async () => {
    ({ user, context } = await passwordUser("pw-actions"));
    request.state.session = context.session;
    request.state.headers = sameOriginHeaders(getEnv().APP_URL);
    request.state.deferred = [];
    captureConsole(logged);
  });

  afterEach(() => vi.restoreAllMocks());

  const badInputs: [string, Record<string, unknown>, string][] = [
    ["a short new password", { currentPassword: STRONG_PASSWORD, newPassword: "short-pw1" }, "newPassword"],
    ["a 257-character new password", { currentPassword: STRONG_PASSWORD, newPassword: "x".repeat(257) }, "newPassword"],
    ["no current password", { newPassword: NEW_PASSWORD }, "currentPassword"],
    ["an array as the new password", { currentPassword: STRONG_PASSWORD, newPassword: [NEW_PASSWORD, NEW_PASSWORD] }, "newPassword"],
  ];

  it.each(badInputs)("%s is a validation error; nothing is checked or sent", async (_label, form, field) => {
    const result = await changePasswordAction(initialActionState, form);
    expect(result).toMatchObject({ ok: false, code: "VALIDATION_FAILED" });
    expect(result.fieldErrors?.[field]?.length).toBeGreaterThan(0);
    expect(await stepUpEmails(user.email)).toHaveLength(0);
    expect(await db.rateLimit.count({ where: { key: { contains: user.email } } })).toBe(0);
  });

  it("a form post (checkbox 'on') asks for step-up; the same fields with the code sign out the others, and no password is kept or shown anywhere", async () => {
    const other = await newSession(user);
    const wrong = "totally-wrong-guess-81";
    const results: ActionState[] = [];

    const fields = (current: string, next: string) => ({ currentPassword: current, newPassword: next, signOutOtherSessions: "on" });
    const form = (current: string, next: string) => {
      const data = new FormData();
      for (const [name, value] of Object.entries(fields(current, next))) data.set(name, value);
      return data;
    };

    results.push(await changePasswordAction(initialActionState, form(wrong, NEW_PASSWORD)));
    expect(results.at(-1)).toMatchObject({ ok: false, code: "WRONG_PASSWORD", fieldErrors: { currentPassword: [expect.any(String)] } });
    results.push(await changePasswordAction(initialActionState, form(STRONG_PASSWORD, STRONG_PASSWORD)));
    expect(results.at(-1)).toMatchObject({ ok: false, code: "VALIDATION_FAILED" });

    const first = await changePasswordAction(initialActionState, form(STRONG_PASSWORD, NEW_PASSWORD));
    results.push(first);
    expect(first).toMatchObject({ ok: false, code: "STEP_UP_REQUIRED", status: "step_up_required" });
    const challengeId = first.challenge?.id ?? "";
    // The modal sends the same fields back with the code (an object, so as a record, not a form post).
    const stepUp = { challengeId, proofs: proofs(await latestStepUpCode(user.email)) };
    const done = await changePasswordAction(initialActionState, { ...fields(STRONG_PASSWORD, NEW_PASSWORD), stepUp });
    results.push(done);
    expect(done).toMatchObject({ ok: true });
    expect(done.message).toContain("1 other session was signed out");
    expect(await resolveSession(other.id)).toBeNull();
    expect(await passwordIs(user.id, NEW_PASSWORD)).toBe(true);

    await Promise.all(request.state.deferred.map((callback) => callback()));
    expect((await listMailboxMessages({ to: user.email })).map((message) => message.subject)).toContain(CHANGED_SUBJECT);

    const challengeRows = JSON.stringify(await db.stepUpChallenge.findMany({ where: { userId: user.id } }));
    const dump = await dumpDatabase();
    expect(Object.keys(dump)).toEqual(
      expect.arrayContaining(["audit_events", "step_up_challenges", "email_outbox", "mailbox_messages", "users"]),
    );
    expect(dump.audit_events).toContain("password.changed");
    const places: Record<string, string> = {
      ...Object.fromEntries(Object.entries(dump).map(([table, rows]) => [`table ${table}`, rows])),
      "challenge rows": challengeRows,
      "action results": JSON.stringify(results),
      logs: logged.join("\n"),
    };
    const leaks: string[] = [];
    for (const [place, text] of Object.entries(places)) {
      for (const password of [STRONG_PASSWORD, NEW_PASSWORD, wrong]) if (text.includes(password)) leaks.push(`${password} in ${place}`);
    }
    expect(leaks).toEqual([]);
  });
});
