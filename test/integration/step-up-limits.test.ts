import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { createApiTokenAction } from "@/actions/api-tokens";
import { db } from "@/lib/db";
import { getEnv } from "@/lib/env";
import type { RequestContext } from "@/lib/http/context";
import { resendChallenge, startChallenge } from "@/lib/step-up/challenges";
import { AppError } from "@/shared/errors";
import type { StepUpChallengeDto } from "@/shared/step-up";
import { MALFORMED_CODES } from "@/test/helpers/fixtures";
import { request, sameOriginHeaders } from "@/test/helpers/next-request";
import { startSecondInstance } from "@/test/helpers/second-instance";
import {
  ageCode,
  ageGrants,
  ageRateLimits,
  auditCount,
  challengeAttempts,
  expectAppError,
  failureState,
  latestStepUpCode,
  newContext,
  newStepUpUser,
  resetSendLimit,
  stepUpEmails,
  tokenRequest,
  triggerChallenge,
  verifyStepUp,
  wrongCode,
  type TestUser,
} from "@/test/helpers/step-up";
import { codeFrom, proofs } from "@/tooling/app-client";

/** A new challenge with its own payload, ignoring the hourly send budget (the tests here are about guesses). */
async function freshChallenge(
  user: TestUser,
  context: RequestContext,
  label: string,
): Promise<{ challenge: StepUpChallengeDto; code: string }> {
  await resetSendLimit(user.id);
  const challenge = await triggerChallenge(context, "api_token.create", tokenRequest(label));
  return { challenge, code: await latestStepUpCode(user.email) };
}

/** `count` wrong codes, one per fresh challenge; returns the last challenge (with one attempt spent). */
async function failOverFreshChallenges(user: TestUser, context: RequestContext, count: number, label: string) {
  let last: { challenge: StepUpChallengeDto; code: string } | undefined;
  const errors: AppError[] = [];
  for (let i = 0; i < count; i++) {
    last = await freshChallenge(user, context, `${label}-${i}`);
    const error = await verifyStepUp(context, { challengeId: last.challenge.id, proofs: proofs(wrongCode(last.code)) }).then(
      () => {
        throw new Error("a wrong code was accepted");
      },
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(AppError);
    errors.push(error as AppError);
  }
  if (!last) throw new Error("count must be positive");
  return { last, errors };
}

afterAll(async () => {
  const { disconnectDb } = await import("@/lib/db");
  await disconnectDb();
});

describe("S4: at most 5 tries per challenge, counted before comparing", () => {
  it("25 parallel wrong codes: 5 counted, 0 succeed, then the right code is refused too", async () => {
    const { user, context } = await newStepUpUser("guesses");
    const challenge = await triggerChallenge(context, "api_token.create", tokenRequest());
    const code = await latestStepUpCode(user.email);

    const results = await Promise.allSettled(
      Array.from({ length: 25 }, () => verifyStepUp(context, { challengeId: challenge.id, proofs: proofs(wrongCode(code)) })),
    );

    expect(results.filter((result) => result.status === "fulfilled")).toHaveLength(0);
    for (const result of results) {
      if (result.status === "rejected") expect(["CODE_INVALID", "TOO_MANY_ATTEMPTS"]).toContain((result.reason as AppError).code);
    }
    expect(await challengeAttempts(challenge.id)).toBe(5);
    expect((await failureState(user.id)).failures).toBe(5);
    await expectAppError(verifyStepUp(context, { challengeId: challenge.id, proofs: proofs(code) }), "TOO_MANY_ATTEMPTS");
    expect(await db.stepUpGrant.count({ where: { userId: user.id } })).toBe(0);
  });

  it("parallel guesses are charged to the account exactly: 4 earlier failures + 25 parallel wrong codes = 9, not locked", async () => {
    const { user, context } = await newStepUpUser("near-lock");
    await failOverFreshChallenges(user, context, 4, "near-lock");
    const challenge = await triggerChallenge(context, "api_token.create", tokenRequest());
    const code = await latestStepUpCode(user.email);

    const results = await Promise.allSettled(
      Array.from({ length: 25 }, () => verifyStepUp(context, { challengeId: challenge.id, proofs: proofs(wrongCode(code)) })),
    );

    const codes = results.map((result) => (result.status === "rejected" ? (result.reason as AppError).code : "ACCEPTED"));
    expect(codes.filter((code) => code === "CODE_INVALID" || code === "TOO_MANY_ATTEMPTS")).toHaveLength(25);
    expect(await failureState(user.id)).toMatchObject({ failures: 9, lockedUntil: null });
  });

  it("counts down attempts left, one by one", async () => {
    const { user, context } = await newStepUpUser("countdown");
    const challenge = await triggerChallenge(context, "api_token.create", tokenRequest());
    const code = await latestStepUpCode(user.email);
    for (const left of [4, 3, 2, 1]) {
      const error = await expectAppError(
        verifyStepUp(context, { challengeId: challenge.id, proofs: proofs(wrongCode(code)) }),
        "CODE_INVALID",
      );
      expect(error.details.attemptsLeft).toBe(left);
    }
    await expectAppError(verifyStepUp(context, { challengeId: challenge.id, proofs: proofs(wrongCode(code)) }), "TOO_MANY_ATTEMPTS");
    await expectAppError(verifyStepUp(context, { challengeId: challenge.id, proofs: proofs(code) }), "TOO_MANY_ATTEMPTS");
  });
});

describe("S5: the failure count lives on the account", () => {
  it("10 wrong codes over 10 fresh challenges lock step-up for 15 minutes, even for the right code", async () => {
    const { user, context } = await newStepUpUser("lock");
    const { last, errors } = await failOverFreshChallenges(user, context, 10, "lock");

    expect(errors.slice(0, 9).map((error) => error.code)).toEqual(Array(9).fill("CODE_INVALID"));
    const lock = errors[9];
    expect(lock?.code).toBe("STEP_UP_LOCKED");
    expect(lock?.details.retryAfterSeconds).toBeGreaterThan(890);
    expect(lock?.details.retryAfterSeconds).toBeLessThanOrEqual(901); // +1: locked_until is stored to the ms, then CEIL
    expect(await auditCount("step_up.locked", user.id)).toBe(1);

    // The 11th try, with the right code of a still-open challenge.
    const refused = await expectAppError(
      verifyStepUp(context, { challengeId: last.challenge.id, proofs: proofs(last.code) }),
      "STEP_UP_LOCKED",
    );
    expect(refused.details.retryAfterSeconds).toBeGreaterThan(890);
    expect(await db.stepUpGrant.count({ where: { userId: user.id } })).toBe(0);

    // No new challenge either, from this session or another one.
    await resetSendLimit(user.id);
    await expectAppError(startChallenge(context, "api_token.create", tokenRequest("after-lock")), "STEP_UP_LOCKED");
    await expectAppError(startChallenge(await newContext(user), "api_token.create", tokenRequest("other-session")), "STEP_UP_LOCKED");
    expect(await stepUpEmails(user.email)).toHaveLength(10);

    // When the lock has passed, the right code works again.
    await db.$executeRaw`UPDATE users SET step_up_locked_until = now() - interval '1 second' WHERE id = ${user.id}::uuid`;
    await verifyStepUp(context, { challengeId: last.challenge.id, proofs: proofs(last.code) });
  });

  it("a new code never resets the count", async () => {
    const { user, context } = await newStepUpUser("no-reset");
    const { challenge, code } = await freshChallenge(user, context, "first");
    for (let i = 0; i < 3; i++)
      await expectAppError(verifyStepUp(context, { challengeId: challenge.id, proofs: proofs(wrongCode(code)) }), "CODE_INVALID");
    expect((await failureState(user.id)).failures).toBe(3);

    await ageCode(challenge.id, 60);
    const resent = await resendChallenge(context, challenge.id);
    expect(resent.attemptsLeft).toBe(2);
    expect(await challengeAttempts(challenge.id)).toBe(3);
    expect((await failureState(user.id)).failures).toBe(3);

    await freshChallenge(user, context, "second");
    expect((await failureState(user.id)).failures).toBe(3);

    // 7 more wrong codes on new challenges lock: the resend and the new challenge did not reset anything.
    const { errors } = await failOverFreshChallenges(user, context, 7, "more");
    expect(errors.at(-1)?.code).toBe("STEP_UP_LOCKED");
  });

  it("a success resets the count", async () => {
    const { user, context } = await newStepUpUser("success-resets");
    await failOverFreshChallenges(user, context, 9, "before");
    expect((await failureState(user.id)).failures).toBe(9);

    const { challenge, code } = await freshChallenge(user, context, "right");
    await verifyStepUp(context, { challengeId: challenge.id, proofs: proofs(code) });
    expect(await failureState(user.id)).toEqual({ failures: 0, lockouts: 0, lockedUntil: null });
    await ageGrants(context.session.id, 5 * 60 + 1); // the sudo window closes, so the next action asks again

    const { errors } = await failOverFreshChallenges(user, context, 1, "after");
    expect(errors[0]?.code).toBe("CODE_INVALID");
    expect((await failureState(user.id)).failures).toBe(1);
  });

  it("the second lock lasts 30 minutes (doubling)", async () => {
    const { user, context } = await newStepUpUser("doubling");
    await failOverFreshChallenges(user, context, 10, "first");
    expect((await failureState(user.id)).lockouts).toBe(1);

    await db.$executeRaw`UPDATE users SET step_up_locked_until = now() - interval '1 second' WHERE id = ${user.id}::uuid`;
    const { errors } = await failOverFreshChallenges(user, context, 10, "second");

    const lock = errors[9];
    expect(errors.slice(0, 9).every((error) => error.code === "CODE_INVALID")).toBe(true);
    expect(lock?.code).toBe("STEP_UP_LOCKED");
    expect(lock?.details.retryAfterSeconds).toBeGreaterThan(1790);
    expect(lock?.details.retryAfterSeconds).toBeLessThanOrEqual(1801); // +1: locked_until is stored to the ms, then CEIL
    expect((await failureState(user.id)).lockouts).toBe(2);
    expect(await auditCount("step_up.locked", user.id)).toBe(2);
  });

  // BUG: lib/step-up/verify.ts checks the lock (assertNotLocked, a SELECT) before and apart from
  // counting the attempt (checkCode + countFailure). Guesses sent in parallel over several open
  // challenges all pass the lock check before the 10th failure commits, so far more than 10 codes
  // are compared: up to 5 per open challenge (25 with the 5 sends an hour allows).
  it("parallel guesses over 5 open challenges: no more than 10 are compared before the lock", async () => {
    const { user, context } = await newStepUpUser("parallel-lock");
    const open: { challenge: StepUpChallengeDto; code: string }[] = [];
    for (let i = 0; i < 5; i++) open.push(await freshChallenge(user, context, `open-${i}`));

    await Promise.allSettled(
      open.flatMap(({ challenge, code }) =>
        Array.from({ length: 5 }, () => verifyStepUp(context, { challengeId: challenge.id, proofs: proofs(wrongCode(code)) })),
      ),
    );

    let compared = 0;
    for (const { challenge } of open) compared += await challengeAttempts(challenge.id);
    expect(compared).toBeLessThanOrEqual(10);
  });
});

describe("S6: sends are throttled in Postgres", () => {
  it("50 parallel starts of the same action send 1 email and make 1 challenge", async () => {
    const { user, context } = await newStepUpUser("burst");
    const payload = tokenRequest("burst");

    const results = await Promise.allSettled(Array.from({ length: 50 }, () => startChallenge(context, "api_token.create", payload)));

    expect(await stepUpEmails(user.email)).toHaveLength(1);
    const challenges = await db.stepUpChallenge.findMany({ where: { userId: user.id }, select: { id: true } });
    expect(challenges).toHaveLength(1);
    const fulfilled = results.flatMap((result) => (result.status === "fulfilled" ? [result.value] : []));
    expect(fulfilled.length).toBeGreaterThanOrEqual(1);
    for (const dto of fulfilled) expect(dto.id).toBe(challenges[0]?.id);
    for (const result of results) if (result.status === "rejected") expect((result.reason as AppError).code).toBe("RESEND_TOO_SOON");
    expect(await auditCount("step_up.challenge_sent", user.id)).toBe(1);
  });

  it("50 parallel starts spread over two app instances (own modules and connection pools) still send 1 email", async () => {
    const { user, context } = await newStepUpUser("instances");
    const payload = tokenRequest("instances");
    const second = await startSecondInstance(() => import("@/lib/step-up/challenges"));
    try {
      const results = await Promise.allSettled(
        Array.from({ length: 50 }, (_, i) =>
          i % 2 === 0
            ? startChallenge(context, "api_token.create", payload)
            : second.run(() => second.modules.startChallenge(context, "api_token.create", payload)),
        ),
      );
      expect(second.hasOwnClient()).toBe(true);
      expect(await stepUpEmails(user.email)).toHaveLength(1);
      expect(await db.stepUpChallenge.count({ where: { userId: user.id } })).toBe(1);
      expect(results.filter((result) => result.status === "fulfilled").length).toBeGreaterThanOrEqual(1);
      for (const result of results)
        if (result.status === "rejected") expect((result.reason as { code?: unknown }).code).toBe("RESEND_TOO_SOON");
    } finally {
      await second.close();
    }
  });

  it("a resend waits 60 s, replaces the code and keeps the attempt and failure counts", async () => {
    const { user, context } = await newStepUpUser("resend");
    const challenge = await triggerChallenge(context, "api_token.create", tokenRequest());
    const oldCode = await latestStepUpCode(user.email);
    await expectAppError(verifyStepUp(context, { challengeId: challenge.id, proofs: proofs(wrongCode(oldCode)) }), "CODE_INVALID");

    const early = await expectAppError(resendChallenge(context, challenge.id), "RESEND_TOO_SOON");
    expect(early.details.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(early.details.retryAfterSeconds).toBeLessThanOrEqual(60);
    expect(await stepUpEmails(user.email)).toHaveLength(1);

    await ageCode(challenge.id, 60);
    const resent = await resendChallenge(context, challenge.id);
    expect(resent).toMatchObject({ id: challenge.id, attemptsLeft: 4 });
    const emails = await stepUpEmails(user.email);
    expect(emails).toHaveLength(2);
    const newCode = codeFrom(emails[0]?.text ?? "");
    expect(await auditCount("step_up.challenge_resent", user.id)).toBe(1);

    if (newCode !== oldCode) {
      await expectAppError(verifyStepUp(context, { challengeId: challenge.id, proofs: proofs(oldCode) }), "CODE_INVALID");
      expect(await challengeAttempts(challenge.id)).toBe(2);
      expect((await failureState(user.id)).failures).toBe(2);
    }
    await verifyStepUp(context, { challengeId: challenge.id, proofs: proofs(newCode) });
    expect(await db.stepUpGrant.count({ where: { challengeId: challenge.id } })).toBe(1);
  });

  it("the 6th send within an hour is RATE_LIMITED and audited; the next hour allows sends again", async () => {
    const { user, context } = await newStepUpUser("hourly");
    for (let i = 0; i < 5; i++) await triggerChallenge(context, "api_token.create", tokenRequest(`send-${i}`));

    const limited = await expectAppError(startChallenge(context, "api_token.create", tokenRequest("send-5")), "RATE_LIMITED");
    expect(limited.details.retryAfterSeconds).toBeGreaterThan(3500);
    expect(limited.details.retryAfterSeconds).toBeLessThanOrEqual(3600);
    expect(await stepUpEmails(user.email)).toHaveLength(5);
    const audit = await db.auditEvent.findMany({ where: { type: "step_up.rate_limited", actorId: user.id } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ outcome: "BLOCKED", reason: "api_token.create" });

    // A resend is a send too.
    const first = await db.stepUpChallenge.findFirstOrThrow({ where: { userId: user.id }, orderBy: { createdAt: "asc" } });
    await ageCode(first.id, 60);
    await expectAppError(resendChallenge(context, first.id), "RATE_LIMITED");
    expect(await stepUpEmails(user.email)).toHaveLength(5);

    await ageRateLimits(`step-up:sends:${user.id}`, 3600);
    await startChallenge(context, "api_token.create", tokenRequest("next-hour"));
    expect(await stepUpEmails(user.email)).toHaveLength(6);
  });

  // BUG: lib/step-up/challenge.ts resendChallenge() calls assertSendAllowed() (which counts a hit
  // against the 5-per-hour send budget) *before* reissueCode() checks the 60 s cooldown. A resend
  // refused as RESEND_TOO_SOON sends nothing, yet uses up one of the hour's 5 sends, so a few early
  // clicks on "Resend" lock the user out of codes for an hour.
  it("a resend refused as too soon does not use up the hourly send budget", async () => {
    const { user, context } = await newStepUpUser("early-resends");
    const challenge = await triggerChallenge(context, "api_token.create", tokenRequest());
    for (let i = 0; i < 4; i++) await expectAppError(resendChallenge(context, challenge.id), "RESEND_TOO_SOON");
    expect(await stepUpEmails(user.email)).toHaveLength(1);

    await ageCode(challenge.id, 60);
    await resendChallenge(context, challenge.id);
    expect(await stepUpEmails(user.email)).toHaveLength(2);
  });
});

describe("bad step-up proofs sent with the protected action (createApiTokenAction): refused, nothing spent or changed", () => {
  let user: TestUser;
  let context: RequestContext;
  let challenge: StepUpChallengeDto;
  const input = tokenRequest();

  beforeEach(async () => {
    ({ user, context } = await newStepUpUser("bad-input"));
    challenge = await triggerChallenge(context, "api_token.create", input);
    request.state.session = context.session;
    request.state.headers = sameOriginHeaders(getEnv().APP_URL);
    request.state.deferred = [];
  });

  /** The create the challenge was sent for, sent again with `stepUp` (as the code modal does). */
  const answer = (stepUp: unknown, change: Record<string, unknown> = input) => createApiTokenAction({ ok: false }, { ...change, stepUp });
  const tokenCount = () => db.apiToken.count({ where: { userId: user.id } });
  const CREATED = { ok: true, data: { token: expect.stringMatching(/^asec_/) as unknown } };

  const badCodes: [string, unknown][] = [...MALFORMED_CODES, ["missing", undefined]];

  it.each(badCodes)("code as %s", async (_label, code) => {
    const right = await latestStepUpCode(user.email);
    const result = await answer({ challengeId: challenge.id, proofs: code === undefined ? {} : { email_code: code } });

    expect(result).toMatchObject({ ok: false, code: "VALIDATION_FAILED" });
    expect(result.fieldErrors?.[code === undefined ? "stepUp.proofs" : "stepUp.proofs.email_code"]?.length).toBeGreaterThan(0);
    expect(await challengeAttempts(challenge.id)).toBe(0);
    expect(await failureState(user.id)).toEqual({ failures: 0, lockouts: 0, lockedUntil: null });
    expect(await auditCount("step_up.verify_failed", user.id)).toBe(0);
    expect(await tokenCount()).toBe(0);
    expect(JSON.stringify(result)).not.toContain(right);

    // The right code still works afterwards, with all 5 tries intact: the change is made.
    expect(await answer({ challengeId: challenge.id, proofs: proofs(right) })).toMatchObject(CREATED);
    expect(await tokenCount()).toBe(1);
  });

  it("a proof sent as form fields (a string, or repeated keys: an array from FormData) is refused too", async () => {
    // A form post's scopes are an array only when repeated, so this one asks for two (and has its own challenge).
    const formRequest = tokenRequest("form-post", { scopes: ["profile:read", "tokens:read"] });
    const formChallenge = await triggerChallenge(context, "api_token.create", formRequest);
    const right = await latestStepUpCode(user.email);
    const form = (proofs: string[]) => {
      const data = new FormData();
      data.set("name", formRequest.name);
      for (const scope of formRequest.scopes) data.append("scopes", scope);
      data.set("expiry", formRequest.expiry);
      data.set("expiresOn", formRequest.expiresOn ?? "");
      for (const proof of proofs) data.append("stepUp", proof);
      return data;
    };
    const proof = JSON.stringify({ challengeId: formChallenge.id, proofs: proofs(right) });
    for (const proofs of [[proof], [proof, proof]]) {
      const result = await createApiTokenAction({ ok: false }, form(proofs));
      expect(result).toMatchObject({ ok: false, code: "VALIDATION_FAILED" });
      expect(result.fieldErrors?.stepUp?.length).toBeGreaterThan(0);
    }
    // Repeated values inside the proof object are refused the same way.
    const repeated = await answer({ challengeId: formChallenge.id, proofs: { email_code: [right, "654321"] } }, formRequest);
    expect(repeated).toMatchObject({ ok: false, code: "VALIDATION_FAILED" });
    expect(repeated.fieldErrors?.["stepUp.proofs.email_code"]?.length).toBeGreaterThan(0);
    expect(await challengeAttempts(formChallenge.id)).toBe(0);
    expect(await tokenCount()).toBe(0);
    // The same fields with the proof as an object (as the code modal sends it) are accepted.
    expect(await answer({ challengeId: formChallenge.id, proofs: proofs(right) }, formRequest)).toMatchObject(CREATED);
  });

  it("an unknown, foreign or malformed challenge id, or one sent for another payload, gets the same answer as a used one, and spends nothing", async () => {
    const right = await latestStepUpCode(user.email);
    const stranger = await newStepUpUser("bad-input-stranger");
    const foreign = await triggerChallenge(stranger.context, "api_token.create", input);

    const unknownResult = await answer({ challengeId: crypto.randomUUID(), proofs: proofs(right) });
    const foreignResult = await answer({ challengeId: foreign.id, proofs: proofs(right) });
    expect(unknownResult).toMatchObject({
      ok: false,
      code: "CODE_INVALID",
      message: "That code is invalid or has expired. Request a new one.",
    });
    const { values: _unknownValues, ...unknownAnswer } = unknownResult;
    const { values: _foreignValues, ...foreignAnswer } = foreignResult;
    expect(foreignAnswer).toEqual(unknownAnswer);
    expect(await challengeAttempts(foreign.id)).toBe(0);

    // This challenge's right code, sent with a different token request, answers nothing.
    const { values: _otherValues, ...otherPayloadAnswer } = await answer(
      { challengeId: challenge.id, proofs: proofs(right) },
      tokenRequest("another-name"),
    );
    expect(otherPayloadAnswer).toEqual(unknownAnswer);
    expect(await challengeAttempts(challenge.id)).toBe(0);

    const malformed = await answer({ challengeId: "../../x", proofs: proofs(right) });
    expect(malformed).toMatchObject({
      ok: false,
      code: "VALIDATION_FAILED",
      fieldErrors: { "stepUp.challengeId": ["That code is invalid or has expired. Request a new one."] },
    });
    expect(await tokenCount()).toBe(0);

    expect(await answer({ challengeId: challenge.id, proofs: proofs(right) })).toMatchObject(CREATED);
    const { values: _usedValues, ...usedAnswer } = await answer({ challengeId: challenge.id, proofs: proofs(right) });
    expect(usedAnswer).toEqual(unknownAnswer);
    expect(await tokenCount()).toBe(1);
  });

  it("a wrong code through the action says how many tries are left and never echoes the code", async () => {
    const right = await latestStepUpCode(user.email);
    const wrong = wrongCode(right);
    const result = await answer({ challengeId: challenge.id, proofs: proofs(wrong) });
    expect(result).toMatchObject({ ok: false, code: "CODE_INVALID", attemptsLeft: 4, message: "That code is incorrect. 4 attempts left." });
    // Only the change's own plain fields come back; the proof (challenge id and code) does not.
    expect(result.values).toEqual({ name: input.name, expiry: input.expiry, expiresOn: input.expiresOn });
    expect(JSON.stringify(result)).not.toContain(wrong);
    expect(await challengeAttempts(challenge.id)).toBe(1);
    expect(await tokenCount()).toBe(0);
  });

  it("without a session or from another origin the action refuses before looking at the code", async () => {
    const right = await latestStepUpCode(user.email);
    request.state.headers = new Headers({ origin: "https://evil.test" });
    expect(await answer({ challengeId: challenge.id, proofs: proofs(right) })).toMatchObject({ ok: false, code: "FORBIDDEN" });
    request.state.headers = sameOriginHeaders(getEnv().APP_URL);
    request.state.session = null;
    expect(await answer({ challengeId: challenge.id, proofs: proofs(right) })).toMatchObject({ ok: false, code: "UNAUTHENTICATED" });
    expect(await challengeAttempts(challenge.id)).toBe(0);
    expect(await db.stepUpGrant.count({ where: { userId: user.id } })).toBe(0);
    expect(await tokenCount()).toBe(0);
  });
});
