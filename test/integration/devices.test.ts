import { randomBytes } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { findSecurableDevice, secureAccount, secureAccountByLink } from "@/lib/account/secure-account";
import { hashPassword } from "@/lib/auth/password";
import { completeSecondFactorSignIn } from "@/lib/auth/second-factor-sign-in";
import { signInWithPassword } from "@/lib/auth/sign-in";
import { requestSignUp, verifySignUp } from "@/lib/auth/sign-up";
import { sha256Hex } from "@/lib/crypto";
import { db } from "@/lib/db";
import { forgetDevice, listKnownDevices, SECURE_LINK_DAYS } from "@/lib/devices/known-devices";
import { listMailboxMessages } from "@/lib/email/mailbox";
import { deliverAllDueEmails } from "@/lib/email/outbox";
import { getEnv } from "@/lib/env";
import type { RequestContext } from "@/lib/http/context";
import { describeUserAgent } from "@/lib/http/user-agent";
import { addPasskey, passkeyRegistrationOptions } from "@/lib/passkeys/registration";
import { passkeySignInOptions, signInWithPasskey } from "@/lib/passkeys/sign-in";
import { resolveSession, type CurrentSession } from "@/lib/sessions/lifecycle";
import { openSignInSession, type SignInMeta } from "@/lib/sessions/sign-in-session";
import { captureConsole } from "@/test/helpers/capture-console";
import { meta, randomEmail, STRONG_PASSWORD } from "@/test/helpers/fixtures";
import {
  completeStepUp,
  containsSecret,
  dumpDatabase,
  expectAppError,
  expectStepUpRequired,
  latestStepUpCode,
  newSession,
  newStepUpUser,
  tokenRequest,
  triggerChallenge,
  type TestUser,
} from "@/test/helpers/step-up";
import { awayFromStepEdge, enableTwoFactorFor, totpCode } from "@/test/helpers/two-factor";
import { codeFrom } from "@/tooling/app-client";
import { SoftwareAuthenticator } from "@/tooling/software-authenticator";

afterAll(async () => {
  const { disconnectDb } = await import("@/lib/db");
  await disconnectDb();
});

afterEach(() => {
  vi.restoreAllMocks();
});

const NEW_DEVICE = "New sign-in to your account";
const SECURED = "Your account was secured";
const APP_URL = getEnv().APP_URL;
const ORIGIN = new URL(APP_URL).origin;
const FIREFOX = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14.5; rv:128.0) Gecko/20100101 Firefox/128.0";

/** A browser's device cookie value, as lib/devices/cookie.ts mints it. */
const newDeviceId = () => randomBytes(32).toString("base64url");

let passwordHash = "";
beforeAll(async () => {
  passwordHash = await hashPassword(STRONG_PASSWORD);
});

let ipCounter = 0;
/** A fresh client address per sign-in, so per-IP budgets never decide a test. */
const freshIp = () => `198.19.${Math.floor(++ipCounter / 250)}.${(ipCounter % 250) + 1}`;

const deviceMeta = (deviceId: string | null, userAgent?: string): SignInMeta => ({
  ...meta(freshIp()),
  ...(userAgent ? { userAgent } : {}),
  deviceId,
});

/** An account with a password and no device, made `ageHours` ago (as an admin or a seed would make it). */
async function passwordUser(label: string, ageHours = 0): Promise<TestUser> {
  const user = await db.user.create({
    data: { email: randomEmail(label), passwordHash, emailVerifiedAt: new Date() },
    select: { id: true, email: true },
  });
  if (ageHours) await ageAccount(user.id, ageHours);
  return user;
}

async function ageAccount(userId: string, hours: number): Promise<void> {
  await db.$executeRaw`UPDATE users SET created_at = created_at - make_interval(hours => ${hours}) WHERE id = ${userId}::uuid`;
}

/** A successful password sign-in from `deviceId` (null: a browser without the cookie). */
async function signIn(user: TestUser, deviceId: string | null, userAgent?: string): Promise<string> {
  const result = await signInWithPassword({ email: user.email, password: STRONG_PASSWORD }, deviceMeta(deviceId, userAgent));
  if (!result.ok) throw new Error(`expected a session, got ${result.code}`);
  return result.sessionId;
}

/** Step one of a sign-in with 2FA on: the right password, which yields only a token for step two. */
async function passwordStep(user: TestUser, deviceId: string): Promise<string> {
  const result = await signInWithPassword({ email: user.email, password: STRONG_PASSWORD }, deviceMeta(deviceId));
  if (result.ok || result.code !== "SECOND_FACTOR_REQUIRED")
    throw new Error(`expected SECOND_FACTOR_REQUIRED, got ${JSON.stringify(result)}`);
  return result.token;
}

async function contextOf(sessionId: string): Promise<RequestContext> {
  const session = await resolveSession(sessionId);
  if (!session) throw new Error("the session did not resolve");
  return { session, meta: meta() };
}

/** New-device emails queued for `email` (outbox rows are kept after delivery, so this counts every one). */
const newDeviceEmails = (email: string) =>
  db.emailOutbox.findMany({ where: { to: email, subject: NEW_DEVICE }, orderBy: { createdAt: "asc" }, select: { id: true, data: true } });

const securedNotices = (email: string) => db.emailOutbox.count({ where: { to: email, subject: SECURED } });

const signInAudits = (userId: string) =>
  db.auditEvent.findMany({
    where: { actorId: userId, type: "auth.sign_in" },
    orderBy: { id: "asc" },
    select: { metadata: true, reason: true },
  });

const knownDeviceCount = (userId: string) => db.knownDevice.count({ where: { userId } });

const deviceRow = (userId: string, deviceId: string) =>
  db.knownDevice.findUnique({ where: { userId_deviceHash: { userId, deviceHash: sha256Hex(deviceId) } } });

/** The "Secure my account" token of a queued (undelivered) new-device email. */
function secureTokenOf(row: { data: unknown }): string {
  const href = (row.data as { link?: { href?: string } }).link?.href;
  if (!href) throw new Error("the new-device email has no link");
  const url = new URL(href);
  expect(`${url.origin}${url.pathname}`).toBe(`${APP_URL}/secure-account`);
  const token = url.searchParams.get("token");
  if (!token) throw new Error("no token in the link");
  return token;
}

/**
 * An account older than a day that has signed in from `ownDevice`, then from `otherDevice` (which
 * was announced): the owner's session, the other device's session and the email's token.
 */
async function accountWithAnnouncedDevice(label: string) {
  const user = await passwordUser(label, 48);
  const ownDevice = newDeviceId();
  const otherDevice = newDeviceId();
  const ownSessionId = await signIn(user, ownDevice);
  const otherSessionId = await signIn(user, otherDevice, FIREFOX);
  const emails = await newDeviceEmails(user.email);
  expect(emails).toHaveLength(2);
  return { user, ownDevice, otherDevice, ownSessionId, otherSessionId, token: secureTokenOf(emails[1] ?? { data: {} }) };
}

describe("the new-device email", () => {
  it("is sent once for a new device of an older account, never for the same device again, and nothing happens without a device id", async () => {
    const user = await passwordUser("new-device", 48);
    const device = newDeviceId();

    await signIn(user, null);
    expect(await knownDeviceCount(user.id)).toBe(0);
    expect(await newDeviceEmails(user.email)).toHaveLength(0);

    await signIn(user, device);
    const emails = await newDeviceEmails(user.email);
    expect(emails).toHaveLength(1);
    expect(emails[0]?.data).toMatchObject({
      notice: "newSignIn",
      facts: [
        ["device", { device: meta().userAgent }],
        ["ipAddress", expect.stringMatching(/^198\.19\./)],
      ],
      link: {
        label: "secureAccount",
        href: expect.stringMatching(new RegExp(`^${APP_URL}/secure-account\\?token=[A-Za-z0-9_-]{43}$`)),
      },
    });

    await signIn(user, device);
    await signIn(user, device);
    expect(await newDeviceEmails(user.email)).toHaveLength(1);
    expect(await knownDeviceCount(user.id)).toBe(1);
    expect((await signInAudits(user.id)).map((event) => event.metadata)).toEqual([null, { newDevice: true }, null, null]);

    // The email as delivered: one message with that subject, with the same link.
    const token = secureTokenOf(emails[0] ?? { data: {} });
    await deliverAllDueEmails();
    const delivered = (await listMailboxMessages({ to: user.email })).filter((message) => message.subject === NEW_DEVICE);
    expect(delivered).toHaveLength(1);
    expect(delivered[0]?.text).toContain(`${APP_URL}/secure-account?token=${token}`);
  });

  it("is not sent for the sign-in from the browser that verified the sign-up, but is for a second device", async () => {
    const email = randomEmail("sign-up-device");
    const browser = newDeviceId();
    const pending = await requestSignUp({ email, password: STRONG_PASSWORD }, meta());
    const [codeEmail] = await listMailboxMessages({ to: email });
    if (!codeEmail) throw new Error("no verification email");
    await verifySignUp({ requestId: pending.requestId, code: codeFrom(codeEmail.text) }, { ...meta(), deviceId: browser });
    const user = await db.user.findUniqueOrThrow({ where: { email }, select: { id: true, email: true } });
    expect(await knownDeviceCount(user.id)).toBe(1);
    expect(await deviceRow(user.id, browser)).toMatchObject({ secureTokenHash: null });

    await signIn(user, browser);
    expect(await newDeviceEmails(email)).toHaveLength(0);

    const second = newDeviceId();
    await signIn(user, second);
    await signIn(user, second);
    expect(await newDeviceEmails(email)).toHaveLength(1);
    expect(await knownDeviceCount(user.id)).toBe(2);
    expect((await signInAudits(user.id)).map((event) => event.metadata)).toEqual([null, { newDevice: true }, null]);
  });

  it("is not sent for an account's first device within 24 hours of its creation, but is for an older account's", async () => {
    const fresh = await passwordUser("fresh", 23);
    const first = newDeviceId();
    await signIn(fresh, first);
    expect(await newDeviceEmails(fresh.email)).toHaveLength(0);
    expect(await knownDeviceCount(fresh.id)).toBe(1);
    // Its first device is remembered, so the next one is news.
    await signIn(fresh, newDeviceId());
    expect(await newDeviceEmails(fresh.email)).toHaveLength(1);

    const older = await passwordUser("older", 25);
    await signIn(older, newDeviceId());
    expect(await newDeviceEmails(older.email)).toHaveLength(1);
    expect((await signInAudits(older.id)).map((event) => event.metadata)).toEqual([{ newDevice: true }]);
  });

  it("a fresh account that forgot its only device is told when it signs in from it again", async () => {
    const fresh = await passwordUser("fresh-forgot", 2);
    const only = newDeviceId();
    const sessionId = await signIn(fresh, only);
    expect(await newDeviceEmails(fresh.email)).toHaveLength(0);
    const row = await deviceRow(fresh.id, only);
    if (!row) throw new Error("the device was not remembered");
    await forgetDevice(await contextOf(sessionId), row.id);

    await signIn(fresh, only);
    expect(await newDeviceEmails(fresh.email)).toHaveLength(1);
  });

  it("is sent exactly once for 10 concurrent sign-ins from the same new device", async () => {
    const user = await passwordUser("concurrent", 48);
    const device = newDeviceId();
    const sessionUser = { id: user.id, email: user.email, role: "USER" as const };
    const sessions = await Promise.all(
      Array.from({ length: 10 }, () => db.$transaction((tx) => openSignInSession(tx, sessionUser, deviceMeta(device)))),
    );
    expect(new Set(sessions).size).toBe(10);
    expect(await newDeviceEmails(user.email)).toHaveLength(1);
    expect(await knownDeviceCount(user.id)).toBe(1);
    const audits = await signInAudits(user.id);
    expect(audits).toHaveLength(10);
    expect(audits.filter((event) => event.metadata !== null)).toEqual([{ metadata: { newDevice: true }, reason: null }]);
    expect(await db.knownDevice.count({ where: { userId: user.id, secureTokenHash: { not: null } } })).toBe(1);
  });

  it("never stores the device id raw, nor puts it in the email, the audit rows or the logs", async () => {
    const logged: string[] = [];
    captureConsole(logged);
    const user = await passwordUser("device-secret", 48);
    const device = newDeviceId();
    await signIn(user, device);
    await signIn(user, device);

    const row = await deviceRow(user.id, device);
    expect(row?.deviceHash).toBe(sha256Hex(device));
    expect(row?.deviceHash).not.toBe(device);
    // Before delivery (the outbox row holds the email's data) and after.
    for (const [table, rows] of Object.entries(await dumpDatabase()))
      expect({ table, leaks: containsSecret(rows, device) }).toEqual({ table, leaks: false });
    await deliverAllDueEmails();
    expect(await db.emailOutbox.findMany({ where: { to: user.email }, select: { sentAt: true, data: true } })).toEqual([
      { sentAt: expect.any(Date), data: {} },
    ]);
    for (const [table, rows] of Object.entries(await dumpDatabase()))
      expect({ table, leaks: containsSecret(rows, device) }).toEqual({ table, leaks: false });

    const [message] = (await listMailboxMessages({ to: user.email })).filter((candidate) => candidate.subject === NEW_DEVICE);
    expect(message?.text).toContain("/secure-account?token=");
    expect(containsSecret(`${message?.text}\n${message?.html}`, device)).toBe(false);
    const audits = await db.auditEvent.findMany({ where: { actorId: user.id } });
    expect(audits.map((event) => event.type)).toEqual(["auth.sign_in", "auth.sign_in"]);
    expect(
      containsSecret(
        JSON.stringify(audits, (_key, value: unknown) => (typeof value === "bigint" ? String(value) : value)),
        device,
      ),
    ).toBe(false);
    expect(logged.some((line) => containsSecret(line, device))).toBe(false);
  });
});

describe("the device id in other notices", () => {
  it("stays out of the recovery-code notice of a second-factor sign-in", async () => {
    // A fresh account: its first device is not announced, so the only notice is the recovery code's.
    const user = await passwordUser("recovery-device");
    const { recoveryCodes } = await enableTwoFactorFor(user);
    const device = newDeviceId();
    const token = await passwordStep(user, device);
    const result = await completeSecondFactorSignIn(token, { method: "recovery_code", code: recoveryCodes[0] ?? "" }, deviceMeta(device));
    expect(result).toMatchObject({ ok: true });
    expect(await knownDeviceCount(user.id)).toBe(1);
    const queued = await db.emailOutbox.findMany({ where: { to: user.email }, select: { subject: true, data: true } });
    expect(queued.map((row) => row.subject)).toEqual(["A recovery code was used"]);
    expect(containsSecret(JSON.stringify(queued), device)).toBe(false);
  });
});

describe("known devices", () => {
  it("lists the account's devices, most recent first, marking this browser's", async () => {
    const user = await passwordUser("list", 48);
    const [first, second] = [newDeviceId(), newDeviceId()];
    await signIn(user, first);
    await signIn(user, second, FIREFOX);
    await db.$executeRaw`UPDATE known_devices SET last_seen_at = now() - interval '1 hour' WHERE device_hash = ${sha256Hex(first)}`;

    const listed = await listKnownDevices(user.id, second);
    expect(listed.map(({ device, current, lastIp }) => ({ device, current, lastIp }))).toEqual([
      { device: describeUserAgent(FIREFOX), current: true, lastIp: expect.stringMatching(/^198\.19\./) },
      { device: describeUserAgent(meta().userAgent), current: false, lastIp: expect.stringMatching(/^198\.19\./) },
    ]);
    expect((await listKnownDevices(user.id, first)).map((device) => device.current)).toEqual([false, true]);
    expect((await listKnownDevices(user.id, null)).map((device) => device.current)).toEqual([false, false]);
    expect((await listKnownDevices(user.id, newDeviceId())).map((device) => device.current)).toEqual([false, false]);
  });

  it("forgetting a device removes it and is audited; its next sign-in is announced again", async () => {
    const user = await passwordUser("forget", 48);
    const [kept, forgotten] = [newDeviceId(), newDeviceId()];
    const sessionId = await signIn(user, kept);
    await signIn(user, forgotten);
    expect(await newDeviceEmails(user.email)).toHaveLength(2);
    const row = await deviceRow(user.id, forgotten);
    if (!row) throw new Error("the device was not remembered");

    await forgetDevice(await contextOf(sessionId), row.id);
    expect(await deviceRow(user.id, forgotten)).toBeNull();
    expect(await deviceRow(user.id, kept)).not.toBeNull();
    const audits = await db.auditEvent.findMany({ where: { actorId: user.id, type: "device.forgotten" } });
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({
      outcome: "SUCCESS",
      targetType: "device",
      targetId: row.id,
      metadata: { device: describeUserAgent(meta().userAgent) },
    });

    await signIn(user, forgotten);
    expect(await newDeviceEmails(user.email)).toHaveLength(3);
    expect((await signInAudits(user.id)).at(-1)?.metadata).toEqual({ newDevice: true });
  });

  it("another account's device, an unknown id or a malformed one is NOT_FOUND and nothing changes", async () => {
    const owner = await passwordUser("device-owner", 48);
    const ownerDevice = newDeviceId();
    await signIn(owner, ownerDevice);
    const ownerRow = await deviceRow(owner.id, ownerDevice);
    if (!ownerRow) throw new Error("the device was not remembered");
    const other = await passwordUser("device-other", 48);
    const otherContext = await contextOf(await signIn(other, newDeviceId()));

    const before = await dumpDatabase();
    await expectAppError(forgetDevice(otherContext, ownerRow.id), "NOT_FOUND");
    await expectAppError(forgetDevice(otherContext, crypto.randomUUID()), "NOT_FOUND");
    await expectAppError(forgetDevice(otherContext, "not-a-uuid"), "NOT_FOUND");
    expect(await dumpDatabase()).toEqual(before);
    expect(await deviceRow(owner.id, ownerDevice)).toMatchObject({ id: ownerRow.id });
    expect(await db.auditEvent.count({ where: { type: "device.forgotten", actorId: { in: [owner.id, other.id] } } })).toBe(0);
  });
});

describe("new devices through the second factor and passkeys", () => {
  async function twoFactorUser(label: string) {
    const user = await passwordUser(label, 48);
    return { user, ...(await enableTwoFactorFor(user)) };
  }

  it("the second factor's sign-in announces a new device once; the password step alone and a refused code do nothing", async () => {
    await awayFromStepEdge(8);
    const { user, secret } = await twoFactorUser("2fa-device");
    const device = newDeviceId();

    const token = await passwordStep(user, device);
    expect(await knownDeviceCount(user.id)).toBe(0);
    const wrong = totpCode(secret) === "000000" ? "111111" : "000000";
    expect(await completeSecondFactorSignIn(token, { method: "totp", code: wrong }, deviceMeta(device))).toMatchObject({
      ok: false,
      code: "SECOND_FACTOR_INVALID",
    });
    expect(await knownDeviceCount(user.id)).toBe(0);
    expect(await newDeviceEmails(user.email)).toHaveLength(0);

    const first = await completeSecondFactorSignIn(token, { method: "totp", code: totpCode(secret) }, deviceMeta(device));
    expect(first).toMatchObject({ ok: true });
    expect(await newDeviceEmails(user.email)).toHaveLength(1);
    expect(await knownDeviceCount(user.id)).toBe(1);

    // The next time step's code (each step signs in once), from the same device: no news.
    const again = await completeSecondFactorSignIn(
      await passwordStep(user, device),
      { method: "totp", code: totpCode(secret, 1) },
      deviceMeta(device),
    );
    expect(again).toMatchObject({ ok: true });
    expect(await newDeviceEmails(user.email)).toHaveLength(1);
    expect(await signInAudits(user.id)).toEqual([
      { reason: "two_factor:totp", metadata: { newDevice: true } },
      { reason: "two_factor:totp", metadata: null },
    ]);
  });

  it("a passkey sign-in announces a new device once, keeping the passkey in the audit row", async () => {
    const { user, context } = await newStepUpUser("pk-device");
    await ageAccount(user.id, 48);
    const authenticator = new SoftwareAuthenticator();
    const registration = JSON.stringify(authenticator.register(await passkeyRegistrationOptions(context), { origin: ORIGIN }));
    const challenge = await expectStepUpRequired(addPasskey(context, registration));
    const passkey = await addPasskey(
      { ...context, proof: { challengeId: challenge.id, proofs: { email_code: await latestStepUpCode(user.email) } } },
      registration,
    );

    const device = newDeviceId();
    for (let i = 0; i < 2; i++) {
      const ip = freshIp();
      const assertion = JSON.stringify(authenticator.authenticate(await passkeySignInOptions(meta(ip)), { origin: ORIGIN }));
      expect(await signInWithPasskey(assertion, { ...meta(ip), deviceId: device })).toMatchObject({ ok: true });
    }
    expect(await newDeviceEmails(user.email)).toHaveLength(1);
    expect(await signInAudits(user.id)).toEqual([
      { reason: "passkey", metadata: { passkey: passkey.id, newDevice: true } },
      { reason: "passkey", metadata: { passkey: passkey.id } },
    ]);
  });
});

describe("securing the account from the activity page", () => {
  it("signs out every other session but this one, ends open step-up, and records and announces it once", async () => {
    const user = await passwordUser("secure", 48);
    const current = await contextOf(await signIn(user, newDeviceId()));
    const others: CurrentSession[] = [await newSession(user), await newSession(user), await newSession(user)];
    const withChallenge: RequestContext = { session: others[0] as CurrentSession, meta: meta() };
    const withGrant: RequestContext = { session: others[1] as CurrentSession, meta: meta() };
    const challenge = await triggerChallenge(withChallenge, "api_token.create", tokenRequest("pending"));
    await completeStepUp(withGrant, "api_token.create", tokenRequest("granted"));
    const reported = await db.auditEvent.findFirstOrThrow({ where: { actorId: user.id, type: "auth.sign_in" }, select: { id: true } });

    const secured = await secureAccount(current, String(reported.id));
    expect(secured).toEqual({ sessionsSignedOut: 3, challengesEnded: 1, grantsEnded: 1 });

    expect(await resolveSession(current.session.id)).toMatchObject({ id: current.session.id });
    for (const session of others) expect(await resolveSession(session.id)).toBeNull();
    expect(await db.stepUpChallenge.findUniqueOrThrow({ where: { id: challenge.id }, select: { cancelledAt: true } })).toEqual({
      cancelledAt: expect.any(Date),
    });
    expect(await db.stepUpGrant.count({ where: { userId: user.id, consumedAt: null } })).toBe(0);

    const audits = await db.auditEvent.findMany({ where: { type: "account.secured", targetId: user.id } });
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({
      outcome: "BLOCKED",
      actorId: user.id,
      actorEmail: user.email,
      targetType: "user",
      reason: "activity_report",
      metadata: { sessionsSignedOut: 3, challengesEnded: 1, grantsEnded: 1, event: String(reported.id) },
    });
    expect(await securedNotices(user.email)).toBe(1);

    // Again: nothing left to end, still recorded (the owner pressed it).
    expect(await secureAccount(current, null)).toEqual({ sessionsSignedOut: 0, challengesEnded: 0, grantsEnded: 0 });
    expect(await resolveSession(current.session.id)).not.toBeNull();
  });
});

describe("securing the account from the new-device email", () => {
  it("looking the link up changes nothing", async () => {
    const { token, otherDevice, user } = await accountWithAnnouncedDevice("secure-lookup");
    const before = await dumpDatabase();
    const row = await deviceRow(user.id, otherDevice);
    expect(await findSecurableDevice(token)).toEqual({ device: describeUserAgent(FIREFOX), signedInAt: row?.firstSeenAt.toISOString() });
    expect(await findSecurableDevice(token)).not.toBeNull();
    expect(await dumpDatabase()).toEqual(before);
  });

  it("the emailed link signs out every session, ends step-up, forgets the device and is recorded; it works once", async () => {
    const { user, ownDevice, otherDevice, ownSessionId, otherSessionId, token } = await accountWithAnnouncedDevice("secure-link");
    const own = await contextOf(ownSessionId);
    const other = await contextOf(otherSessionId);
    await triggerChallenge(other, "api_token.create", tokenRequest("attacker"));
    await completeStepUp(own, "api_token.create", tokenRequest("owner"));
    const row = await deviceRow(user.id, otherDevice);
    if (!row) throw new Error("the device was not remembered");
    // The delivered email carries the same link.
    await deliverAllDueEmails();
    const delivered = (await listMailboxMessages({ to: user.email })).filter((message) => message.subject === NEW_DEVICE);
    expect(delivered).toHaveLength(2);
    const linked = delivered.map((message) => /\/secure-account\?token=([A-Za-z0-9_-]+)/.exec(message.text)?.[1]);
    expect(linked).toContain(token);
    expect(new Set(linked).size).toBe(2);

    const linkMeta = meta("192.0.2.55");
    const secured = await secureAccountByLink(token, linkMeta);
    expect(secured).toEqual({ sessionsSignedOut: 2, challengesEnded: 1, grantsEnded: 1, reference: row.id.slice(0, 8).toUpperCase() });
    expect(await resolveSession(ownSessionId)).toBeNull();
    expect(await resolveSession(otherSessionId)).toBeNull();
    expect(await db.stepUpChallenge.count({ where: { userId: user.id, cancelledAt: null, verifiedAt: null } })).toBe(0);
    expect(await db.stepUpGrant.count({ where: { userId: user.id, consumedAt: null } })).toBe(0);
    expect(await deviceRow(user.id, otherDevice)).toBeNull();
    expect(await deviceRow(user.id, ownDevice)).not.toBeNull();

    const audits = await db.auditEvent.findMany({ where: { type: "account.secured", targetId: user.id } });
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({
      outcome: "BLOCKED",
      actorId: null,
      actorEmail: user.email,
      targetType: "user",
      reason: "new_device_email",
      ip: "192.0.2.55",
      metadata: { sessionsSignedOut: 2, challengesEnded: 1, grantsEnded: 1, device: row.id },
    });
    expect(await securedNotices(user.email)).toBe(1);

    // Used: the link does nothing any more.
    expect(await secureAccountByLink(token, linkMeta)).toBeNull();
    expect(await findSecurableDevice(token)).toBeNull();
    expect(await db.auditEvent.count({ where: { type: "account.secured", targetId: user.id } })).toBe(1);
    expect(await securedNotices(user.email)).toBe(1);

    // The device was forgotten: signing back in from it is news again.
    await signIn(user, otherDevice, FIREFOX);
    expect(await newDeviceEmails(user.email)).toHaveLength(3);
  });

  it("two uses of the link at once secure the account once", async () => {
    const { user, token } = await accountWithAnnouncedDevice("secure-race");
    const results = await Promise.all([secureAccountByLink(token, meta()), secureAccountByLink(token, meta())]);
    expect(results.filter((result) => result !== null)).toHaveLength(1);
    expect(await db.auditEvent.count({ where: { type: "account.secured", targetId: user.id } })).toBe(1);
    expect(await securedNotices(user.email)).toBe(1);
  });

  it("a malformed, unknown or expired token returns null and changes nothing", async () => {
    const { user, otherDevice, ownSessionId, otherSessionId, token } = await accountWithAnnouncedDevice("secure-bad");
    await db.$executeRaw`UPDATE known_devices SET secure_token_expires_at = now() - interval '1 second'
      WHERE device_hash = ${sha256Hex(otherDevice)}`;
    const before = await dumpDatabase();
    for (const bad of ["", "short", "../../etc/passwd", `${token}!`, "a".repeat(300), newDeviceId(), token]) {
      expect(await findSecurableDevice(bad)).toBeNull();
      expect(await secureAccountByLink(bad, meta())).toBeNull();
    }
    expect(await dumpDatabase()).toEqual(before);
    expect(await resolveSession(ownSessionId)).not.toBeNull();
    expect(await resolveSession(otherSessionId)).not.toBeNull();
    expect(await deviceRow(user.id, otherDevice)).not.toBeNull();
  });

  it("the link lasts SECURE_LINK_DAYS", async () => {
    const { user, otherDevice } = await accountWithAnnouncedDevice("secure-expiry");
    const row = await deviceRow(user.id, otherDevice);
    const lifetime = (row?.secureTokenExpiresAt?.getTime() ?? 0) - (row?.firstSeenAt.getTime() ?? 0);
    expect(Math.abs(lifetime - SECURE_LINK_DAYS * 86_400_000)).toBeLessThan(60_000);
  });
});
