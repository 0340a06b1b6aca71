import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { db, disconnectDb } from "@/lib/db";
import { listMailboxMessages } from "@/lib/email/mailbox";
import { deliverDueEmails } from "@/lib/email/outbox";
import type { RequestContext } from "@/lib/http/context";
import type { StepUpAction, StepUpPayloads } from "@/lib/step-up/policy";
import { confirmTwoFactorEnrolment, ENROLMENT_LIMITS, startTwoFactorEnrolment } from "@/lib/two-factor/enrolment";
import { disableTwoFactor, getTwoFactorStatus, regenerateRecoveryCodes } from "@/lib/two-factor/manage";
import { RECOVERY_CODES } from "@/lib/two-factor/recovery-codes";
import { acceptSecondFactor } from "@/lib/two-factor/second-factor";
import { openSecret, sealSecret } from "@/lib/two-factor/secret-box";
import { acceptTotp, TOTP_SETTINGS, totpQrSvg } from "@/lib/two-factor/totp";
import { type EnrolmentDto, type SecondFactorProof } from "@/shared/two-factor";
import { meta, randomEmail } from "@/test/helpers/fixtures";
import {
  auditCount,
  challengeAttempts,
  completeStepUp,
  containsSecret,
  dumpDatabase,
  EMAIL_CODE_AND_SECOND_FACTOR,
  EMAIL_CODE_ONLY,
  expectAppError,
  expectStepUpRequired,
  failureState,
  latestStepUpCode,
  newContext,
  newStepUpUser,
  newUser,
  passTime,
  triggerChallenge,
  verifyStepUp,
  type TestUser,
} from "@/test/helpers/step-up";
import {
  awayFromStepEdge,
  currentTotpStep,
  enableTwoFactorFor,
  notATotpFor,
  secretFromManualKey,
  storedTwoFactorSecret,
  totpCode,
} from "@/test/helpers/two-factor";
import { proofs } from "@/tooling/app-client";

const BASE32 = /^[A-Z2-7]+$/;
const RECOVERY_CODE = /^[a-km-np-z2-9]{5}-[a-km-np-z2-9]{5}$/;

afterAll(async () => {
  await disconnectDb();
});

/** Step-up for "two_factor.enable", then step 1 of the set-up. */
async function startedEnrolment(context: RequestContext): Promise<EnrolmentDto> {
  await completeStepUp(context, "two_factor.enable", {});
  return startTwoFactorEnrolment(context);
}

function secretOf(enrolment: EnrolmentDto): string {
  const secret = new URL(enrolment.otpauthUri).searchParams.get("secret");
  if (!secret) throw new Error("no secret in the otpauth URI");
  return secret;
}

/** The authenticator check as sign-in and step-up run it: inside a transaction. */
function checkTotp(userId: string, code: string): Promise<boolean> {
  return db.$transaction((tx) => acceptTotp(tx, userId, code));
}

function spendCode(user: TestUser, code: string, purpose = "sign in"): Promise<boolean> {
  return db.$transaction((tx) => acceptSecondFactor(tx, { user, meta: meta(), purpose }, { method: "recovery_code", code }));
}

async function lastStep(userId: string): Promise<number | null> {
  const { totpLastStep } = await db.user.findUniqueOrThrow({ where: { id: userId }, select: { totpLastStep: true } });
  return totpLastStep === null ? null : Number(totpLastStep);
}

async function twoFactorState(userId: string) {
  return db.user.findUniqueOrThrow({ where: { id: userId }, select: { twoFactorEnabledAt: true, totpLastStep: true } });
}

async function enrolmentRow(userId: string) {
  return db.twoFactorEnrolment.findUnique({ where: { userId }, select: { id: true, attempts: true, sessionId: true, secret: true } });
}

async function noticeCount(email: string, subject: string): Promise<number> {
  return db.emailOutbox.count({ where: { to: email, subject } });
}

async function unusedGrants(sessionId: string): Promise<number> {
  return db.stepUpGrant.count({ where: { sessionId, consumedAt: null } });
}

/** Triggers the action's challenge and verifies it with the emailed code and `secondFactor`. */
async function stepUpWith<A extends StepUpAction>(
  context: RequestContext,
  action: A,
  payload: StepUpPayloads[A],
  secondFactor?: SecondFactorProof,
) {
  const challenge = await triggerChallenge(context, action, payload);
  const code = await latestStepUpCode(context.session.user.email);
  return { challenge, code, verified: verifyStepUp(context, { challengeId: challenge.id, proofs: proofs(code, secondFactor) }) };
}

describe("turning two-step verification on", () => {
  it("needs step-up first: without a grant nothing is set up", async () => {
    const { user, context } = await newStepUpUser("2fa-no-grant");
    const challenge = await expectStepUpRequired(startTwoFactorEnrolment(context));
    expect(challenge.action).toBe("two_factor.enable");
    expect(challenge.steps).toEqual(EMAIL_CODE_ONLY);
    expect(await enrolmentRow(user.id)).toBeNull();
    expect(await auditCount("two_factor.enrolment_started", user.id)).toBe(0);
    expect((await twoFactorState(user.id)).twoFactorEnabledAt).toBeNull();
  });

  it("after step-up shows a QR code, an otpauth URI with a ≥160-bit secret and the key grouped for reading; the grant is single use", async () => {
    const { user, context } = await newStepUpUser("2fa-start");
    const enrolment = await startedEnrolment(context);

    const uri = new URL(enrolment.otpauthUri);
    expect(uri.protocol).toBe("otpauth:");
    expect(uri.host).toBe("totp");
    expect(decodeURIComponent(uri.pathname)).toBe(`/${TOTP_SETTINGS.issuer}:${user.email}`);
    expect(uri.searchParams.get("issuer")).toBe(TOTP_SETTINGS.issuer);
    const secret = secretOf(enrolment);
    expect(secret).toMatch(BASE32);
    expect(secret.length).toBeGreaterThanOrEqual(32);

    expect(enrolment.manualKey).toMatch(/^[A-Z2-7]{4}( [A-Z2-7]{4})*( [A-Z2-7]{1,3})?$/);
    expect(secretFromManualKey(enrolment.manualKey)).toBe(secret);

    expect(enrolment.qrSvg).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
    // The QR is exactly the rendering of this URI (qrcode is deterministic).
    expect(enrolment.qrSvg).toBe(await totpQrSvg(enrolment.otpauthUri));

    const row = await enrolmentRow(user.id);
    expect(row).toMatchObject({ id: enrolment.enrolmentId, attempts: 0, sessionId: context.session.id });
    expect(row?.secret.startsWith("v1.")).toBe(true);
    expect(row?.secret).not.toContain(secret);
    expect(new Date(enrolment.expiresAt).getTime() - Date.now()).toBeGreaterThan((ENROLMENT_LIMITS.ttlSeconds - 30) * 1000);
    expect(new Date(enrolment.expiresAt).getTime() - Date.now()).toBeLessThanOrEqual(ENROLMENT_LIMITS.ttlSeconds * 1000);
    expect(await auditCount("two_factor.enrolment_started", user.id)).toBe(1);
    // Nothing about the account changed yet.
    expect((await twoFactorState(user.id)).twoFactorEnabledAt).toBeNull();
    expect(await storedTwoFactorSecret(user.id)).toBeNull();

    // The grant was spent on this set-up: once the resend cooldown is over, another one needs a new step-up.
    expect(await unusedGrants(context.session.id)).toBe(0);
    await passTime(context, 120);
    await expectStepUpRequired(startTwoFactorEnrolment(context));
    expect((await enrolmentRow(user.id))?.secret).toBe(row?.secret);
  });

  it("a code from the new secret turns it on: secret stored as ciphertext bound to the user, 10 hashed recovery codes, audit and notice", async () => {
    const { user, context } = await newStepUpUser("2fa-confirm");
    const enrolment = await startedEnrolment(context);
    const secret = secretOf(enrolment);
    await awayFromStepEdge();
    const code = totpCode(secret);

    const { recoveryCodes } = await confirmTwoFactorEnrolment(context, { enrolmentId: enrolment.enrolmentId, code });

    const state = await twoFactorState(user.id);
    expect(state.twoFactorEnabledAt).toBeInstanceOf(Date);
    expect(Number(state.totpLastStep)).toBe(currentTotpStep());
    expect(await enrolmentRow(user.id)).toBeNull();

    // At rest: AES-GCM ciphertext, opened only with this user's id as associated data.
    const stored = await storedTwoFactorSecret(user.id);
    if (!stored) throw new Error("no stored secret");
    expect(stored.startsWith("v1.")).toBe(true);
    expect(stored).not.toContain(secret);
    expect(stored).not.toContain(Buffer.from(secret).toString("base64url"));
    expect(openSecret(user.id, stored)).toEqual({ secret, stale: false });
    const other = await newUser("2fa-copy");
    expect(() => openSecret(other.id, stored)).toThrow();
    // Ordinary queries never return it.
    expect(await db.user.findUniqueOrThrow({ where: { id: user.id } })).not.toHaveProperty("twoFactorSecret");

    // Copied onto another account it does not work there.
    await db.$executeRaw`UPDATE users SET two_factor_secret = ${stored}, two_factor_enabled_at = now() WHERE id = ${other.id}::uuid`;
    expect(await checkTotp(other.id, totpCode(secret, 1)).catch(() => false)).toBe(false);
    expect(await lastStep(other.id)).toBeNull();

    // The code that turned it on cannot be used again.
    expect(await checkTotp(user.id, code)).toBe(false);
    expect(await checkTotp(user.id, totpCode(secret, 1))).toBe(true);

    expect(recoveryCodes).toHaveLength(RECOVERY_CODES.count);
    expect(new Set(recoveryCodes).size).toBe(RECOVERY_CODES.count);
    for (const recoveryCode of recoveryCodes) expect(recoveryCode).toMatch(RECOVERY_CODE);
    expect(await db.recoveryCode.count({ where: { userId: user.id, usedAt: null } })).toBe(RECOVERY_CODES.count);

    const everything = Object.values(await dumpDatabase()).join("\n");
    for (const recoveryCode of recoveryCodes) {
      expect(containsSecret(everything, recoveryCode)).toBe(false);
      expect(containsSecret(everything, recoveryCode.replace("-", ""))).toBe(false);
    }
    expect(everything).not.toContain(secret);

    expect(await auditCount("two_factor.enabled", user.id)).toBe(1);
    expect(await noticeCount(user.email, "Two-step verification is on")).toBe(1);
    await deliverDueEmails();
    expect(
      (await listMailboxMessages({ to: user.email })).filter((message) => message.subject === "Two-step verification is on"),
    ).toHaveLength(1);
    expect(await getTwoFactorStatus(user.id)).toMatchObject({ enabled: true, recoveryCodesLeft: 10, warnAt: 3 });

    // And it cannot be turned on twice.
    await expectAppError(startTwoFactorEnrolment(context), "TWO_FACTOR_ALREADY_ON");
  });

  it("two parallel confirms with the right code: it turns on once, with one set of recovery codes", async () => {
    const { user, context } = await newStepUpUser("2fa-confirm-race");
    const enrolment = await startedEnrolment(context);
    await awayFromStepEdge(8);
    const code = totpCode(secretOf(enrolment));

    const outcomes = await Promise.allSettled(
      [1, 2].map(() => confirmTwoFactorEnrolment(context, { enrolmentId: enrolment.enrolmentId, code })),
    );
    const won = outcomes.filter((outcome) => outcome.status === "fulfilled");
    expect(won).toHaveLength(1);
    const lost = outcomes.find((outcome) => outcome.status === "rejected");
    expect((lost?.reason as { code?: string } | undefined)?.code).toBe("CODE_EXPIRED");
    expect(await db.recoveryCode.count({ where: { userId: user.id } })).toBe(10);
    expect(await auditCount("two_factor.enabled", user.id)).toBe(1);
    expect(await noticeCount(user.email, "Two-step verification is on")).toBe(1);
  });

  it("turning it on closes grants proven by the email code alone (other sessions' too)", async () => {
    const { user, context } = await newStepUpUser("2fa-closes-grants");
    const other = await newContext(user);
    await completeStepUp(other, "email.change", { newEmail: "next@example.test" });
    await completeStepUp(context, "api_token.create", { name: "ci", scopes: ["profile:read"], expiry: "30", expiresOn: "" });
    const enrolment = await startedEnrolment(context);
    await confirmTwoFactorEnrolment(context, { enrolmentId: enrolment.enrolmentId, code: totpCode(secretOf(enrolment)) });

    expect(await db.stepUpGrant.count({ where: { userId: user.id, consumedAt: null, expiresAt: { gt: new Date() } } })).toBe(0);
    const challenge = await expectStepUpRequired(
      // Another address: the same request within a minute would only meet the start cooldown.
      import("@/lib/account/change-email").then(({ requestEmailChange }) => requestEmailChange(other, { newEmail: "later@example.test" })),
    );
    expect(challenge.steps).toEqual(EMAIL_CODE_AND_SECOND_FACTOR);
  });

  it("refuses a code from another secret, counting the attempt", async () => {
    const { user, context } = await newStepUpUser("2fa-foreign-code");
    const enrolment = await startedEnrolment(context);
    const someoneElse = await newStepUpUser("2fa-foreign-code-other");
    const otherEnrolment = await startedEnrolment(someoneElse.context);
    await awayFromStepEdge();
    const foreign = totpCode(secretOf(otherEnrolment));
    if ([-1, 0, 1].some((steps) => totpCode(secretOf(enrolment), steps) === foreign)) return; // one in ~300,000

    const error = await expectAppError(
      confirmTwoFactorEnrolment(context, { enrolmentId: enrolment.enrolmentId, code: foreign }),
      "CODE_INVALID",
    );
    expect(error.details.attemptsLeft).toBe(ENROLMENT_LIMITS.maxAttempts - 1);
    expect((await enrolmentRow(user.id))?.attempts).toBe(1);
    expect((await twoFactorState(user.id)).twoFactorEnabledAt).toBeNull();
    expect(await storedTwoFactorSecret(user.id)).toBeNull();
    expect(await db.recoveryCode.count({ where: { userId: user.id } })).toBe(0);
    expect(await auditCount("two_factor.enrolment_failed", user.id)).toBe(1);
    expect(await auditCount("two_factor.enabled", user.id)).toBe(0);
  });

  it("after 5 wrong codes even the right one is refused", async () => {
    const { user, context } = await newStepUpUser("2fa-five-wrong");
    const enrolment = await startedEnrolment(context);
    const secret = secretOf(enrolment);
    await awayFromStepEdge(6);
    const wrong = notATotpFor(secret);

    for (let attempt = 1; attempt < ENROLMENT_LIMITS.maxAttempts; attempt++) {
      const error = await expectAppError(
        confirmTwoFactorEnrolment(context, { enrolmentId: enrolment.enrolmentId, code: wrong }),
        "CODE_INVALID",
      );
      expect(error.details.attemptsLeft).toBe(ENROLMENT_LIMITS.maxAttempts - attempt);
    }
    await expectAppError(confirmTwoFactorEnrolment(context, { enrolmentId: enrolment.enrolmentId, code: wrong }), "TOO_MANY_ATTEMPTS");
    await expectAppError(
      confirmTwoFactorEnrolment(context, { enrolmentId: enrolment.enrolmentId, code: totpCode(secret) }),
      "TOO_MANY_ATTEMPTS",
    );

    expect((await enrolmentRow(user.id))?.attempts).toBe(ENROLMENT_LIMITS.maxAttempts);
    expect((await twoFactorState(user.id)).twoFactorEnabledAt).toBeNull();
    expect(await auditCount("two_factor.enrolment_failed", user.id)).toBe(ENROLMENT_LIMITS.maxAttempts);
  });

  it("refuses an expired set-up without counting an attempt", async () => {
    const { user, context } = await newStepUpUser("2fa-expired");
    const enrolment = await startedEnrolment(context);
    await db.$executeRaw`UPDATE two_factor_enrolments SET expires_at = now() - interval '1 second' WHERE user_id = ${user.id}::uuid`;

    await expectAppError(
      confirmTwoFactorEnrolment(context, { enrolmentId: enrolment.enrolmentId, code: totpCode(secretOf(enrolment)) }),
      "CODE_EXPIRED",
    );
    expect((await enrolmentRow(user.id))?.attempts).toBe(0);
    expect((await twoFactorState(user.id)).twoFactorEnabledAt).toBeNull();
  });

  it("refuses a set-up started in another session (or by another user) without counting an attempt", async () => {
    const { user, context } = await newStepUpUser("2fa-other-session");
    const enrolment = await startedEnrolment(context);
    const secret = secretOf(enrolment);
    const otherSession = await newContext(user);
    const stranger = await newStepUpUser("2fa-stranger");
    await awayFromStepEdge();

    await expectAppError(
      confirmTwoFactorEnrolment(otherSession, { enrolmentId: enrolment.enrolmentId, code: totpCode(secret) }),
      "CODE_EXPIRED",
    );
    await expectAppError(
      confirmTwoFactorEnrolment(stranger.context, { enrolmentId: enrolment.enrolmentId, code: totpCode(secret) }),
      "CODE_EXPIRED",
    );
    expect((await enrolmentRow(user.id))?.attempts).toBe(0);
    expect((await twoFactorState(user.id)).twoFactorEnabledAt).toBeNull();
    expect((await twoFactorState(stranger.user.id)).twoFactorEnabledAt).toBeNull();

    // The session that started it still can.
    await confirmTwoFactorEnrolment(context, { enrolmentId: enrolment.enrolmentId, code: totpCode(secret) });
    expect((await twoFactorState(user.id)).twoFactorEnabledAt).toBeInstanceOf(Date);
  });
});

describe("authenticator codes", () => {
  it("accept the current step and one step either side; refuse two steps away", async () => {
    const early = await newUser("totp-early");
    const late = await newUser("totp-late");
    const now = await newUser("totp-now");
    const far = await newUser("totp-far");
    const secrets = await Promise.all([early, late, now, far].map(enableTwoFactorFor));
    const [earlySecret, lateSecret, nowSecret, farSecret] = secrets.map(({ secret }) => secret) as [string, string, string, string];
    await awayFromStepEdge();
    const step = currentTotpStep();

    expect(await checkTotp(now.id, totpCode(nowSecret))).toBe(true);
    expect(await lastStep(now.id)).toBe(step);
    expect(await checkTotp(early.id, totpCode(earlySecret, -1))).toBe(true);
    expect(await lastStep(early.id)).toBe(step - 1);
    expect(await checkTotp(late.id, totpCode(lateSecret, 1))).toBe(true);
    expect(await lastStep(late.id)).toBe(step + 1);

    expect(await checkTotp(far.id, totpCode(farSecret, -2))).toBe(false);
    expect(await checkTotp(far.id, totpCode(farSecret, 2))).toBe(false);
    expect(await checkTotp(far.id, notATotpFor(farSecret))).toBe(false);
    expect(await lastStep(far.id)).toBeNull();
  });

  it("accept each step once: a replayed code and an older step after a newer one are refused", async () => {
    const user = await newUser("totp-replay");
    const { secret } = await enableTwoFactorFor(user);
    await awayFromStepEdge();
    const step = currentTotpStep();

    expect(await checkTotp(user.id, totpCode(secret))).toBe(true);
    expect(await checkTotp(user.id, totpCode(secret))).toBe(false);
    expect(await checkTotp(user.id, totpCode(secret, -1))).toBe(false);
    expect(await checkTotp(user.id, totpCode(secret, 1))).toBe(true);
    expect(await checkTotp(user.id, totpCode(secret))).toBe(false);
    expect(await lastStep(user.id)).toBe(step + 1);
  });

  it("10 parallel submissions of one valid code: exactly one is accepted", async () => {
    const user = await newUser("totp-parallel");
    const { secret } = await enableTwoFactorFor(user);
    await awayFromStepEdge(8);
    const code = totpCode(secret);

    const results = await Promise.all(Array.from({ length: 10 }, () => checkTotp(user.id, code)));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await lastStep(user.id)).toBe(currentTotpStep());
  });

  it("are refused for a user with two-step verification off", async () => {
    const user = await newUser("totp-off");
    const { secret } = await enableTwoFactorFor(user);
    await db.user.update({ where: { id: user.id }, data: { twoFactorEnabledAt: null } });
    expect(await checkTotp(user.id, totpCode(secret))).toBe(false);
  });

  it("through a high-risk step-up: the code opens the grant once; replayed in the next step-up it is refused and costs the attempt", async () => {
    const { user, context } = await newStepUpUser("totp-step-up");
    const { secret } = await enableTwoFactorFor(user);
    await awayFromStepEdge(10);
    const code = totpCode(secret);

    const first = await stepUpWith(context, "email.change", { newEmail: randomEmail("new") }, { method: "totp", code });
    await first.verified;
    expect(await unusedGrants(context.session.id)).toBe(1);
    expect(await lastStep(user.id)).toBe(currentTotpStep());

    const second = await stepUpWith(context, "email.change", { newEmail: randomEmail("newer") }, { method: "totp", code });
    const error = await expectAppError(second.verified, "SECOND_FACTOR_INVALID");
    expect(error.details.attemptsLeft).toBe(4);
    expect(await challengeAttempts(second.challenge.id)).toBe(1);
    expect((await failureState(user.id)).failures).toBe(1);
    expect(await unusedGrants(context.session.id)).toBe(1);
  });
});

describe("recovery codes", () => {
  it("work once each, in any case and with or without the dash; not for another user", async () => {
    const user = await newUser("recovery-once");
    const { recoveryCodes } = await enableTwoFactorFor(user);
    const [first, second, third] = recoveryCodes as [string, string, string];
    const stranger = await newUser("recovery-stranger");
    await enableTwoFactorFor(stranger);

    expect(await spendCode(stranger, first)).toBe(false);
    expect(await spendCode(user, first)).toBe(true);
    expect(await spendCode(user, first)).toBe(false);
    expect(await spendCode(user, second.toUpperCase())).toBe(true);
    expect(await spendCode(user, third.replace("-", ""))).toBe(true);
    expect(await spendCode(user, "abcde-fghjk")).toBe(false);

    expect(await getTwoFactorStatus(user.id)).toMatchObject({ recoveryCodesLeft: 7 });
    expect(await getTwoFactorStatus(stranger.id)).toMatchObject({ recoveryCodesLeft: 10 });
    expect(await auditCount("recovery_code.used", user.id)).toBe(3);
    expect(await auditCount("recovery_code.used", stranger.id)).toBe(0);
  });

  it("10 parallel uses of one code: one succeeds, one audit row, one notice", async () => {
    const user = await newUser("recovery-parallel");
    const { recoveryCodes } = await enableTwoFactorFor(user);
    const code = recoveryCodes[0] as string;

    const results = await Promise.all(Array.from({ length: 10 }, () => spendCode(user, code)));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect((await getTwoFactorStatus(user.id)).recoveryCodesLeft).toBe(9);
    expect(await auditCount("recovery_code.used", user.id)).toBe(1);
    expect(await noticeCount(user.email, "A recovery code was used")).toBe(1);
  });

  it("count down, with the number left in the audit row and the notice, and a warning threshold of 3", async () => {
    const user = await newUser("recovery-count");
    const { recoveryCodes } = await enableTwoFactorFor(user);
    expect(await getTwoFactorStatus(user.id)).toEqual({
      enabled: true,
      enabledAt: expect.any(String),
      recoveryCodesLeft: 10,
      warnAt: RECOVERY_CODES.warnAt,
    });
    expect(RECOVERY_CODES.warnAt).toBe(3);

    for (const code of recoveryCodes.slice(0, 7)) expect(await spendCode(user, code, "sign in")).toBe(true);
    expect((await getTwoFactorStatus(user.id)).recoveryCodesLeft).toBe(3);

    const events = await db.auditEvent.findMany({
      where: { type: "recovery_code.used", actorId: user.id },
      orderBy: { id: "asc" },
      select: { metadata: true, reason: true, outcome: true },
    });
    expect(events.map((event) => event.metadata)).toEqual([9, 8, 7, 6, 5, 4, 3].map((left) => ({ left })));
    expect(events.every((event) => event.reason === "sign in" && event.outcome === "SUCCESS")).toBe(true);
    const notices = await db.emailOutbox.findMany({
      where: { to: user.email, subject: "A recovery code was used" },
      orderBy: { createdAt: "asc" },
      select: { data: true },
    });
    expect(notices).toHaveLength(7);
    expect(notices.at(-1)?.data).toMatchObject({ notice: "recoveryCodeUsed", values: { left: 3 } });
  });

  it("regenerating needs step-up, invalidates every old code and returns 10 new ones once", async () => {
    const { user, context } = await newStepUpUser("recovery-regenerate");
    const { recoveryCodes: old } = await enableTwoFactorFor(user);
    expect(await spendCode(user, old[0] as string)).toBe(true);

    const challenge = await expectStepUpRequired(regenerateRecoveryCodes(context));
    expect(challenge.steps).toEqual(EMAIL_CODE_AND_SECOND_FACTOR);
    expect(await db.recoveryCode.count({ where: { userId: user.id, usedAt: null } })).toBe(9);
    expect(await auditCount("recovery_codes.regenerated", user.id)).toBe(0);

    // The inbox alone must not mint new recovery codes (they would then serve as the second proof).
    const code = await latestStepUpCode(user.email);
    await expectAppError(verifyStepUp(context, { challengeId: challenge.id, proofs: proofs(code) }), "SECOND_FACTOR_REQUIRED");
    await verifyStepUp(context, { challengeId: challenge.id, proofs: proofs(code, { method: "recovery_code", code: old[1] as string }) });
    const { recoveryCodes: fresh } = await regenerateRecoveryCodes(context);
    expect(fresh).toHaveLength(10);
    expect(new Set(fresh).size).toBe(10);
    for (const code of fresh) expect(code).toMatch(RECOVERY_CODE);
    expect(fresh.filter((fresh) => old.includes(fresh))).toEqual([]);
    expect(await getTwoFactorStatus(user.id)).toMatchObject({ recoveryCodesLeft: 10 });
    // Single use: the next set needs both proofs again (after the minute a new code waits for).
    await passTime(context, 61);
    await expectStepUpRequired(regenerateRecoveryCodes(context));

    for (const spent of old) expect(await spendCode(user, spent)).toBe(false);
    expect(await spendCode(user, fresh[0] as string)).toBe(true);
    expect((await getTwoFactorStatus(user.id)).recoveryCodesLeft).toBe(9);

    expect(await auditCount("recovery_codes.regenerated", user.id)).toBe(1);
    expect(await noticeCount(user.email, "New recovery codes were created")).toBe(1);
    const everything = Object.values(await dumpDatabase()).join("\n");
    for (const code of fresh) expect(containsSecret(everything, code)).toBe(false);
  });

  it("regenerating is refused while two-step verification is off", async () => {
    const { user, context } = await newStepUpUser("recovery-regenerate-off");
    await expectAppError(regenerateRecoveryCodes(context), "TWO_FACTOR_OFF");
    expect(await db.recoveryCode.count({ where: { userId: user.id } })).toBe(0);
  });
});

describe("turning two-step verification off", () => {
  it("the email code alone is not enough: refused before anything is counted, and the same code works with the authenticator", async () => {
    const { user, context } = await newStepUpUser("2fa-off-email-only");
    const { secret } = await enableTwoFactorFor(user);
    const challenge = await expectStepUpRequired(disableTwoFactor(context));
    expect(challenge.steps).toEqual(EMAIL_CODE_AND_SECOND_FACTOR);
    const emailCode = await latestStepUpCode(user.email);

    await expectAppError(verifyStepUp(context, { challengeId: challenge.id, proofs: proofs(emailCode) }), "SECOND_FACTOR_REQUIRED");
    expect(await challengeAttempts(challenge.id)).toBe(0);
    expect((await failureState(user.id)).failures).toBe(0);
    expect(await unusedGrants(context.session.id)).toBe(0);
    expect(await auditCount("step_up.verified", user.id)).toBe(0);
    // Still on, and still no grant: asking again gets the same pending challenge.
    expect((await expectStepUpRequired(disableTwoFactor(context))).id).toBe(challenge.id);
    expect((await getTwoFactorStatus(user.id)).enabled).toBe(true);

    await awayFromStepEdge();
    await verifyStepUp(context, { challengeId: challenge.id, proofs: proofs(emailCode, { method: "totp", code: totpCode(secret) }) });
    await disableTwoFactor(context);
    expect((await getTwoFactorStatus(user.id)).enabled).toBe(false);
  });

  it("a wrong authenticator code costs the attempt and changes nothing", async () => {
    const { user, context } = await newStepUpUser("2fa-off-wrong-totp");
    const { secret } = await enableTwoFactorFor(user);
    const challenge = await expectStepUpRequired(disableTwoFactor(context));
    const emailCode = await latestStepUpCode(user.email);
    await awayFromStepEdge();

    const error = await expectAppError(
      verifyStepUp(context, { challengeId: challenge.id, proofs: proofs(emailCode, { method: "totp", code: notATotpFor(secret) }) }),
      "SECOND_FACTOR_INVALID",
    );
    expect(error.details.attemptsLeft).toBe(4);
    expect(await challengeAttempts(challenge.id)).toBe(1);
    expect((await failureState(user.id)).failures).toBe(1);
    expect(await db.auditEvent.count({ where: { actorId: user.id, type: "step_up.verify_failed", reason: "second_factor_invalid" } })).toBe(
      1,
    );
    expect(await unusedGrants(context.session.id)).toBe(0);
    expect((await getTwoFactorStatus(user.id)).enabled).toBe(true);
    expect(await lastStep(user.id)).toBeNull();
    expect(await storedTwoFactorSecret(user.id)).not.toBeNull();
  });

  it("email code + authenticator code turns it off: secret and recovery codes gone, audit row and notice, single use", async () => {
    const { user, context } = await newStepUpUser("2fa-off");
    const { secret, recoveryCodes } = await enableTwoFactorFor(user);
    await awayFromStepEdge();
    const challenge = await expectStepUpRequired(disableTwoFactor(context));
    await verifyStepUp(context, {
      challengeId: challenge.id,
      proofs: proofs(await latestStepUpCode(user.email), { method: "totp", code: totpCode(secret) }),
    });
    expect(await db.auditEvent.count({ where: { actorId: user.id, type: "step_up.verified", reason: "single_use+second_factor" } })).toBe(
      1,
    );

    await disableTwoFactor(context);

    expect(await storedTwoFactorSecret(user.id)).toBeNull();
    expect(await twoFactorState(user.id)).toEqual({ twoFactorEnabledAt: null, totpLastStep: null });
    expect(await db.recoveryCode.count({ where: { userId: user.id } })).toBe(0);
    expect(await getTwoFactorStatus(user.id)).toMatchObject({ enabled: false, enabledAt: null, recoveryCodesLeft: 0 });
    expect(await auditCount("two_factor.disabled", user.id)).toBe(1);
    expect(await noticeCount(user.email, "Two-step verification is off")).toBe(1);
    expect(await spendCode(user, recoveryCodes[0] as string)).toBe(false);
    expect(await checkTotp(user.id, totpCode(secret, 1))).toBe(false);
    expect(await unusedGrants(context.session.id)).toBe(0);

    await expectAppError(disableTwoFactor(context), "TWO_FACTOR_OFF");
    expect(await auditCount("two_factor.disabled", user.id)).toBe(1);
  });

  it("email code + recovery code turns it off, and the recovery code is spent", async () => {
    const { user, context } = await newStepUpUser("2fa-off-recovery");
    const { recoveryCodes } = await enableTwoFactorFor(user);
    const code = recoveryCodes[4] as string;
    const challenge = await expectStepUpRequired(disableTwoFactor(context));

    await verifyStepUp(context, {
      challengeId: challenge.id,
      proofs: proofs(await latestStepUpCode(user.email), { method: "recovery_code", code }),
    });
    expect((await getTwoFactorStatus(user.id)).recoveryCodesLeft).toBe(9);
    expect(await spendCode(user, code)).toBe(false);
    const used = await db.auditEvent.findFirstOrThrow({
      where: { type: "recovery_code.used", actorId: user.id },
      select: { reason: true, metadata: true },
    });
    // What the code was spent on, as the challenge stored it: a phrase each reader puts into their own words.
    const { description } = await db.stepUpChallenge.findUniqueOrThrow({ where: { id: challenge.id }, select: { description: true } });
    expect(used).toEqual({ reason: description, metadata: { left: 9 } });
    expect(await noticeCount(user.email, "A recovery code was used")).toBe(1);

    await disableTwoFactor(context);
    expect((await getTwoFactorStatus(user.id)).enabled).toBe(false);
    expect(await auditCount("two_factor.disabled", user.id)).toBe(1);
  });
});

describe("the secret box", () => {
  const originalKey = process.env.TOTP_ENCRYPTION_KEY ?? "";
  const newKey = Buffer.alloc(32, 9).toString("base64");

  /** lib/env caches its parsed config, so another key configuration needs fresh module instances. */
  async function loadWithKeys(current: string, previous: string[]) {
    process.env.TOTP_ENCRYPTION_KEY = current;
    process.env.TOTP_ENCRYPTION_KEYS_PREVIOUS = previous.join(",");
    vi.resetModules();
    const [box, totp, dbModule] = await Promise.all([
      import("@/lib/two-factor/secret-box"),
      import("@/lib/two-factor/totp"),
      import("@/lib/db"),
    ]);
    return { ...box, acceptTotp: totp.acceptTotp, db: dbModule.db };
  }

  afterEach(() => {
    process.env.TOTP_ENCRYPTION_KEY = originalKey;
    delete process.env.TOTP_ENCRYPTION_KEYS_PREVIOUS;
  });

  it("seals with a fresh IV each time, opens only for the same user and untampered, and is not stale under the current key", async () => {
    const userId = crypto.randomUUID();
    const secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
    const sealed = sealSecret(userId, secret);
    expect(sealed).toMatch(/^v1\.[0-9a-f]{8}\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(sealed).not.toContain(secret);
    expect(sealSecret(userId, secret)).not.toBe(sealed);
    expect(openSecret(userId, sealed)).toEqual({ secret, stale: false });

    expect(() => openSecret(crypto.randomUUID(), sealed)).toThrow();
    const parts = sealed.split(".");
    const body = Buffer.from(parts[4] ?? "", "base64url");
    body[0] = (body[0] ?? 0) ^ 1;
    expect(() => openSecret(userId, [...parts.slice(0, 4), body.toString("base64url")].join("."))).toThrow();
    expect(() => openSecret(userId, sealed.replace(/^v1\./, "v2."))).toThrow();
    expect(() => openSecret(userId, "not-sealed")).toThrow();
  });

  it("key rotation: old values open (marked stale) while the old key is listed, and not after", async () => {
    const userId = crypto.randomUUID();
    const secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
    const sealedUnderOld = sealSecret(userId, secret);

    const rotated = await loadWithKeys(newKey, [originalKey]);
    expect(rotated.openSecret(userId, sealedUnderOld)).toEqual({ secret, stale: true });
    const sealedUnderNew = rotated.sealSecret(userId, secret);
    expect(sealedUnderNew.split(".")[1]).not.toBe(sealedUnderOld.split(".")[1]);
    expect(rotated.openSecret(userId, sealedUnderNew)).toEqual({ secret, stale: false });
    // The old configuration does not know the new key.
    expect(() => openSecret(userId, sealedUnderNew)).toThrow();

    const oldKeyDropped = await loadWithKeys(newKey, []);
    expect(() => oldKeyDropped.openSecret(userId, sealedUnderOld)).toThrow();
    expect(oldKeyDropped.openSecret(userId, sealedUnderNew)).toEqual({ secret, stale: false });
  });

  it("key rotation: an accepted code re-seals a stale secret under the current key", async () => {
    const user = await newUser("totp-rotation");
    const { secret } = await enableTwoFactorFor(user);
    const before = await storedTwoFactorSecret(user.id);
    if (!before) throw new Error("no stored secret");

    const rotated = await loadWithKeys(newKey, [originalKey]);
    await awayFromStepEdge();
    expect(await rotated.db.$transaction((tx) => rotated.acceptTotp(tx, user.id, notATotpFor(secret)))).toBe(false);
    expect(await storedTwoFactorSecret(user.id)).toBe(before);

    expect(await rotated.db.$transaction((tx) => rotated.acceptTotp(tx, user.id, totpCode(secret)))).toBe(true);
    const after = await storedTwoFactorSecret(user.id);
    if (!after) throw new Error("no stored secret");
    expect(after).not.toBe(before);
    expect(rotated.openSecret(user.id, after)).toEqual({ secret, stale: false });
    expect(() => openSecret(user.id, after)).toThrow();
  });
});
