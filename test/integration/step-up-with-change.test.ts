import { describe, expect, it } from "vitest";
import { requestEmailChange } from "@/lib/account/change-email";
import { createApiToken } from "@/lib/api-tokens/create";
import { displayPrefix, generateToken } from "@/lib/api-tokens/format";
import { sha256Hex } from "@/lib/crypto";
import { db } from "@/lib/db";
import type { RequestContext } from "@/lib/http/context";
import { STEP_UP_LIMITS } from "@/lib/step-up/policy";
import { MAX_ACTIVE_TOKENS } from "@/shared/api-tokens";
import { AppError } from "@/shared/errors";
import { randomEmail } from "@/test/helpers/fixtures";
import {
  auditCount,
  challengeAttempts,
  expectAppError,
  failureState,
  latestStepUpCode,
  newStepUpUser,
  tokenRequest,
  triggerChallenge,
  wrongCode,
} from "@/test/helpers/step-up";
import { proofs } from "@/tooling/app-client";

// The code modal sends the emailed code with the change it was asked for (context.proof):
// checked, granted, used and applied in one transaction.

const withProof = (context: RequestContext, challengeId: string, code: string): RequestContext => ({
  ...context,
  proof: { challengeId, proofs: proofs(code) },
});

/** The challenge's tries, and whether its emailed code is spent. */
async function codeState(challengeId: string) {
  const challenge = await db.stepUpChallenge.findUniqueOrThrow({
    where: { id: challengeId },
    select: { attempts: true, code: { select: { consumedAt: true } } },
  });
  return { attempts: challenge.attempts, consumedAt: challenge.code?.consumedAt ?? null };
}

describe("a protected change sent with its step-up code", () => {
  it("is checked and applied in one call: the change, the spent code and the used grant, with their audit rows", async () => {
    const { user, context } = await newStepUpUser("with-code");
    const request = tokenRequest("one-call");
    const challenge = await triggerChallenge(context, "api_token.create", request);

    const created = await createApiToken(withProof(context, challenge.id, await latestStepUpCode(user.email)), request);

    expect(created.apiToken.name).toBe("one-call");
    expect(await db.apiToken.count({ where: { userId: user.id } })).toBe(1);
    expect((await codeState(challenge.id)).consumedAt).not.toBeNull();
    const grants = await db.stepUpGrant.findMany({ where: { userId: user.id }, select: { challengeId: true, mode: true } });
    expect(grants).toEqual([{ challengeId: challenge.id, mode: "SUDO" }]);
    for (const type of ["step_up.verified", "step_up.grant_used", "api_token.created"]) expect(await auditCount(type, user.id)).toBe(1);
    // The sudo window it opened covers the next change without a code.
    await createApiToken(context, tokenRequest("in-the-window"));
    expect(await db.apiToken.count({ where: { userId: user.id } })).toBe(2);
  });

  it("leaves no single-use grant waiting between requests: it is minted and spent in the change's transaction", async () => {
    const { user, context } = await newStepUpUser("single-use");
    const request = { newEmail: randomEmail("new") };
    const challenge = await triggerChallenge(context, "email.change", request);

    await requestEmailChange(withProof(context, challenge.id, await latestStepUpCode(user.email)), request);

    expect(await db.emailChange.count({ where: { userId: user.id, newEmail: request.newEmail } })).toBe(1);
    expect(await db.stepUpGrant.count({ where: { userId: user.id, mode: "SINGLE_USE", consumedAt: { not: null } } })).toBe(1);
    expect(await db.stepUpGrant.count({ where: { userId: user.id, consumedAt: null } })).toBe(0);
  });

  it("a wrong code changes nothing but its attempt commits, on the challenge and on the account", async () => {
    const { user, context } = await newStepUpUser("wrong");
    const request = tokenRequest("wrong");
    const challenge = await triggerChallenge(context, "api_token.create", request);
    const code = await latestStepUpCode(user.email);

    const refusal = await expectAppError(createApiToken(withProof(context, challenge.id, wrongCode(code)), request), "CODE_INVALID");

    expect(refusal.details.attemptsLeft).toBe(challenge.attemptsLeft - 1);
    expect(await challengeAttempts(challenge.id)).toBe(1);
    expect((await failureState(user.id)).failures).toBe(1);
    expect(await db.apiToken.count({ where: { userId: user.id } })).toBe(0);
    expect(await db.stepUpGrant.count({ where: { userId: user.id } })).toBe(0);
    expect(await auditCount("step_up.verify_failed", user.id)).toBe(1);
    // The right code still works, and a success resets the account's run of failures.
    await createApiToken(withProof(context, challenge.id, code), request);
    expect(await db.apiToken.count({ where: { userId: user.id } })).toBe(1);
    expect((await failureState(user.id)).failures).toBe(0);
  });

  it("a change that fails after the right code rolls the check back: the code stays usable, nothing is granted", async () => {
    const { user, context } = await newStepUpUser("rollback");
    await db.apiToken.createMany({
      data: Array.from({ length: MAX_ACTIVE_TOKENS }, (_, index) => {
        const token = generateToken();
        return {
          userId: user.id,
          name: `full-${index}`,
          displayPrefix: displayPrefix(token),
          tokenHash: sha256Hex(token),
          scopes: ["profile:read"],
          expiresAt: new Date(Date.now() + 86_400_000),
        };
      }),
    });
    const request = tokenRequest("over-the-limit");
    const challenge = await triggerChallenge(context, "api_token.create", request);
    const code = await latestStepUpCode(user.email);

    await expectAppError(createApiToken(withProof(context, challenge.id, code), request), "LIMIT_REACHED");

    expect(await codeState(challenge.id)).toEqual({ attempts: 0, consumedAt: null });
    expect(await db.stepUpGrant.count({ where: { userId: user.id } })).toBe(0);
    expect(await auditCount("step_up.verified", user.id)).toBe(0);
    expect(await db.apiToken.count({ where: { userId: user.id } })).toBe(MAX_ACTIVE_TOKENS);
    // Once there is room, the same code goes through.
    await db.apiToken.deleteMany({ where: { userId: user.id, name: "full-0" } });
    await createApiToken(withProof(context, challenge.id, code), request);
    expect(await db.apiToken.count({ where: { userId: user.id, name: "over-the-limit" } })).toBe(1);
  });

  it("a code sent for one change does not answer another (other payload or other action): refused before it is compared", async () => {
    const { user, context } = await newStepUpUser("other-change");
    const request = tokenRequest("asked-for");
    const challenge = await triggerChallenge(context, "api_token.create", request);
    const code = await latestStepUpCode(user.email);
    const proven = withProof(context, challenge.id, code);

    await expectAppError(createApiToken(proven, tokenRequest("something-else")), "CODE_INVALID");
    await expectAppError(requestEmailChange(proven, { newEmail: randomEmail("other") }), "CODE_INVALID");

    expect(await codeState(challenge.id)).toEqual({ attempts: 0, consumedAt: null });
    expect((await failureState(user.id)).failures).toBe(0);
    expect(await db.apiToken.count({ where: { userId: user.id } })).toBe(0);
    expect(await db.emailChange.count({ where: { userId: user.id } })).toBe(0);
    await createApiToken(proven, request);
    expect(await db.apiToken.count({ where: { userId: user.id } })).toBe(1);
  });

  it("an unknown or another session's challenge is refused like a wrong code, and changes nothing", async () => {
    const { user, context } = await newStepUpUser("foreign");
    const other = await newStepUpUser("foreign-other");
    const request = tokenRequest("foreign");
    const theirs = await triggerChallenge(other.context, "api_token.create", request);
    const theirCode = await latestStepUpCode(other.user.email);

    await expectAppError(createApiToken(withProof(context, theirs.id, theirCode), request), "CODE_INVALID");
    await expectAppError(createApiToken(withProof(context, crypto.randomUUID(), theirCode), request), "CODE_INVALID");

    expect(await challengeAttempts(theirs.id)).toBe(0);
    expect(await db.apiToken.count({ where: { userId: { in: [user.id, other.user.id] } } })).toBe(0);
  });

  it("the same code sent with the change 10 times at once makes the change once", async () => {
    const { user, context } = await newStepUpUser("parallel");
    const request = { newEmail: randomEmail("parallel-new") };
    const challenge = await triggerChallenge(context, "email.change", request);
    const proven = withProof(context, challenge.id, await latestStepUpCode(user.email));

    const results = await Promise.allSettled(Array.from({ length: 10 }, () => requestEmailChange(proven, request)));

    expect(results.filter((result) => result.status === "fulfilled")).toHaveLength(1);
    const refusals = results.flatMap((result) => (result.status === "rejected" ? [result.reason] : []));
    expect(refusals.every((reason) => reason instanceof AppError && reason.code === "CODE_INVALID")).toBe(true);
    expect(await db.emailChange.count({ where: { userId: user.id } })).toBe(1);
    expect(await db.stepUpGrant.count({ where: { userId: user.id } })).toBe(1);
    expect(await auditCount("step_up.grant_used", user.id)).toBe(1);
  });

  it(`${STEP_UP_LIMITS.failuresBeforeLock} wrong codes sent with changes lock step-up, as they would on their own`, async () => {
    const { user, context } = await newStepUpUser("lock");
    const answers: string[] = [];
    for (let round = 0; round < STEP_UP_LIMITS.failuresBeforeLock / 2; round++) {
      const request = tokenRequest(`lock-${round}`);
      const challenge = await triggerChallenge(context, "api_token.create", request);
      const code = await latestStepUpCode(user.email);
      for (let attempt = 0; attempt < 2; attempt++) {
        const refusal = await createApiToken(withProof(context, challenge.id, wrongCode(code)), request).catch((error: unknown) => error);
        answers.push(refusal instanceof AppError ? refusal.code : "accepted");
      }
    }
    expect(answers.at(-1)).toBe("STEP_UP_LOCKED");
    expect(answers.slice(0, -1).every((code) => code === "CODE_INVALID")).toBe(true);
    expect((await failureState(user.id)).lockouts).toBe(1);
    expect(await db.apiToken.count({ where: { userId: user.id } })).toBe(0);
  });
});
