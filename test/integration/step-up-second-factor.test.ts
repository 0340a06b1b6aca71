import { afterAll, describe, expect, it } from "vitest";
import { disableTwoFactorAction } from "@/actions/two-factor";
import { requestEmailChange } from "@/lib/account/change-email";
import { createApiToken } from "@/lib/api-tokens/create";
import { db, disconnectDb } from "@/lib/db";
import { getEnv } from "@/lib/env";
import type { RequestContext } from "@/lib/http/context";
import { STEP_UP_POLICY, type StepUpAction, type StepUpPayloads } from "@/lib/step-up/policy";
import { withStepUp } from "@/lib/step-up/with-step-up";
import { acceptTotp } from "@/lib/two-factor/totp";
import { initialActionState } from "@/shared/action-state";
import { maskEmail } from "@/shared/format";
import { stepUpProofSchema } from "@/shared/step-up";
import { MALFORMED_CODES, randomEmail } from "@/test/helpers/fixtures";
import { request, sameOriginHeaders } from "@/test/helpers/next-request";
import {
  auditCount,
  challengeAttempts,
  completeStepUp,
  EMAIL_CODE_AND_SECOND_FACTOR,
  EMAIL_CODE_ONLY,
  expectAppError,
  expectStepUpRequired,
  failureState,
  latestStepUpCode,
  newContext,
  newStepUpUser,
  passTime,
  tokenRequest,
  triggerChallenge,
  verifyStepUp,
  wrongCode,
} from "@/test/helpers/step-up";
import { awayFromStepEdge, currentTotpStep, enableTwoFactorFor, notATotpFor, totpCode } from "@/test/helpers/two-factor";
import { proofs } from "@/tooling/app-client";

afterAll(async () => {
  await disconnectDb();
});

const ACTIONS = Object.keys(STEP_UP_POLICY) as StepUpAction[];

function adminTarget() {
  return { userId: crypto.randomUUID(), email: randomEmail("target") };
}

/** A well-formed payload for each protected action; an action without one fails its tests. */
function samplePayload<A extends StepUpAction>(action: A): StepUpPayloads[A] {
  const payloads: Partial<{ [Action in StepUpAction]: StepUpPayloads[Action] }> & Record<string, unknown> = {
    "api_token.create": tokenRequest("second-factor"),
    "api_token.revoke": { tokenId: crypto.randomUUID(), name: "ci-deploy" },
    "admin.api_token.revoke": { tokenId: crypto.randomUUID(), name: "ci-deploy", owner: randomEmail("owner") },
    "admin.tokens.revoke_selected": { tokenIds: [crypto.randomUUID()] },
    "session.revoke": { sessionId: crypto.randomUUID(), device: "Chrome 130 on Linux" },
    "session.revoke_others": {},
    "two_factor.enable": {},
    "two_factor.disable": {},
    "recovery_codes.regenerate": {},
    "email.change": { newEmail: randomEmail("new") },
    "password.change": { newPasswordDigest: "ab".repeat(32), signOutOtherSessions: true },
    "account.delete": {},
    "passkey.add": { credentialId: "c2FtcGxlLWNyZWRlbnRpYWw", name: "iCloud Keychain" },
    "passkey.remove": { passkeyId: crypto.randomUUID(), name: "iCloud Keychain" },
    "admin.user.sign_out": adminTarget(),
    "admin.user.revoke_tokens": adminTarget(),
    "admin.user.clear_locks": adminTarget(),
    "admin.user.reset_two_factor": { ...adminTarget(), reason: "lost phone, identity checked by video call" },
    "admin.user.disable": { ...adminTarget(), reason: "reported compromised" },
    "admin.user.enable": adminTarget(),
    "admin.user.change_email": { ...adminTarget(), newEmail: randomEmail("moved"), reason: "lost inbox, identity checked" },
    "admin.stream.add": { name: "SIEM", url: "https://siem.example.com/ingest", batchSize: 100, start: "new" },
    "admin.stream.update": { destinationId: crypto.randomUUID(), name: "SIEM", url: "https://siem.example.com/ingest", batchSize: 50 },
    "admin.stream.pause": { destinationId: crypto.randomUUID(), name: "SIEM" },
    "admin.stream.resume": { destinationId: crypto.randomUUID(), name: "SIEM" },
    "admin.stream.delete": { destinationId: crypto.randomUUID(), name: "SIEM" },
  };
  if (!(action in payloads)) throw new Error(`no sample payload for ${action}: add one here`);
  return payloads[action] as StepUpPayloads[A];
}

async function lastStep(userId: string): Promise<number | null> {
  const { totpLastStep } = await db.user.findUniqueOrThrow({ where: { id: userId }, select: { totpLastStep: true } });
  return totpLastStep === null ? null : Number(totpLastStep);
}

async function grants(sessionId: string) {
  return db.stepUpGrant.findMany({ where: { sessionId, consumedAt: null }, select: { mode: true, action: true } });
}

function checkTotp(userId: string, code: string): Promise<boolean> {
  return db.$transaction((tx) => acceptTotp(tx, userId, code));
}

async function signedInWithTwoFactor(
  label: string,
): Promise<{ context: RequestContext; userId: string; email: string; secret: string; recoveryCodes: string[] }> {
  const { user, context } = await newStepUpUser(label);
  const { secret, recoveryCodes } = await enableTwoFactorFor(user);
  return { context, userId: user.id, email: user.email, secret, recoveryCodes };
}

describe("which step-ups ask for the second factor", () => {
  it("the policy marks the high-risk, single-use actions, and only those", () => {
    const high = ACTIONS.filter((action) => STEP_UP_POLICY[action].steps.length > 1).sort();
    expect(high).toEqual([
      "account.delete",
      "email.change",
      "passkey.add",
      "password.change",
      "recovery_codes.regenerate",
      "two_factor.disable",
      "two_factor.enable",
    ]);
    for (const action of high) expect(STEP_UP_POLICY[action].grant).toBe("single_use");
    for (const action of ACTIONS.filter((candidate) => STEP_UP_POLICY[candidate].grant === "sudo"))
      expect(STEP_UP_POLICY[action].steps.length > 1).toBe(false);
  });

  describe.each(ACTIONS)("%s", (action) => {
    const high = STEP_UP_POLICY[action].steps.length > 1;

    it(`with 2FA on the challenge says secondFactor: ${high}, and verify ${high ? "needs" : "does not need"} it`, async () => {
      const { context, userId, secret } = await signedInWithTwoFactor(`sf-on-${action}`);
      const challenge = await triggerChallenge(context, action, samplePayload(action));
      expect(challenge.steps).toEqual(high ? EMAIL_CODE_AND_SECOND_FACTOR : EMAIL_CODE_ONLY);
      const code = await latestStepUpCode(context.session.user.email);

      if (high) {
        await expectAppError(verifyStepUp(context, { challengeId: challenge.id, proofs: proofs(code) }), "SECOND_FACTOR_REQUIRED");
        expect(await challengeAttempts(challenge.id)).toBe(0);
        expect(await grants(context.session.id)).toEqual([]);
        await awayFromStepEdge();
        await verifyStepUp(context, { challengeId: challenge.id, proofs: proofs(code, { method: "totp", code: totpCode(secret) }) });
        expect(await lastStep(userId)).toBe(currentTotpStep());
      } else {
        await verifyStepUp(context, { challengeId: challenge.id, proofs: proofs(code) });
        expect(await lastStep(userId)).toBeNull();
      }
      expect(await grants(context.session.id)).toEqual([{ mode: STEP_UP_POLICY[action].grant === "sudo" ? "SUDO" : "SINGLE_USE", action }]);
    });

    it("with 2FA off the challenge says steps: EMAIL_CODE_ONLY, and the email code alone is enough", async () => {
      const { context } = await newStepUpUser(`sf-off-${action}`);
      const challenge = await triggerChallenge(context, action, samplePayload(action));
      expect(challenge.steps).toEqual(EMAIL_CODE_ONLY);
      await verifyStepUp(context, { challengeId: challenge.id, proofs: proofs(await latestStepUpCode(context.session.user.email)) });
      expect(await grants(context.session.id)).toHaveLength(1);
    });
  });

  it("a sudo action with 2FA on: no second factor asked, and one sent anyway is not looked at", async () => {
    const { context, userId, secret } = await signedInWithTwoFactor("sf-sudo");
    const challenge = await expectStepUpRequired(createApiToken(context, tokenRequest("ci")));
    expect(challenge.steps).toEqual(EMAIL_CODE_ONLY);
    await awayFromStepEdge();
    const totp = totpCode(secret);

    await verifyStepUp(context, {
      challengeId: challenge.id,
      proofs: proofs(await latestStepUpCode(context.session.user.email), { method: "totp", code: totp }),
    });
    expect(await db.auditEvent.count({ where: { actorId: userId, type: "step_up.verified", reason: "sudo" } })).toBe(1);
    await createApiToken(context, tokenRequest("ci"));
    expect(await db.apiToken.count({ where: { userId } })).toBe(1);
    // The authenticator's time step was not spent.
    expect(await lastStep(userId)).toBeNull();
    expect(await checkTotp(userId, totp)).toBe(true);
  });

  it("turning 2FA on while a challenge is pending raises the bar for it at once", async () => {
    const { user, context } = await newStepUpUser("sf-mid-challenge");
    const challenge = await triggerChallenge(context, "email.change", { newEmail: randomEmail("new") });
    expect(challenge.steps).toEqual(EMAIL_CODE_ONLY);
    const { secret } = await enableTwoFactorFor(user);
    const code = await latestStepUpCode(user.email);

    await expectAppError(verifyStepUp(context, { challengeId: challenge.id, proofs: proofs(code) }), "SECOND_FACTOR_REQUIRED");
    expect(await grants(context.session.id)).toEqual([]);
    await awayFromStepEdge();
    await verifyStepUp(context, { challengeId: challenge.id, proofs: proofs(code, { method: "totp", code: totpCode(secret) }) });
    expect(await grants(context.session.id)).toHaveLength(1);
  });
});

describe("the second factor is looked at only after the email code is right", () => {
  it("a wrong email code with a right authenticator code: refused as a wrong email code, the time step not spent", async () => {
    const { context, userId, email, secret } = await signedInWithTwoFactor("sf-wrong-email-totp");
    const challenge = await triggerChallenge(context, "password.change", samplePayload("password.change"));
    const code = await latestStepUpCode(email);
    await awayFromStepEdge(6);
    const totp = totpCode(secret);

    const error = await expectAppError(
      verifyStepUp(context, { challengeId: challenge.id, proofs: proofs(wrongCode(code), { method: "totp", code: totp }) }),
      "CODE_INVALID",
    );
    expect(error.details.attemptsLeft).toBe(4);
    expect(await challengeAttempts(challenge.id)).toBe(1);
    expect((await failureState(userId)).failures).toBe(1);
    expect(await lastStep(userId)).toBeNull();
    expect(await grants(context.session.id)).toEqual([]);

    // The same authenticator code still works with the right email code.
    await verifyStepUp(context, { challengeId: challenge.id, proofs: proofs(code, { method: "totp", code: totp }) });
    expect(await lastStep(userId)).toBe(currentTotpStep());
    expect(await grants(context.session.id)).toHaveLength(1);
    expect((await failureState(userId)).failures).toBe(0);
  });

  it("a wrong email code with a right recovery code: the recovery code is not spent", async () => {
    const { context, userId, email, recoveryCodes } = await signedInWithTwoFactor("sf-wrong-email-recovery");
    const challenge = await triggerChallenge(context, "email.change", samplePayload("email.change"));
    const code = await latestStepUpCode(email);
    const recoveryCode = recoveryCodes[0] as string;

    await expectAppError(
      verifyStepUp(context, {
        challengeId: challenge.id,
        proofs: proofs(wrongCode(code), { method: "recovery_code", code: recoveryCode }),
      }),
      "CODE_INVALID",
    );
    expect(await db.recoveryCode.count({ where: { userId, usedAt: null } })).toBe(10);
    expect(await auditCount("recovery_code.used", userId)).toBe(0);
    expect(await db.emailOutbox.count({ where: { to: email, subject: "A recovery code was used" } })).toBe(0);

    await verifyStepUp(context, { challengeId: challenge.id, proofs: proofs(code, { method: "recovery_code", code: recoveryCode }) });
    expect(await db.recoveryCode.count({ where: { userId, usedAt: null } })).toBe(9);
    expect(await auditCount("recovery_code.used", userId)).toBe(1);
  });
});

describe("wrong second factors are limited like wrong email codes", () => {
  it("5 per challenge (then even the right pair is refused), and 10 in a row across challenges lock step-up", async () => {
    const { context, userId, email, secret } = await signedInWithTwoFactor("sf-limits");
    const first = await triggerChallenge(context, "email.change", samplePayload("email.change"));
    const firstCode = await latestStepUpCode(email);
    await awayFromStepEdge(10);
    const wrong = { method: "totp" as const, code: notATotpFor(secret) };

    for (let attempt = 1; attempt <= 5; attempt++) {
      const error = await expectAppError(
        verifyStepUp(context, { challengeId: first.id, proofs: proofs(firstCode, wrong) }),
        "SECOND_FACTOR_INVALID",
      );
      expect(error.details.attemptsLeft).toBe(5 - attempt);
    }
    await expectAppError(
      verifyStepUp(context, { challengeId: first.id, proofs: proofs(firstCode, { method: "totp", code: totpCode(secret) }) }),
      "TOO_MANY_ATTEMPTS",
    );
    expect(await challengeAttempts(first.id)).toBe(5);
    expect(await lastStep(userId)).toBeNull();
    expect((await failureState(userId)).failures).toBe(5);

    const second = await triggerChallenge(context, "email.change", samplePayload("email.change"));
    const secondCode = await latestStepUpCode(email);
    for (let attempt = 1; attempt <= 4; attempt++) {
      await expectAppError(verifyStepUp(context, { challengeId: second.id, proofs: proofs(secondCode, wrong) }), "SECOND_FACTOR_INVALID");
    }
    await expectAppError(verifyStepUp(context, { challengeId: second.id, proofs: proofs(secondCode, wrong) }), "STEP_UP_LOCKED");
    expect(await auditCount("step_up.locked", userId)).toBe(1);
    expect((await failureState(userId)).lockedUntil).not.toBeNull();
    expect(await grants(context.session.id)).toEqual([]);
    expect(await db.auditEvent.count({ where: { actorId: userId, type: "step_up.verify_failed", reason: "second_factor_invalid" } })).toBe(
      10,
    );
  });
});

describe("bad second-factor input", () => {
  const challengeId = crypto.randomUUID();
  const badCodes = MALFORMED_CODES;
  const parses = (sent: unknown) => stepUpProofSchema.safeParse({ challengeId, proofs: sent }).success;

  it("a well-formed request parses (the baseline the cases below differ from)", () => {
    expect(parses({ email_code: "123456" })).toBe(true);
    expect(parses({ email_code: "123456", authenticator: "654321" })).toBe(true);
    expect(parses({ email_code: "123456", recovery_code: "abcde-23456" })).toBe(true);
    expect(parses({ email_code: "123456", recovery_code: "ABCDE23456" })).toBe(true);
  });

  it.each(badCodes)("an authenticator code with %s is refused", (_label, code) => {
    expect(parses({ email_code: "123456", authenticator: code })).toBe(false);
  });

  it.each(badCodes)("an email code with %s is refused", (_label, code) => {
    expect(parses({ email_code: code, authenticator: "123456" })).toBe(false);
  });

  it.each<[string, unknown]>([
    ["too short", "abcd-23456"],
    ["too long", "abcde-234567"],
    ["two dashes", "abcde--23456"],
    ["a space", "abcde 23456"],
    ["surrounding spaces", " abcde-23456 "],
    ["empty", ""],
    ["full-width letters", "ａｂｃｄｅ-23456"],
    ["an array", ["abcde-23456"]],
    ["an object", { code: "abcde-23456" }],
  ])("a recovery code %s is refused", (_label, code) => {
    expect(parses({ email_code: "123456", recovery_code: code })).toBe(false);
  });

  it.each<[string, unknown]>([
    ["a kind of proof that does not exist", { email_code: "123456", sms: "123456" }],
    ["a bare string", "123456"],
    ["an array", [{ email_code: "123456" }]],
    ["null", null],
    ["missing", undefined],
  ])("proofs that are %s are refused", (_label, sent) => {
    expect(parses(sent)).toBe(false);
  });

  it("sent with the protected action (disableTwoFactorAction): a validation error naming stepUp.proofs, and nothing is spent or changed", async () => {
    const { context, userId, email, secret, recoveryCodes } = await signedInWithTwoFactor("sf-bad-input");
    request.state.session = context.session;
    request.state.headers = sameOriginHeaders(getEnv().APP_URL);
    const challenge = await triggerChallenge(context, "two_factor.disable", {});
    const code = await latestStepUpCode(email);
    await awayFromStepEdge(8);
    const totp = totpCode(secret);
    const twoFactorOn = async () =>
      (await db.user.findUniqueOrThrow({ where: { id: userId }, select: { twoFactorEnabledAt: true } })).twoFactorEnabledAt !== null;

    for (const sent of [
      { email_code: code, authenticator: ` ${totp} ` },
      { email_code: code, authenticator: [totp] },
      { email_code: code, authenticator: totp.replace(/\d/g, (digit) => String.fromCharCode(0xff10 + Number(digit))) },
      { email_code: code, recovery_code: `${recoveryCodes[0]}\n` },
      { email_code: code, sms: totp },
      totp,
    ]) {
      const result = await disableTwoFactorAction(initialActionState, { stepUp: { challengeId: challenge.id, proofs: sent } });
      expect(result, JSON.stringify(sent)).toMatchObject({ ok: false, code: "VALIDATION_FAILED" });
      expect(Object.keys(result.fieldErrors ?? {}), JSON.stringify(sent)).toContainEqual(expect.stringMatching(/^stepUp\.proofs/));
    }
    expect(await challengeAttempts(challenge.id)).toBe(0);
    expect((await failureState(userId)).failures).toBe(0);
    expect(await lastStep(userId)).toBeNull();
    expect(await db.recoveryCode.count({ where: { userId, usedAt: null } })).toBe(10);
    expect(await grants(context.session.id)).toEqual([]);
    expect(await twoFactorOn()).toBe(true);

    // The well-formed proof makes the change in the same call; its single-use grant is spent with it.
    expect(
      await disableTwoFactorAction(initialActionState, {
        stepUp: { challengeId: challenge.id, proofs: proofs(code, { method: "totp", code: totp }) },
      }),
    ).toEqual({
      ok: true,
      message: "Two-step verification is off.",
    });
    expect(await twoFactorOn()).toBe(false);
    expect(await auditCount("two_factor.disabled", userId)).toBe(1);
    expect(await auditCount("step_up.grant_used", userId)).toBe(1);
    expect(await grants(context.session.id)).toEqual([]);
  });
});

describe("a single-use grant is bound to its payload", () => {
  it("email.change verified for address A does not change to address B (or from another session), and works once for A", async () => {
    const { context, userId, email, secret } = await signedInWithTwoFactor("sf-payload");
    const addressA = randomEmail("a");
    const addressB = randomEmail("b");

    const challengeA = await expectStepUpRequired(requestEmailChange(context, { newEmail: addressA }));
    expect(challengeA).toMatchObject({
      action: "email.change",
      steps: EMAIL_CODE_AND_SECOND_FACTOR,
      description: `change your email address to ${maskEmail(addressA)}`,
    });
    await awayFromStepEdge();
    await verifyStepUp(context, {
      challengeId: challengeA.id,
      proofs: proofs(await latestStepUpCode(email), { method: "totp", code: totpCode(secret) }),
    });

    const challengeB = await expectStepUpRequired(requestEmailChange(context, { newEmail: addressB }));
    expect(challengeB.id).not.toBe(challengeA.id);
    expect(challengeB.description).toBe(`change your email address to ${maskEmail(addressB)}`);
    const otherSession = await newContext(context.session.user);
    await expectStepUpRequired(requestEmailChange(otherSession, { newEmail: addressA }));
    expect(await db.emailChange.count({ where: { userId } })).toBe(0);
    expect(await grants(context.session.id)).toHaveLength(1);

    await requestEmailChange(context, { newEmail: addressA });
    expect(await db.emailChange.findMany({ where: { userId }, select: { newEmail: true } })).toEqual([{ newEmail: addressA }]);
    expect(await grants(context.session.id)).toEqual([]);

    // Spent: the same request again needs a new step-up.
    await passTime(context, 120);
    await expectStepUpRequired(requestEmailChange(context, { newEmail: addressA }));
    expect(await db.emailChange.count({ where: { userId } })).toBe(1);
  });

  it("password.change verified for one payload cannot run with a swapped one", async () => {
    const { context, secret, email } = await signedInWithTwoFactor("sf-payload-password");
    const verified = { newPasswordDigest: "cd".repeat(32), signOutOtherSessions: true };
    const swapped = [
      { newPasswordDigest: "cd".repeat(32), signOutOtherSessions: false },
      { newPasswordDigest: "ef".repeat(32), signOutOtherSessions: true },
    ];
    await awayFromStepEdge();
    const challenge = await triggerChallenge(context, "password.change", verified);
    await verifyStepUp(context, {
      challengeId: challenge.id,
      proofs: proofs(await latestStepUpCode(email), { method: "totp", code: totpCode(secret) }),
    });

    let ran = 0;
    const change = async () => {
      ran += 1;
    };
    for (const payload of swapped) await expectStepUpRequired(withStepUp(context, "password.change", payload, change));
    expect(ran).toBe(0);
    await withStepUp(context, "password.change", { signOutOtherSessions: true, newPasswordDigest: "cd".repeat(32) }, change);
    expect(ran).toBe(1);
    expect(await grants(context.session.id)).toEqual([]);
  });

  it("sudo grants do not stand in for a high-risk action", async () => {
    const { context, userId } = await signedInWithTwoFactor("sf-sudo-not-enough");
    await completeStepUp(context, "api_token.create", tokenRequest("unlock"));
    expect(await grants(context.session.id)).toEqual([{ mode: "SUDO", action: "api_token.create" }]);
    const challenge = await expectStepUpRequired(requestEmailChange(context, { newEmail: randomEmail("sudo") }));
    expect(challenge.steps).toEqual(EMAIL_CODE_AND_SECOND_FACTOR);
    expect(await db.emailChange.count({ where: { userId } })).toBe(0);
  });
});
