import type { PublicKeyCredentialCreationOptionsJSON, PublicKeyCredentialRequestOptionsJSON } from "@simplewebauthn/server";
import { ResponseCookies } from "next/dist/server/web/spec-extension/cookies";
import { afterAll, beforeEach, describe, expect, it, vi } from "vitest";
import { createApiTokenAction } from "@/actions/api-tokens";
import {
  addPasskeyAction,
  passkeyRegistrationOptionsAction,
  passkeySignInAction,
  passkeySignInOptionsAction,
  removePasskeyAction,
  renamePasskeyAction,
} from "@/actions/passkeys";
import { translatorFor } from "@/i18n/translator";
import { createApiToken } from "@/lib/api-tokens/create";
import { SIGN_IN_LIMITS } from "@/lib/auth/sign-in-limits";
import { db } from "@/lib/db";
import { getEnv } from "@/lib/env";
import type { RequestContext } from "@/lib/http/context";
import { listPasskeys, removePasskey, renamePasskey } from "@/lib/passkeys/manage";
import { addPasskey, passkeyRegistrationOptions } from "@/lib/passkeys/registration";
import { passkeySignInOptions, signInWithPasskey } from "@/lib/passkeys/sign-in";
import { resolveSession } from "@/lib/sessions/lifecycle";
import { signOutOtherSessions } from "@/lib/sessions/other-sessions";
import { resendChallenge } from "@/lib/step-up/challenges";
import { errorMessage, type ErrorCode } from "@/shared/errors";
import { PASSKEY_RESPONSE_MAX_LENGTH, type PasskeyDto } from "@/shared/passkeys";
import type { ProofValues, StepUpChallengeDto } from "@/shared/step-up";
import { meta } from "@/test/helpers/fixtures";
import { request, sameOriginHeaders } from "@/test/helpers/next-request";
import {
  auditCount,
  challengeAttempts,
  expectAppError,
  expectStepUpRequired,
  failureState,
  latestStepUpCode,
  newSession,
  newStepUpUser,
  stepUpEmails,
  tokenRequest,
  type TestUser,
} from "@/test/helpers/step-up";
import { enableTwoFactorFor, totpCode } from "@/test/helpers/two-factor";
import { SoftwareAuthenticator, type AuthenticateOptions, type RegisterOptions } from "@/tooling/software-authenticator";

// next-auth's signIn (the "passkey" provider behind passkeySignInAction) writes its session cookie.
const jar = vi.hoisted(() => ({ current: undefined as ResponseCookies | undefined }));
vi.mock("next/headers", async () => {
  const { request: state } = await import("@/test/helpers/next-request");
  return {
    headers: async () => state.state.headers,
    cookies: async () => {
      if (!jar.current) throw new Error("no cookie jar");
      return jar.current;
    },
  };
});

afterAll(async () => {
  const { disconnectDb } = await import("@/lib/db");
  await disconnectDb();
});

// The relying party is APP_URL: its origin, and its hostname as the RP ID.
const APP_URL = new URL(getEnv().APP_URL);
const ORIGIN = APP_URL.origin;
const RP_ID = APP_URL.hostname;
const REFUSED = errorMessage(translatorFor("en", "errors"), "PASSKEY_REFUSED");
/** A page elsewhere, relaying the site's options (a real browser would not even ask the authenticator). */
const EVIL_ORIGIN = { origin: "https://account.example.evil", skipOriginCheck: true };

let ipCounter = 0;
/** A fresh client address per use, so per-IP budgets of one test do not reach another. */
const freshIp = () => `198.18.${Math.floor(++ipCounter / 250)}.${(ipCounter % 250) + 1}`;

const withProof = (context: RequestContext, challengeId: string, proofs: ProofValues): RequestContext => ({
  ...context,
  proof: { challengeId, proofs },
});

const passkeyCount = (userId: string) => db.passkey.count({ where: { userId } });
const tokenCount = (userId: string) => db.apiToken.count({ where: { userId } });
const sessionCount = (userId: string) => db.session.count({ where: { userId } });

/** The registration response the browser would send, as text (what addPasskey takes). */
async function registrationResponse(context: RequestContext, device: SoftwareAuthenticator, settings: Partial<RegisterOptions> = {}) {
  const options = await passkeyRegistrationOptions(context);
  return JSON.stringify(device.register(options, { origin: ORIGIN, ...settings }));
}

/**
 * Adds a passkey the way the security page does: options, the authenticator, the refused add
 * (code emailed), then the add again with the code (and `secondFactor` when 2FA is on).
 */
async function addPasskeyWith(
  context: RequestContext,
  device: SoftwareAuthenticator,
  options: { settings?: Partial<RegisterOptions>; secondFactor?: Omit<ProofValues, "email_code"> } = {},
): Promise<{ passkey: PasskeyDto; credentialId: string; challenge: StepUpChallengeDto }> {
  const response = await registrationResponse(context, device, options.settings);
  const challenge = await expectStepUpRequired(addPasskey(context, response));
  const code = await latestStepUpCode(context.session.user.email);
  const passkey = await addPasskey(withProof(context, challenge.id, { email_code: code, ...options.secondFactor }), response);
  return { passkey, credentialId: (JSON.parse(response) as { id: string }).id, challenge };
}

/** A user with one session and one passkey on `device`. */
async function userWithPasskey(label: string, settings: Partial<RegisterOptions> = {}) {
  const { user, context } = await newStepUpUser(label);
  const device = new SoftwareAuthenticator();
  const { passkey, credentialId } = await addPasskeyWith(context, device, { settings });
  return { user, context, device, passkey, credentialId };
}

/** An assertion for the sign-in page's options, from `ip`. */
async function signInAssertion(device: SoftwareAuthenticator, ip: string, settings: Partial<AuthenticateOptions> = {}): Promise<string> {
  const options = await passkeySignInOptions(meta(ip));
  return JSON.stringify(device.authenticate(options, { origin: ORIGIN, ...settings }));
}

/** The challenge a sudo action (create API token) answers with when the user has a passkey. */
async function tokenChallenge(context: RequestContext, name: string): Promise<StepUpChallengeDto> {
  const challenge = await expectStepUpRequired(createApiToken(context, tokenRequest(name)));
  if (!challenge.passkeyOptions) throw new Error("the challenge offers no passkey");
  return challenge;
}

function assertionFor(challenge: StepUpChallengeDto, device: SoftwareAuthenticator, settings: Partial<AuthenticateOptions> = {}): string {
  if (!challenge.passkeyOptions) throw new Error("the challenge offers no passkey");
  return JSON.stringify(device.authenticate(challenge.passkeyOptions, { origin: ORIGIN, ...settings }));
}

/** Refused with the one generic message, and nothing about it says why. */
async function expectPasskeyRefused(promise: Promise<unknown>): Promise<void> {
  const error = await expectAppError(promise, "PASSKEY_REFUSED");
  expect(errorMessage(translatorFor("en", "errors"), error.code, error.details)).toBe(REFUSED);
}

async function signInRefused(response: string, ip: string, userId: string, reason: string): Promise<void> {
  const sessionsBefore = await sessionCount(userId);
  expect(await signInWithPasskey(response, meta(ip))).toEqual({ ok: false, code: "PASSKEY_REFUSED" });
  expect(await sessionCount(userId)).toBe(sessionsBefore);
  expect(await db.auditEvent.count({ where: { type: "auth.sign_in_failed", ip, reason: `passkey:${reason}` } })).toBe(1);
}

async function storedCounter(credentialId: string): Promise<number> {
  return Number((await db.passkey.findUniqueOrThrow({ where: { credentialId }, select: { counter: true } })).counter);
}

describe("adding a passkey", () => {
  it("without step-up nothing is stored and a code is emailed; with the code it is stored, audited and announced", async () => {
    const { user, context } = await newStepUpUser("pk-add");
    const device = new SoftwareAuthenticator();
    const options = await passkeyRegistrationOptions(context);
    expect(options).toMatchObject({
      rp: { id: RP_ID },
      user: { id: Buffer.from(user.id).toString("base64url"), name: user.email },
      authenticatorSelection: { residentKey: "required", userVerification: "required" },
      excludeCredentials: [],
    });
    const response = JSON.stringify(device.register(options, { origin: ORIGIN, aaguid: "fbfc3007-154e-4ecc-8c0b-6e020557d7bd" }));

    const challenge = await expectStepUpRequired(addPasskey(context, response));
    expect(challenge).toMatchObject({ action: "passkey.add", description: 'add the passkey "iCloud Keychain"', steps: [["email_code"]] });
    expect(challenge.codeSent).toBe(true);
    expect(await passkeyCount(user.id)).toBe(0);
    const emails = await stepUpEmails(user.email);
    expect(emails.map((email) => email.subject)).toEqual(['Your code to add the passkey "iCloud Keychain"']);

    const code = await latestStepUpCode(user.email);
    const passkey = await addPasskey(withProof(context, challenge.id, { email_code: code }), response);
    expect(passkey).toMatchObject({ name: "iCloud Keychain", synced: false, lastUsedAt: null });
    const row = await db.passkey.findUniqueOrThrow({ where: { id: passkey.id } });
    expect(row).toMatchObject({
      userId: user.id,
      credentialId: (JSON.parse(response) as { id: string }).id,
      counter: 0n,
      aaguid: "fbfc3007-154e-4ecc-8c0b-6e020557d7bd",
      deviceType: "singleDevice",
      backedUp: false,
      transports: ["internal"],
    });
    expect(await db.auditEvent.count({ where: { actorId: user.id, type: "passkey.added", targetId: passkey.id } })).toBe(1);
    expect(await db.emailOutbox.count({ where: { to: user.email, subject: "A passkey was added to your account" } })).toBe(1);

    // The same answer again adds nothing: its registration challenge is spent.
    await expectPasskeyRefused(addPasskey(withProof(context, challenge.id, { email_code: code }), response));
    await expectPasskeyRefused(addPasskey(context, response));
    expect(await passkeyCount(user.id)).toBe(1);
  });

  it("with 2FA on the emailed code alone is not enough: the authenticator (or an existing passkey) must come with it", async () => {
    const { user, context } = await newStepUpUser("pk-2fa");
    const { secret } = await enableTwoFactorFor(user);
    const device = new SoftwareAuthenticator();
    const response = await registrationResponse(context, device);

    const challenge = await expectStepUpRequired(addPasskey(context, response));
    expect(challenge.steps).toEqual([["email_code"], ["authenticator", "recovery_code"]]);
    const code = await latestStepUpCode(user.email);
    await expectAppError(addPasskey(withProof(context, challenge.id, { email_code: code }), response), "SECOND_FACTOR_REQUIRED");
    expect(await passkeyCount(user.id)).toBe(0);

    await addPasskey(withProof(context, challenge.id, { email_code: code, authenticator: totpCode(secret) }), response);
    expect(await passkeyCount(user.id)).toBe(1);

    // A second passkey: the first one may stand in for the authenticator, never for the emailed code.
    const second = new SoftwareAuthenticator();
    const secondResponse = await registrationResponse(context, second);
    const next = await expectStepUpRequired(addPasskey(context, secondResponse));
    expect(next.steps).toEqual([["email_code"], ["authenticator", "recovery_code", "passkey"]]);
    expect(next.codeSent).toBe(true);
    const passkeyProof = assertionFor(next, device);
    await expectAppError(addPasskey(withProof(context, next.id, { passkey: passkeyProof }), secondResponse), "CODE_INVALID");
    await addPasskey(
      withProof(context, next.id, { email_code: await latestStepUpCode(user.email), passkey: passkeyProof }),
      secondResponse,
    );
    expect(await passkeyCount(user.id)).toBe(2);
  });

  it("lists the existing passkeys in excludeCredentials, so an authenticator is not added twice", async () => {
    const { context, device, credentialId } = await userWithPasskey("pk-exclude");
    const options = await passkeyRegistrationOptions(context);
    expect(options.excludeCredentials?.map((credential) => credential.id)).toEqual([credentialId]);
    expect(() => device.register(options, { origin: ORIGIN })).toThrow(expect.objectContaining({ name: "InvalidStateError" }));
    // Another device may register against the same options.
    expect(() => new SoftwareAuthenticator().register(options, { origin: ORIGIN })).not.toThrow();
  });

  const badRegistrations: [string, Partial<RegisterOptions>][] = [
    ["another origin", EVIL_ORIGIN],
    ["another RP ID", { rpId: "example.evil" }],
    ["no user verification", { userVerified: false }],
  ];

  it.each(badRegistrations)("a registration from %s is refused before any code is sent, nothing stored", async (_label, settings) => {
    const { user, context } = await newStepUpUser("pk-bad-reg");
    const response = await registrationResponse(context, new SoftwareAuthenticator(), settings);
    await expectPasskeyRefused(addPasskey(context, response));
    expect(await passkeyCount(user.id)).toBe(0);
    expect(await stepUpEmails(user.email)).toHaveLength(0);
  });

  it("a registration answering another session's options, or options older than 5 minutes, is refused", async () => {
    const { user, context } = await newStepUpUser("pk-reg-session");
    // Options for another session of the same user, answered in this one; and in another user's.
    const otherSession = { ...context, session: await newSession(user) };
    const response = await registrationResponse(otherSession, new SoftwareAuthenticator());
    await expectPasskeyRefused(addPasskey(context, response));
    await expectPasskeyRefused(addPasskey((await newStepUpUser("pk-reg-other")).context, response));

    const stale = await registrationResponse(context, new SoftwareAuthenticator());
    await db.$executeRaw`UPDATE webauthn_challenges SET expires_at = expires_at - interval '5 minutes 1 second' WHERE session_id = ${context.session.id}::uuid`;
    await expectPasskeyRefused(addPasskey(context, stale));
    expect(await passkeyCount(user.id)).toBe(0);
    expect(await stepUpEmails(user.email)).toHaveLength(0);
  });
});

describe("signing in with a passkey", () => {
  it("creates a session and audits auth.sign_in with the method; the counter and last use are kept", async () => {
    const { user, device, passkey, credentialId } = await userWithPasskey("pk-sign-in");
    const ip = freshIp();
    const result = await signInWithPasskey(await signInAssertion(device, ip), meta(ip));
    if (!result.ok) throw new Error(`refused: ${result.code}`);

    expect(result.user).toMatchObject({ id: user.id, email: user.email });
    expect(await resolveSession(result.sessionId)).toMatchObject({ user: { id: user.id } });
    const audit = await db.auditEvent.findMany({ where: { actorId: user.id, type: "auth.sign_in" } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      outcome: "SUCCESS",
      reason: "passkey",
      targetId: result.sessionId,
      ip,
      metadata: { passkey: passkey.id },
    });
    expect(await storedCounter(credentialId)).toBe(1);
    expect((await listPasskeys(user.id))[0]?.lastUsedAt).not.toBeNull();
  });

  it("through the sign-in action (next-auth's passkey provider): redirected in with a session cookie", async () => {
    const { user, device } = await userWithPasskey("pk-sign-in-action");
    const ip = freshIp();
    const headers = new Headers();
    jar.current = new ResponseCookies(headers);
    request.state.session = null;
    request.state.headers = sameOriginHeaders(getEnv().APP_URL, ip);

    const options = await passkeySignInOptionsAction({ ok: false }, {});
    const response = JSON.stringify(
      device.authenticate((options.data as { options: PublicKeyCredentialRequestOptionsJSON }).options, { origin: ORIGIN }),
    );
    const redirect = await passkeySignInAction({ ok: false }, { response, next: "/settings/security" }).then(
      () => null,
      (error: unknown) => error as { digest?: string },
    );
    expect(redirect?.digest).toContain("/settings/security");
    expect(headers.getSetCookie().some((cookie) => cookie.startsWith("authjs.session-token="))).toBe(true);
    expect(await sessionCount(user.id)).toBe(2);

    // The same answer again: refused with the generic message, no session.
    expect(await passkeySignInAction({ ok: false }, { response })).toMatchObject({ ok: false, code: "PASSKEY_REFUSED", message: REFUSED });
    expect(await sessionCount(user.id)).toBe(2);
  });

  it("10 parallel submissions of one assertion: exactly one session", async () => {
    const { user, device } = await userWithPasskey("pk-sign-in-race");
    const ip = freshIp();
    const response = await signInAssertion(device, ip);
    const results = await Promise.all(Array.from({ length: 10 }, () => signInWithPasskey(response, meta(ip))));
    expect(results.filter((result) => result.ok)).toHaveLength(1);
    expect(results.filter((result) => !result.ok && result.code === "PASSKEY_REFUSED")).toHaveLength(9);
    expect(await sessionCount(user.id)).toBe(2);
    expect(await db.auditEvent.count({ where: { actorId: user.id, type: "auth.sign_in" } })).toBe(1);
  });

  it("refuses a replay, another origin, another RP ID, no user verification, a bad signature and stale options, each audited", async () => {
    const { user, device } = await userWithPasskey("pk-sign-in-refusals");

    const ip = freshIp();
    const used = await signInAssertion(device, ip);
    expect(await signInWithPasskey(used, meta(ip))).toMatchObject({ ok: true });
    await signInRefused(used, ip, user.id, "challenge_invalid");

    const cases: [string, Partial<AuthenticateOptions>][] = [
      ["another origin", EVIL_ORIGIN],
      ["another RP ID", { rpId: "example.evil" }],
      ["no user verification", { userVerified: false }],
      ["a bad signature", { tamper: { signature: true } }],
    ];
    for (const [, settings] of cases) {
      const caseIp = freshIp();
      await signInRefused(await signInAssertion(device, caseIp, settings), caseIp, user.id, "verification_failed");
    }

    const staleIp = freshIp();
    const stale = await signInAssertion(device, staleIp);
    await db.$executeRaw`UPDATE webauthn_challenges SET expires_at = expires_at - interval '5 minutes 1 second'
      WHERE purpose = 'SIGN_IN' AND consumed_at IS NULL AND expires_at > now()`;
    await signInRefused(stale, staleIp, user.id, "challenge_invalid");
  });

  it("an assertion made for a step-up challenge does not sign anyone in", async () => {
    const { user, context, device } = await userWithPasskey("pk-sign-in-purpose");
    const challenge = await tokenChallenge(context, "purpose");
    const ip = freshIp();
    await signInRefused(assertionFor(challenge, device), ip, user.id, "challenge_invalid");
  });

  it("a counter that goes backwards is refused and audited; a counter of 0 (a synced passkey) is accepted every time", async () => {
    const { user, device, credentialId } = await userWithPasskey("pk-counter");
    const ip = freshIp();
    expect(await signInWithPasskey(await signInAssertion(device, ip, { counter: 7 }), meta(ip))).toMatchObject({ ok: true });
    expect(await storedCounter(credentialId)).toBe(7);
    await signInRefused(await signInAssertion(device, ip, { counter: "decrease" }), ip, user.id, "counter_regressed");
    const cloneIp = freshIp();
    await signInRefused(await signInAssertion(device, cloneIp, { counter: "same" }), cloneIp, user.id, "counter_regressed");
    expect(await storedCounter(credentialId)).toBe(7);

    const synced = await userWithPasskey("pk-synced", { backupEligible: true, backedUp: true });
    expect(synced.passkey.synced).toBe(true);
    for (let i = 0; i < 3; i++) {
      const syncedIp = freshIp();
      expect(await signInWithPasskey(await signInAssertion(synced.device, syncedIp, { counter: 0 }), meta(syncedIp))).toMatchObject({
        ok: true,
      });
    }
    expect(await storedCounter(synced.credentialId)).toBe(0);
  });

  it("a credential whose row is moved to another account signs in to neither", async () => {
    const { user, device, credentialId } = await userWithPasskey("pk-moved");
    const { user: other } = await newStepUpUser("pk-moved-to");
    await db.passkey.update({ where: { credentialId }, data: { userId: other.id } });
    const ip = freshIp();
    await signInRefused(await signInAssertion(device, ip), ip, other.id, "user_mismatch");
    expect(await sessionCount(user.id)).toBe(1);
  });

  it("counts failed assertions per address like password sign-in: over the limit even a good one is refused, elsewhere it works", async () => {
    const { user, device } = await userWithPasskey("pk-per-ip");
    const ip = freshIp();
    for (let i = 0; i < SIGN_IN_LIMITS.perIp.limit; i++) {
      expect(await signInWithPasskey(await signInAssertion(device, ip, { userVerified: false }), meta(ip))).toEqual({
        ok: false,
        code: "PASSKEY_REFUSED",
      });
    }
    const limited = await signInWithPasskey(await signInAssertion(device, ip), meta(ip));
    expect(limited).toMatchObject({ ok: false, code: "RATE_LIMITED", retryAfterSeconds: expect.any(Number) });
    expect(
      await db.auditEvent.count({ where: { type: "auth.sign_in_failed", ip, outcome: "BLOCKED", reason: "passkey:rate_limited" } }),
    ).toBe(1);
    expect(await sessionCount(user.id)).toBe(1);

    const elsewhere = freshIp();
    expect(await signInWithPasskey(await signInAssertion(device, elsewhere), meta(elsewhere))).toMatchObject({ ok: true });
  });

  it("a successful sign-in takes back its own hit on the address's budget", async () => {
    const { device } = await userWithPasskey("pk-forgive");
    const ip = freshIp();
    for (let i = 0; i < SIGN_IN_LIMITS.perIp.limit + 5; i++) {
      expect(await signInWithPasskey(await signInAssertion(device, ip), meta(ip))).toMatchObject({ ok: true });
    }
  });
});

describe("step-up with a passkey", () => {
  it("a sudo action offers the passkey and emails nothing; the assertion makes the change once and step_up.verified records it", async () => {
    const { user, context, device, credentialId } = await userWithPasskey("pk-sudo");
    const emailsBefore = (await stepUpEmails(user.email)).length;

    const challenge = await tokenChallenge(context, "ci-deploy");
    expect(challenge.steps).toEqual([["passkey", "email_code"]]);
    expect(challenge.codeSent).toBe(false);
    expect(challenge.passkeyOptions).toMatchObject({
      rpId: RP_ID,
      userVerification: "required",
      allowCredentials: [{ id: credentialId, type: "public-key" }],
    });
    expect(await stepUpEmails(user.email)).toHaveLength(emailsBefore);
    expect(await tokenCount(user.id)).toBe(0);

    const created = await createApiToken(
      withProof(context, challenge.id, { passkey: assertionFor(challenge, device) }),
      tokenRequest("ci-deploy"),
    );
    expect(created.apiToken.name).toBe("ci-deploy");
    expect(await tokenCount(user.id)).toBe(1);
    expect(await stepUpEmails(user.email)).toHaveLength(emailsBefore);
    const verified = await db.auditEvent.findMany({ where: { actorId: user.id, type: "step_up.verified", targetId: challenge.id } });
    expect(verified).toHaveLength(1);
    expect(verified[0]).toMatchObject({
      outcome: "SUCCESS",
      reason: "sudo",
      metadata: { action: "api_token.create", proofs: ["passkey"] },
    });
    expect(await storedCounter(credentialId)).toBe(1);

    // The sudo window is open: the next action sharing it needs nothing.
    await createApiToken(context, tokenRequest("second"));
    expect(await tokenCount(user.id)).toBe(2);
  });

  it('"Email me a code instead": the code is sent then, and it works', async () => {
    const { user, context } = await userWithPasskey("pk-email-instead");
    const emailsBefore = (await stepUpEmails(user.email)).length;
    const challenge = await tokenChallenge(context, "by-email");

    const resent = await resendChallenge(context, challenge.id);
    expect(resent).toMatchObject({ id: challenge.id, codeSent: true, steps: [["passkey", "email_code"]] });
    const emails = await stepUpEmails(user.email);
    expect(emails).toHaveLength(emailsBefore + 1);
    expect(emails[0]?.subject).toBe('Your code to create API token "by-email"');

    await createApiToken(withProof(context, challenge.id, { email_code: await latestStepUpCode(user.email) }), tokenRequest("by-email"));
    expect(await tokenCount(user.id)).toBe(1);
  });

  it("10 parallel submissions of one assertion with the change: exactly one change", async () => {
    const { user, context, device } = await userWithPasskey("pk-race");
    const challenge = await tokenChallenge(context, "race");
    const proof = withProof(context, challenge.id, { passkey: assertionFor(challenge, device) });
    const results = await Promise.allSettled(Array.from({ length: 10 }, () => createApiToken(proof, tokenRequest("race"))));
    expect(results.filter((result) => result.status === "fulfilled")).toHaveLength(1);
    expect(await tokenCount(user.id)).toBe(1);
    expect(await auditCount("api_token.created", user.id)).toBe(1);
    expect(await db.auditEvent.count({ where: { actorId: user.id, type: "step_up.verified", targetId: challenge.id } })).toBe(1);
  });

  describe("refusals: nothing changes, and the answer is the one generic message", () => {
    let user: TestUser;
    let context: RequestContext;
    let device: SoftwareAuthenticator;
    let credentialId: string;
    let challenge: StepUpChallengeDto;

    beforeEach(async () => {
      ({ user, context, device, credentialId } = await userWithPasskey("pk-refusal"));
      challenge = await tokenChallenge(context, "refused");
    });

    /** The change sent with `passkey` as its proof is refused, and nothing moved: no token, grant, or counter. */
    async function expectRefusedChange(passkey: string, answering: StepUpChallengeDto = challenge, name = "refused"): Promise<void> {
      const state = () =>
        Promise.all([
          db.passkey.findMany({ select: { credentialId: true, counter: true, lastUsedAt: true }, orderBy: { id: "asc" } }),
          db.stepUpGrant.count({ where: { userId: user.id } }),
          db.webAuthnChallenge.count({ where: { consumedAt: { not: null } } }),
        ]);
      const before = await state();
      const failedBefore = await auditCount("step_up.verify_failed", user.id);
      await expectPasskeyRefused(createApiToken(withProof(context, answering.id, { passkey }), tokenRequest(name)));
      expect(await tokenCount(user.id)).toBe(0);
      expect(await state()).toEqual(before);
      expect(await auditCount("step_up.verify_failed", user.id)).toBe(failedBefore + 1);
    }

    it("an assertion from another user's credential", async () => {
      const other = await userWithPasskey("pk-intruder");
      await expectRefusedChange(assertionFor(challenge, other.device, { credentialId: other.credentialId }));
      // The challenge is intact: the user's own passkey still works.
      await createApiToken(withProof(context, challenge.id, { passkey: assertionFor(challenge, device) }), tokenRequest("refused"));
      expect(await tokenCount(user.id)).toBe(1);
    });

    it("a replayed assertion", async () => {
      const assertion = assertionFor(challenge, device);
      await createApiToken(withProof(context, challenge.id, { passkey: assertion }), tokenRequest("refused"));
      expect(await tokenCount(user.id)).toBe(1);
      // The same assertion for the next challenge (the window closed in between).
      await db.stepUpGrant.deleteMany({ where: { userId: user.id } });
      const next = await tokenChallenge(context, "again");
      await expectPasskeyRefused(createApiToken(withProof(context, next.id, { passkey: assertion }), tokenRequest("again")));
      expect(await tokenCount(user.id)).toBe(1);
      // The same assertion for the same, proven challenge.
      await expectAppError(
        createApiToken(withProof(context, challenge.id, { passkey: assertion }), tokenRequest("refused")),
        "CODE_INVALID",
      );
      expect(await tokenCount(user.id)).toBe(1);
    });

    it("another origin", async () => {
      await expectRefusedChange(assertionFor(challenge, device, EVIL_ORIGIN));
    });

    it("another RP ID", async () => {
      await expectRefusedChange(assertionFor(challenge, device, { rpId: "example.evil" }));
    });

    it("no user verification", async () => {
      await expectRefusedChange(assertionFor(challenge, device, { userVerified: false }));
    });

    it("a corrupted signature", async () => {
      await expectRefusedChange(assertionFor(challenge, device, { tamper: { signature: true } }));
    });

    it("an assertion made for another step-up challenge (another action or payload)", async () => {
      const otherPayload = await tokenChallenge(context, "other-name");
      await expectRefusedChange(assertionFor(otherPayload, device));
      const otherAction = await expectStepUpRequired(signOutOtherSessions(context));
      await expectRefusedChange(assertionFor(otherAction, device));
      // And the other way round: this challenge's assertion sent with the other challenge and its change.
      await expectRefusedChange(assertionFor(challenge, device), otherPayload, "other-name");
    });

    it("a sign-in assertion", async () => {
      await expectRefusedChange(await signInAssertion(device, freshIp()));
    });

    it("an expired challenge (its WebAuthn challenge older than 5 minutes)", async () => {
      const assertion = assertionFor(challenge, device);
      await db.$executeRaw`UPDATE webauthn_challenges SET expires_at = expires_at - interval '5 minutes 1 second'
        WHERE step_up_challenge_id = ${challenge.id}::uuid`;
      await expectRefusedChange(assertion);
    });

    it("a counter that goes backwards, audited as a refused assertion", async () => {
      const warmup = await tokenChallenge(context, "warm-up");
      await createApiToken(
        withProof(context, warmup.id, { passkey: assertionFor(warmup, device, { counter: 9 }) }),
        tokenRequest("warm-up"),
      );
      await db.stepUpGrant.deleteMany({ where: { userId: user.id } });
      await db.apiToken.deleteMany({ where: { userId: user.id } });
      const again = await tokenChallenge(context, "refused-again");

      await expectRefusedChange(assertionFor(again, device, { counter: "decrease" }), again, "refused-again");
      const refused = await db.auditEvent.findMany({ where: { actorId: user.id, type: "passkey.assertion_refused" } });
      expect(refused).toHaveLength(1);
      const passkey = await db.passkey.findUniqueOrThrow({ where: { credentialId } });
      expect(refused[0]).toMatchObject({ outcome: "BLOCKED", reason: "counter_regressed", targetId: passkey.id });
      expect(await storedCounter(credentialId)).toBe(9);
    });

    it("a credential whose row was moved to another account", async () => {
      const { user: other, context: otherContext } = await newStepUpUser("pk-moved-owner");
      await db.passkey.update({ where: { credentialId }, data: { userId: other.id } });
      // The old owner has no passkey left to offer: the step wants the emailed code, nothing is compared…
      await expectAppError(
        createApiToken(withProof(context, challenge.id, { passkey: assertionFor(challenge, device) }), tokenRequest("refused")),
        "CODE_INVALID",
      );
      expect(await challengeAttempts(challenge.id)).toBe(0);
      // …and the new owner's challenge offers it, but its user handle names someone else.
      const moved = await expectStepUpRequired(createApiToken(otherContext, tokenRequest("moved")));
      expect(moved.passkeyOptions?.allowCredentials?.map((credential) => credential.id)).toEqual([credentialId]);
      await expectPasskeyRefused(
        createApiToken(withProof(otherContext, moved.id, { passkey: assertionFor(moved, device) }), tokenRequest("moved")),
      );
      expect(await tokenCount(other.id)).toBe(0);
    });

    it("a malformed proof is bad input: refused before anything is counted", async () => {
      request.state.session = context.session;
      request.state.headers = sameOriginHeaders(getEnv().APP_URL);
      request.state.deferred = [];
      for (const passkey of ["{not json", JSON.stringify({ id: 1 }), 42, "x".repeat(PASSKEY_RESPONSE_MAX_LENGTH + 1)]) {
        const result = await createApiTokenAction(
          { ok: false },
          { ...tokenRequest("refused"), stepUp: { challengeId: challenge.id, proofs: { passkey } } },
        );
        expect(result).toMatchObject({ ok: false, code: "VALIDATION_FAILED" });
      }
      expect(await challengeAttempts(challenge.id)).toBe(0);
      expect(await failureState(user.id)).toEqual({ failures: 0, lockouts: 0, lockedUntil: null });
      expect(await tokenCount(user.id)).toBe(0);
    });
  });

  it("a counter of 0 (a synced passkey) is accepted for step-up again and again", async () => {
    const { user, context, device, credentialId } = await userWithPasskey("pk-synced-step-up", { backupEligible: true, backedUp: true });
    for (const name of ["one", "two", "three"]) {
      await db.stepUpGrant.deleteMany({ where: { userId: user.id } });
      const challenge = await tokenChallenge(context, name);
      await createApiToken(
        withProof(context, challenge.id, { passkey: assertionFor(challenge, device, { counter: 0 }) }),
        tokenRequest(name),
      );
    }
    expect(await tokenCount(user.id)).toBe(3);
    expect(await storedCounter(credentialId)).toBe(0);
  });
});

describe("managing passkeys", () => {
  it("renaming needs no step-up, is audited, and touches only the user's own passkeys", async () => {
    const { user, context, passkey } = await userWithPasskey("pk-rename");
    const emailsBefore = (await stepUpEmails(user.email)).length;
    await renamePasskey(context, passkey.id, "Work laptop");
    expect((await listPasskeys(user.id)).map((key) => key.name)).toEqual(["Work laptop"]);
    expect(await stepUpEmails(user.email)).toHaveLength(emailsBefore);
    expect(await db.auditEvent.count({ where: { actorId: user.id, type: "passkey.renamed", targetId: passkey.id } })).toBe(1);

    const { context: otherContext } = await newStepUpUser("pk-rename-other");
    await expectAppError(renamePasskey(otherContext, passkey.id, "Mine now"), "NOT_FOUND");
    expect((await listPasskeys(user.id)).map((key) => key.name)).toEqual(["Work laptop"]);
  });

  it("removing needs step-up (the passkey itself will do); afterwards it signs in no more", async () => {
    const { user, context, device, passkey } = await userWithPasskey("pk-remove");
    const challenge = await expectStepUpRequired(removePasskey(context, passkey.id));
    expect(challenge).toMatchObject({ action: "passkey.remove", steps: [["passkey", "email_code"]], codeSent: false });
    expect(await passkeyCount(user.id)).toBe(1);

    await removePasskey(withProof(context, challenge.id, { passkey: assertionFor(challenge, device) }), passkey.id);
    expect(await passkeyCount(user.id)).toBe(0);
    expect(await db.auditEvent.count({ where: { actorId: user.id, type: "passkey.removed", targetId: passkey.id } })).toBe(1);

    const ip = freshIp();
    await signInRefused(await signInAssertion(device, ip), ip, user.id, "unknown_credential");
    const { context: otherContext } = await newStepUpUser("pk-remove-other");
    await expectAppError(removePasskey(otherContext, passkey.id), "NOT_FOUND");
  });
});

describe("the server actions refuse bad input", () => {
  let user: TestUser;
  let context: RequestContext;

  beforeEach(async () => {
    ({ user, context } = await newStepUpUser("pk-actions"));
    request.state.session = context.session;
    request.state.headers = sameOriginHeaders(getEnv().APP_URL, freshIp());
    request.state.deferred = [];
  });

  const badResponses: [string, unknown][] = [
    ["malformed JSON", "{not json"],
    ["JSON of the wrong shape", JSON.stringify({ id: 1, response: "yes" })],
    ["JSON with wrong types", JSON.stringify({ id: "abc", rawId: "abc", type: "public-key", response: { clientDataJSON: 5 } })],
    ["a number", 42],
    ["an object", { id: "abc" }],
    ["an array", ["{}"]],
    ["more than 16 KB", `{"id":"${"A".repeat(PASSKEY_RESPONSE_MAX_LENGTH)}"}`],
  ];

  function expectValidationFailed(result: { ok: boolean; code?: ErrorCode }): void {
    expect(result).toMatchObject({ ok: false, code: "VALIDATION_FAILED" });
    expect(JSON.stringify(result).length).toBeLessThan(4000);
  }

  it.each(badResponses)("adding a passkey with %s: VALIDATION_FAILED, nothing stored, no code sent", async (_label, response) => {
    await passkeyRegistrationOptionsAction({ ok: false }, {});
    expectValidationFailed(await addPasskeyAction({ ok: false }, { response }));
    expect(await passkeyCount(user.id)).toBe(0);
    expect(await stepUpEmails(user.email)).toHaveLength(0);
    expect(await db.stepUpChallenge.count({ where: { userId: user.id } })).toBe(0);
  });

  it.each(badResponses)("signing in with %s: VALIDATION_FAILED, no session", async (_label, response) => {
    request.state.session = null;
    jar.current = new ResponseCookies(new Headers());
    expectValidationFailed(await passkeySignInAction({ ok: false }, { response }));
    expect(await sessionCount(user.id)).toBe(1);
  });

  const badRenames: [string, (passkeyId: string) => Record<string, unknown>][] = [
    ["a malformed id", () => ({ passkeyId: "1 OR 1=1", name: "Phone" })],
    ["an id that is an array", (passkeyId) => ({ passkeyId: [passkeyId], name: "Phone" })],
    ["an empty name", (passkeyId) => ({ passkeyId, name: "  " })],
    ["a 10 KB name", (passkeyId) => ({ passkeyId, name: "x".repeat(10 * 1024) })],
    ["a name that is an array", (passkeyId) => ({ passkeyId, name: ["a", "b"] })],
  ];

  it.each(badRenames)("renaming with %s: VALIDATION_FAILED, the name unchanged", async (_label, input) => {
    const { passkey } = await addPasskeyWith(context, new SoftwareAuthenticator());
    expectValidationFailed(await renamePasskeyAction({ ok: false }, input(passkey.id)));
    expect((await listPasskeys(user.id)).map((key) => key.name)).toEqual([passkey.name]);
  });

  it.each([
    ["a malformed id", "1 OR 1=1"],
    ["a number", 42],
    ["an array", [crypto.randomUUID()]],
  ])("removing with %s: VALIDATION_FAILED", async (_label, passkeyId) => {
    expectValidationFailed(await removePasskeyAction({ ok: false }, { passkeyId }));
    expect(await db.stepUpChallenge.count({ where: { userId: user.id } })).toBe(0);
  });

  it("the actions work with good input: options, add behind step-up, rename, remove behind step-up", async () => {
    const device = new SoftwareAuthenticator();
    const options = await passkeyRegistrationOptionsAction({ ok: false }, {});
    expect(options.ok).toBe(true);
    const response = JSON.stringify(
      device.register((options.data as { options: PublicKeyCredentialCreationOptionsJSON }).options, { origin: ORIGIN }),
    );
    const refused = await addPasskeyAction({ ok: false }, { response });
    expect(refused).toMatchObject({ ok: false, code: "STEP_UP_REQUIRED", status: "step_up_required" });
    const added = await addPasskeyAction(
      { ok: false },
      { response, stepUp: { challengeId: refused.challenge?.id, proofs: { email_code: await latestStepUpCode(user.email) } } },
    );
    expect(added).toMatchObject({ ok: true, message: "Passkey added." });
    const [passkey] = await listPasskeys(user.id);
    if (!passkey) throw new Error("no passkey");
    expect(await renamePasskeyAction({ ok: false }, { passkeyId: passkey.id, name: "Phone" })).toMatchObject({ ok: true });
    const remove = await removePasskeyAction({ ok: false }, { passkeyId: passkey.id });
    expect(remove).toMatchObject({ ok: false, code: "STEP_UP_REQUIRED" });
    if (!remove.challenge) throw new Error("no challenge");
    const removed = await removePasskeyAction(
      { ok: false },
      { passkeyId: passkey.id, stepUp: { challengeId: remove.challenge.id, proofs: { passkey: assertionFor(remove.challenge, device) } } },
    );
    expect(removed).toMatchObject({ ok: true, message: "Passkey removed." });
    expect(await passkeyCount(user.id)).toBe(0);
  });
});
