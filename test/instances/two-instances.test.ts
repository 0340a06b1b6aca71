import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { hashPassword } from "@/lib/auth/password";
import { SIGN_IN_LIMITS } from "@/lib/auth/sign-in-limits";
import { db, disconnectDb } from "@/lib/db";
import { CODE_POLICIES } from "@/lib/one-time-code/policy";
import { STEP_UP_LIMITS } from "@/lib/step-up/policy";
import type { ActionState } from "@/shared/action-state";
import type { StepUpChallengeDto } from "@/shared/step-up";
import { randomEmail, STRONG_PASSWORD } from "@/test/helpers/fixtures";
import { ageCode, ageRateLimits, auditCount, challengeAttempts, failureState, tokenRequest, wrongCode } from "@/test/helpers/step-up";
import { AppClient, CODE_EMAIL_SUBJECT, emailsTo, ServerActions, waitForCode, withProof, type CodeReader } from "@/tooling/app-client";
import { PROD_DIST_DIR, startProdStack, type ProdStack } from "@/tooling/prod-stack";

// Issue 6: two production servers on one Postgres behave as one. Every test drives instance A and
// instance B alternately with the same browser (cookie jar) and would fail if the state it checks
// lived in one process's memory.

let stack: ProdStack;
let actions: ServerActions;
let A: string;
let B: string;
let passwordHash: string;
let nextIp = 1;

beforeAll(async () => {
  stack = await startProdStack({ instances: 2, basePort: 3300, name: "instances" });
  [A, B] = stack.urls as [string, string];
  actions = ServerActions.fromBuild(PROD_DIST_DIR);
  passwordHash = await hashPassword(STRONG_PASSWORD);
});

afterAll(async () => {
  try {
    await disconnectDb();
  } finally {
    await stack?.stop();
  }
});

type Account = { id: string; email: string };

async function newAccount(label: string): Promise<Account> {
  return db.user.create({
    data: { email: randomEmail(label), passwordHash, emailVerifiedAt: new Date() },
    select: { id: true, email: true },
  });
}

/** A fresh browser with its own client address (per-IP limits never mix between tests). */
function browser(): AppClient {
  const ip = `198.51.100.${nextIp++}`;
  return new AppClient({ appUrl: stack.appUrl, actions, ip });
}

async function signedIn(account: Account, on: string): Promise<AppClient> {
  const client = browser();
  const reply = await client.signIn(on, account.email, STRONG_PASSWORD);
  expect(reply).toMatchObject({ redirect: "/settings", state: null });
  return client;
}

/** Reads the newest code emailed to `account` at or after the delivery count `after`. */
const codeFor =
  (account: Account, after = 0): CodeReader =>
  () =>
    waitForCode(stack.resend, account.email, { after });
const codeEmailCount = (account: Account) => emailsTo(stack.resend, account.email, CODE_EMAIL_SUBJECT).length;
const alternate = (index: number) => (index % 2 === 0 ? A : B);

function expectChallenge(state: { status?: string; challenge?: StepUpChallengeDto }): StepUpChallengeDto {
  expect(state).toMatchObject({ ok: false, code: "STEP_UP_REQUIRED", status: "step_up_required" });
  return state.challenge!;
}

async function sessionIdOf(account: Account, client: AppClient): Promise<string> {
  const session = await db.session.findFirstOrThrow({
    where: { userId: account.id, ip: client.ip, revokedAt: null },
    select: { id: true },
  });
  return session.id;
}

describe("two production servers sharing one Postgres, driven alternately", () => {
  test("both instances serve the same browser: signed in through A, its session works on B", async () => {
    const account = await newAccount("both");
    const client = await signedIn(account, A);
    expect(client.cookieNames()).toContain("__Secure-authjs.session-token");
    for (const on of [A, B]) expect((await client.get(on, "/settings/security")).status).toBe(200);
    expect(await db.session.count({ where: { userId: account.id } })).toBe(1);
  });

  describe("send limits", () => {
    /** Asks for challenges with a new payload each time until refused; returns how many were sent. */
    async function sendUntilRefused(
      account: Account,
      client: AppClient,
      instanceFor: (index: number) => string,
    ): Promise<{ sent: number; refusal: unknown }> {
      for (let index = 0; index < STEP_UP_LIMITS.sendsPerHour + 3; index++) {
        const state = await client.action(instanceFor(index), "createApiTokenAction", tokenRequest(`send-${index}`));
        if (state.status !== "step_up_required") return { sent: index, refusal: state };
        expect(codeEmailCount(account)).toBe(index + 1);
      }
      throw new Error(`the send limit did not trip in ${STEP_UP_LIMITS.sendsPerHour + 3} sends`);
    }

    test(`the per-hour send limit (${STEP_UP_LIMITS.sendsPerHour}) trips at the same count alternating A/B as on A alone`, async () => {
      const alone = await newAccount("sends-alone");
      const onA = await sendUntilRefused(alone, await signedIn(alone, A), () => A);

      const account = await newAccount("sends");
      const client = await signedIn(account, A);
      const alternating = await sendUntilRefused(account, client, alternate);

      expect(onA.sent).toBe(STEP_UP_LIMITS.sendsPerHour);
      expect(alternating.sent).toBe(onA.sent);
      expect(alternating.refusal).toMatchObject({ ok: false, code: "RATE_LIMITED", retryAfterSeconds: expect.any(Number) });
      // The next request goes to the other instance, which refuses too.
      expect(
        await client.action(alternate(STEP_UP_LIMITS.sendsPerHour + 1), "createApiTokenAction", tokenRequest("one-more")),
      ).toMatchObject({ code: "RATE_LIMITED" });
      expect(codeEmailCount(account)).toBe(STEP_UP_LIMITS.sendsPerHour);
      expect(await auditCount("step_up.challenge_sent", account.id)).toBe(STEP_UP_LIMITS.sendsPerHour);
      expect(await auditCount("step_up.rate_limited", account.id)).toBe(2);
      expect(await db.stepUpChallenge.count({ where: { userId: account.id } })).toBe(STEP_UP_LIMITS.sendsPerHour);
    });

    test(`the ${CODE_POLICIES.STEP_UP.resendCooldownSeconds} s resend cooldown started on one instance holds on the other`, async () => {
      const account = await newAccount("cooldown");
      const client = await signedIn(account, A);
      const first = expectChallenge(await client.action(A, "createApiTokenAction", tokenRequest("cooldown")));

      // The same request on B within the cooldown gets the pending challenge back, and no second email.
      expect(expectChallenge(await client.action(B, "createApiTokenAction", tokenRequest("cooldown"))).id).toBe(first.id);
      for (const on of [B, A]) {
        const resend = await client.action(on, "resendStepUpCodeAction", { challengeId: first.id });
        expect(resend).toMatchObject({ ok: false, code: "RESEND_TOO_SOON" });
        expect(resend.retryAfterSeconds).toBeGreaterThan(0);
        expect(resend.retryAfterSeconds).toBeLessThanOrEqual(CODE_POLICIES.STEP_UP.resendCooldownSeconds);
      }
      expect(codeEmailCount(account)).toBe(1);

      // Once the cooldown has passed (database time), B resends; A then refuses at once.
      await ageCode(first.id, CODE_POLICIES.STEP_UP.resendCooldownSeconds + 1);
      const oldCode = await waitForCode(stack.resend, account.email);
      expect(await client.action(B, "resendStepUpCodeAction", { challengeId: first.id })).toMatchObject({
        ok: true,
        challenge: { id: first.id },
      });
      expect(codeEmailCount(account)).toBe(2);
      expect(await client.action(A, "resendStepUpCodeAction", { challengeId: first.id })).toMatchObject({
        ok: false,
        code: "RESEND_TOO_SOON",
      });
      expect(codeEmailCount(account)).toBe(2);
      // The resend on B replaced the code for A too.
      const newCode = await waitForCode(stack.resend, account.email);
      // (The new code equals the old one once in a million.)
      if (oldCode !== newCode) {
        expect(await client.action(A, "createApiTokenAction", withProof(tokenRequest("cooldown"), first, oldCode))).toMatchObject({
          ok: false,
          code: "CODE_INVALID",
        });
      }
      expect(await client.action(A, "createApiTokenAction", withProof(tokenRequest("cooldown"), first, newCode))).toMatchObject({
        ok: true,
      });
      expect(await db.apiToken.count({ where: { userId: account.id } })).toBe(1);
    });
  });

  test(`attempt limit: wrong codes alternately on B and A count down one challenge's ${CODE_POLICIES.STEP_UP.maxAttempts} attempts, then it is dead`, async () => {
    const account = await newAccount("attempts");
    const client = await signedIn(account, A);
    const challenge = expectChallenge(await client.action(A, "createApiTokenAction", tokenRequest("attempts")));
    const code = await codeFor(account)(challenge);
    const maxAttempts = CODE_POLICIES.STEP_UP.maxAttempts;
    expect(challenge.attemptsLeft).toBe(maxAttempts);

    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      const state = await client.action(
        alternate(attempt),
        "createApiTokenAction",
        withProof(tokenRequest("attempts"), challenge, wrongCode(code)),
      );
      const attemptsLeft = maxAttempts - attempt;
      expect(state).toMatchObject({ ok: false, code: attemptsLeft ? "CODE_INVALID" : "TOO_MANY_ATTEMPTS", attemptsLeft });
    }
    // Even the right code, on either instance, no longer works.
    for (const on of [A, B]) {
      expect(await client.action(on, "createApiTokenAction", withProof(tokenRequest("attempts"), challenge, code))).toMatchObject({
        ok: false,
        code: "TOO_MANY_ATTEMPTS",
      });
    }
    expect(await challengeAttempts(challenge.id)).toBe(maxAttempts);
    expect(await auditCount("step_up.verify_failed", account.id)).toBe(maxAttempts + 2);
    expect(await db.stepUpGrant.count({ where: { userId: account.id } })).toBe(0);
    expect(await db.apiToken.count({ where: { userId: account.id } })).toBe(0);
  });

  describe("lockouts", () => {
    /** About the first lock's length, `elapsed` seconds at most after it began (the column keeps milliseconds, so +1 s of rounding). */
    function expectLockSeconds(retryAfterSeconds: number | undefined, elapsed: number): void {
      expect(retryAfterSeconds).toBeGreaterThanOrEqual(STEP_UP_LIMITS.lockMinutes * 60 - elapsed);
      expect(retryAfterSeconds).toBeLessThanOrEqual(STEP_UP_LIMITS.lockMinutes * 60 + 1);
    }

    test(`${STEP_UP_LIMITS.failuresBeforeLock} wrong codes across two challenges and both instances lock step-up on both`, async () => {
      const account = await newAccount("lockout");
      const client = await signedIn(account, A);
      const first = expectChallenge(await client.action(A, "createApiTokenAction", tokenRequest("lock-1")));
      const second = expectChallenge(await client.action(B, "createApiTokenAction", tokenRequest("lock-2")));
      const code = await waitForCode(stack.resend, account.email);
      const challenges = [first, second];

      const answers: ActionState[] = [];
      for (let failure = 0; failure < STEP_UP_LIMITS.failuresBeforeLock; failure++) {
        // c1 A, c2 A, c1 B, c2 B, …: each challenge sees both instances.
        const which = failure % 2;
        answers.push(
          await client.action(
            alternate(Math.floor(failure / 2)),
            "createApiTokenAction",
            withProof(tokenRequest(`lock-${which + 1}`), challenges[which]!, wrongCode(code)),
          ),
        );
      }
      expect(answers.map((answer) => answer.code)).toEqual([
        ...Array<string>(STEP_UP_LIMITS.failuresBeforeLock - 2).fill("CODE_INVALID"),
        "TOO_MANY_ATTEMPTS",
        "STEP_UP_LOCKED",
      ]);
      expectLockSeconds(answers.at(-1)?.retryAfterSeconds, 0);

      for (const on of [A, B]) {
        const state = await client.action(on, "createApiTokenAction", tokenRequest(`after-lock-${on}`));
        expect(state).toMatchObject({ ok: false, code: "STEP_UP_LOCKED" });
        expectLockSeconds(state.retryAfterSeconds, 60);
      }
      const state = await failureState(account.id);
      expect(state.lockouts).toBe(1);
      expect(state.lockedUntil!.getTime()).toBeGreaterThan(Date.now() + (STEP_UP_LIMITS.lockMinutes - 1) * 60_000);
      expect(await auditCount("step_up.locked", account.id)).toBe(1);
      expect(await auditCount("step_up.challenge_sent", account.id)).toBe(2);
    });

    test(`the sign-in limit (${SIGN_IN_LIMITS.perAccount.limit} per account) counts guesses on both instances, from different addresses`, async () => {
      const account = await newAccount("sign-in");
      const limit = SIGN_IN_LIMITS.perAccount.limit;
      for (let guess = 0; guess < limit; guess++) {
        const reply = await browser().signIn(alternate(guess), account.email, "wrong-password-guess");
        expect(reply.state).toMatchObject({ ok: false, code: "INVALID_CREDENTIALS" });
      }
      // The right password is refused now, on both instances, from yet other addresses.
      for (const on of [A, B]) {
        const reply = await browser().signIn(on, account.email, STRONG_PASSWORD);
        expect(reply.redirect).toBeNull();
        expect(reply.state).toMatchObject({ ok: false, code: "RATE_LIMITED" });
        expect(reply.state?.retryAfterSeconds).toBeGreaterThan(0);
      }
      expect(await db.session.count({ where: { userId: account.id } })).toBe(0);
      expect(await db.auditEvent.count({ where: { type: "auth.sign_in_failed", actorId: account.id, outcome: "FAILURE" } })).toBe(limit);
      expect(await db.auditEvent.count({ where: { type: "auth.sign_in_failed", actorId: account.id, outcome: "BLOCKED" } })).toBe(2);
    });
  });

  describe("sudo windows and single-use grants", () => {
    test("a code asked for on A and answered on B opens the sudo window on both: the change lands once, the next sudo action on A needs no code", async () => {
      const account = await newAccount("sudo");
      const client = await signedIn(account, A);
      const { state, challenge } = await client.withStepUp<{ token: string }>(
        A,
        "createApiTokenAction",
        tokenRequest("sudo-1"),
        codeFor(account),
        { answerOn: B },
      );
      expect(state).toMatchObject({ ok: true, data: { token: expect.stringMatching(/^asec_/) } });
      expect(await db.apiToken.count({ where: { userId: account.id } })).toBe(1);

      expect(await client.action(A, "createApiTokenAction", tokenRequest("sudo-2"))).toMatchObject({ ok: true });
      expect(codeEmailCount(account)).toBe(1);
      expect(
        (await db.apiToken.findMany({ where: { userId: account.id }, select: { name: true }, orderBy: { createdAt: "asc" } })).map(
          (token) => token.name,
        ),
      ).toEqual(["sudo-1", "sudo-2"]);
      expect(await db.stepUpGrant.count({ where: { userId: account.id, challengeId: challenge.id, mode: "SUDO" } })).toBe(1);
      expect(await auditCount("step_up.grant_used", account.id)).toBe(2);
    });

    test("a code answered on B is spent on A too; a code sent for one payload does not cover another", async () => {
      const account = await newAccount("single-use");
      const client = await signedIn(account, A);
      const sessionId = await sessionIdOf(account, client);
      const x = { newEmail: randomEmail("new-x") };
      const z = { newEmail: randomEmail("new-z") };

      // Asked on A, answered on B: the grant is minted and used in B's one transaction.
      const { state, challenge, code } = await client.withStepUp(A, "requestEmailChangeAction", x, codeFor(account), { answerOn: B });
      expect(state).toMatchObject({ ok: true });
      expect(await db.emailChange.count({ where: { userId: account.id, newEmail: x.newEmail } })).toBe(1);
      expect(await db.stepUpGrant.count({ where: { userId: account.id, mode: "SINGLE_USE", consumedAt: { not: null } } })).toBe(1);

      // The same answer sent again on A: the code is spent, nothing changes.
      expect(await client.action(A, "requestEmailChangeAction", withProof(x, challenge, code))).toMatchObject({
        ok: false,
        code: "CODE_INVALID",
      });
      // The same request without a code on A finds no grant: a new challenge, nothing changes.
      await ageRateLimits(`step-up:start:${sessionId}`, CODE_POLICIES.STEP_UP.resendCooldownSeconds + 1);
      const sent = stack.resend.delivered.length;
      const again = expectChallenge(await client.action(A, "requestEmailChangeAction", x));
      expect(await db.emailChange.count({ where: { userId: account.id } })).toBe(1);

      // The code sent for x, sent with a request for z (on B): refused before it is compared, so it stays usable.
      const againCode = await codeFor(account, sent)(again);
      expect(await client.action(B, "requestEmailChangeAction", withProof(z, again, againCode))).toMatchObject({
        ok: false,
        code: "CODE_INVALID",
      });
      expect(await db.emailChange.count({ where: { userId: account.id, newEmail: z.newEmail } })).toBe(0);
      expect(await challengeAttempts(again.id)).toBe(0);

      // …while x, the payload it was sent for, goes through on A.
      expect(await client.action(A, "requestEmailChangeAction", withProof(x, again, againCode))).toMatchObject({ ok: true });
      expect(await db.emailChange.count({ where: { userId: account.id, newEmail: x.newEmail } })).toBe(2);
      expect(await db.stepUpGrant.count({ where: { userId: account.id, consumedAt: null } })).toBe(0);
      expect(await auditCount("step_up.grant_used", account.id)).toBe(2);
    });
  });

  test("session revocation through one instance is refused by the other at once", async () => {
    const account = await newAccount("sessions");
    const owner = await signedIn(account, A);
    const revoked = await signedIn(account, B);
    const alsoRevoked = await signedIn(account, A);
    // Both instances have seen both sessions, so neither can answer from something it remembers.
    for (const client of [revoked, alsoRevoked]) {
      for (const on of [A, B]) expect((await client.get(on, "/settings/security")).status).toBe(200);
    }

    // One other session, revoked through A (step-up verified on A).
    const { state } = await owner.withStepUp(
      A,
      "revokeSessionAction",
      { sessionId: await sessionIdOf(account, revoked) },
      codeFor(account),
    );
    expect(state).toMatchObject({ ok: true });
    // All other sessions, through B, in the sudo window opened on A.
    expect(await owner.action(B, "signOutOtherSessionsAction", {})).toMatchObject({ ok: true, message: "Signed out 1 other session." });

    for (const client of [revoked, alsoRevoked]) {
      for (const on of [B, A]) {
        const page = await client.get(on, "/settings/security");
        expect(page.status).toBe(307);
        expect(new URL(page.headers.get("location") ?? "", stack.appUrl).pathname).toBe("/login");
        expect(await client.action(on, "createApiTokenAction", tokenRequest("from-a-revoked-session"))).toMatchObject({
          ok: false,
          code: "UNAUTHENTICATED",
        });
      }
    }
    for (const on of [A, B]) expect((await owner.get(on, "/settings/security")).status).toBe(200);
    expect(await db.session.count({ where: { userId: account.id, revokedAt: { not: null } } })).toBe(2);
    expect(await auditCount("session.revoked", account.id)).toBe(2);
    expect(await db.stepUpChallenge.count({ where: { userId: account.id } })).toBe(1);
  });

  test("an API token created through A works on B; revoked through B, it is refused on A and B at once", async () => {
    const account = await newAccount("tokens");
    const client = await signedIn(account, A);
    const { state } = await client.withStepUp<{ token: string; apiToken: { id: string } }>(
      A,
      "createApiTokenAction",
      tokenRequest("cross"),
      codeFor(account),
    );
    const created = state.data!;
    const api = browser();
    const me = (on: string) => api.get(on, "/api/v1/me", { authorization: `Bearer ${created.token}` });

    // Accepted on both first, so neither instance can answer from something it remembers.
    for (const on of [B, A]) {
      const accepted = await me(on);
      expect(accepted.status).toBe(200);
      expect(JSON.parse(accepted.body)).toEqual({ id: account.id, email: account.email });
    }
    expect(await db.apiToken.count({ where: { userId: account.id } })).toBe(1);

    expect(await client.action(B, "revokeApiTokenAction", { tokenId: created.apiToken.id })).toMatchObject({ ok: true });
    for (const on of [A, B]) {
      const refused = await me(on);
      expect(refused.status).toBe(401);
      expect(JSON.parse(refused.body)).toMatchObject({ error: "invalid_token" });
    }
    const row = await db.apiToken.findUniqueOrThrow({ where: { id: created.apiToken.id }, select: { revokedAt: true } });
    expect(row.revokedAt).not.toBeNull();
    expect(await auditCount("api_token.created", account.id)).toBe(1);
    expect(await auditCount("api_token.revoked", account.id)).toBe(1);
  });

  describe("API rate limits", () => {
    test("one token alternating between A and B: the successes on both add up to the per-token limit, then both answer 429", async () => {
      const account = await newAccount("api-limit");
      const client = await signedIn(account, A);
      const { state } = await client.withStepUp<{ token: string }>(A, "createApiTokenAction", tokenRequest("limit"), codeFor(account));
      const authorization = `Bearer ${state.data!.token}`;
      // Its own client address, so only the token's limit can refuse (the address limit is higher anyway).
      const api = browser();
      const me = (on: string) => api.get(on, "/api/v1/me", { authorization });

      const first = await me(A);
      expect(first.status).toBe(200);
      const limit = Number(/"token";q=(\d+);w=60/.exec(first.headers.get("ratelimit-policy") ?? "")?.[1]);
      // The default from lib/env.ts: the instances run without API_RATE_LIMIT_PER_TOKEN set.
      expect(limit).toBe(120);

      // The rest of the budget and 20 more, all at once, alternately on B and A.
      const replies = await Promise.all(Array.from({ length: limit + 19 }, (_, index) => me(alternate(index + 1))));
      const ok = replies.filter((reply) => reply.status === 200).length;
      expect(1 + ok).toBe(limit);
      const refused = replies.filter((reply) => reply.status !== 200);
      expect(refused).toHaveLength(20);
      for (const reply of refused) {
        expect(reply.status).toBe(429);
        expect(JSON.parse(reply.body)).toMatchObject({ error: "rate_limited" });
        expect(Number(reply.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
        expect(reply.headers.get("ratelimit")).toMatch(/"token";r=0;t=\d+/);
      }
      // Both instances got successes, so neither could have counted alone.
      const okOn = (on: string) => replies.filter((reply, index) => reply.status === 200 && alternate(index + 1) === on).length;
      expect(okOn(A)).toBeGreaterThan(0);
      expect(okOn(B)).toBeGreaterThan(0);

      for (const on of [A, B]) {
        const reply = await me(on);
        expect(reply.status).toBe(429);
        expect(Number(reply.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
      }
      // Once the window has passed (database time), both serve it again.
      const [token] = await db.apiToken.findMany({ where: { userId: account.id }, select: { id: true } });
      await ageRateLimits(`api:token:${token!.id}`, 61);
      for (const on of [B, A]) expect((await me(on)).status).toBe(200);
    });
  });

  // Last: it restarts instance A.
  test("a password reset asked on A and finished on B holds email changes on both, and across a restart", async () => {
    const account = await newAccount("reset-hold");
    const client = browser();
    expect(await client.call(A, "forgotPasswordAction", { email: account.email })).toMatchObject({ redirect: "/reset-password" });
    const [email] = emailsTo(stack.resend, account.email, /^Reset your/);
    const link = /\/reset-password\?id=([0-9a-f-]{36})#code=(\d{6})/.exec(email?.text ?? "");
    expect(link).not.toBeNull();
    const newPassword = "copper-harbour-meadow-19";
    expect(await client.call(B, "resetPasswordAction", { resetId: link![1], code: link![2], newPassword })).toMatchObject({
      redirect: "/login?reset=1",
    });

    const owner = browser();
    expect(await owner.signIn(A, account.email, newPassword)).toMatchObject({ redirect: "/settings" });
    const codesBefore = codeEmailCount(account);
    const held = { ok: false, code: "RECOVERY_HOLD" };
    for (const on of [A, B])
      expect(await owner.action(on, "requestEmailChangeAction", { newEmail: randomEmail("moved") })).toMatchObject(held);
    await stack.restart(0);
    expect(await owner.action(A, "requestEmailChangeAction", { newEmail: randomEmail("moved") })).toMatchObject(held);
    expect(codeEmailCount(account)).toBe(codesBefore);
    expect(await auditCount("account.recovery_hold_blocked", account.id)).toBe(3);
  });
});
