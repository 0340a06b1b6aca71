import { describe, expect, it } from "vitest";
import { requestEmailChange } from "@/lib/account/change-email";
import { findRecoveryHold } from "@/lib/account/recovery-hold";
import { authenticateBearer } from "@/lib/api-tokens/authenticate";
import { createApiToken } from "@/lib/api-tokens/create";
import { hashPassword } from "@/lib/auth/password";
import { startSecondFactorSignIn } from "@/lib/auth/second-factor-sign-in";
import { signInWithPassword } from "@/lib/auth/sign-in";
import { requestSignUp } from "@/lib/auth/sign-up";
import { db } from "@/lib/db";
import { listMailboxMessages } from "@/lib/email/mailbox";
import { checkCode } from "@/lib/one-time-code";
import { addPasskey, passkeyRegistrationOptions } from "@/lib/passkeys/registration";
import { relyingParty } from "@/lib/passkeys/relying-party";
import { resetPassword } from "@/lib/password-reset/complete";
import { findReportablePasswordReset, reportPasswordReset } from "@/lib/password-reset/report";
import { requestPasswordReset, resendPasswordReset } from "@/lib/password-reset/request";
import { resolveSession } from "@/lib/sessions/lifecycle";
import { disableTwoFactor } from "@/lib/two-factor/manage";
import { meta, randomEmail, STRONG_PASSWORD } from "@/test/helpers/fixtures";
import {
  ageCode,
  ageRateLimits,
  completeStepUp,
  expectAppError,
  expectStepUpRequired,
  latestStepUpCode,
  newContext,
  stepUpEmails,
  tokenRequest,
  triggerChallenge,
  verifyStepUp,
  type TestUser,
} from "@/test/helpers/step-up";
import { enableTwoFactorFor, totpCode } from "@/test/helpers/two-factor";
import { codeFrom, proofs } from "@/tooling/app-client";
import { SoftwareAuthenticator } from "@/tooling/software-authenticator";
import { statementsOf } from "@/tooling/sql-statements";

const NEW_PASSWORD = "copper-harbour-meadow-19";
const RESET_SUBJECT = /^Reset your .* password$/;

async function accountUser(label = "reset"): Promise<TestUser> {
  return db.user.create({
    data: { email: randomEmail(label), passwordHash: await hashPassword(STRONG_PASSWORD), emailVerifiedAt: new Date() },
    select: { id: true, email: true },
  });
}

async function resetEmails(email: string) {
  return (await listMailboxMessages({ to: email, limit: 50 })).filter((message) => RESET_SUBJECT.test(message.subject));
}

/** The newest reset email's link: the reset id in its query and the code in its fragment. */
async function resetLink(email: string): Promise<{ resetId: string; code: string; text: string }> {
  const [message] = await resetEmails(email);
  if (!message) throw new Error(`no reset email to ${email}`);
  const match = /\/reset-password\?id=([0-9a-f-]{36})#code=(\d{6})/.exec(message.text);
  if (!match?.[1] || !match[2]) throw new Error("no reset link in the email");
  return { resetId: match[1], code: match[2], text: message.text };
}

async function passwordWorks(email: string, password: string): Promise<boolean> {
  await db.$executeRaw`DELETE FROM rate_limits WHERE key LIKE ${`sign-in:%`}`;
  const result = await signInWithPassword({ email, password }, meta());
  // With 2FA on, the right password leads on to the second step.
  return result.ok || result.code === "SECOND_FACTOR_REQUIRED";
}

async function resetCount(userId: string): Promise<number> {
  return db.auditEvent.count({ where: { type: "password.reset", actorId: userId } });
}

describe("asking for a reset", () => {
  it("answers a known and an unknown address alike, with the same statements; only the email differs", async () => {
    const known = await accountUser("known");
    const unknown = randomEmail("nobody");
    // Warm up the code paths (prepared statements, first-use lookups) before comparing.
    await requestPasswordReset(randomEmail("warm-up"), meta("198.51.100.1"));

    const { value: knownAnswer, statements: knownPath } = await statementsOf(() => requestPasswordReset(known.email, meta("198.51.100.2")));
    const { value: unknownAnswer, statements: unknownPath } = await statementsOf(() => requestPasswordReset(unknown, meta("198.51.100.3")));
    expect(unknownPath).toEqual(knownPath);
    expect(Object.keys(unknownAnswer as object).sort()).toEqual(Object.keys(knownAnswer as object).sort());

    const [knownEmail] = await resetEmails(known.email);
    const [unknownEmail] = await resetEmails(unknown);
    expect(knownEmail?.text).toMatch(/\/reset-password\?id=[0-9a-f-]{36}#code=\d{6}/);
    expect(unknownEmail?.text).toContain("no account uses it");
    expect(unknownEmail?.text).not.toMatch(/\d{6}/);
    expect(await db.passwordReset.count({ where: { email: unknown, userId: null } })).toBe(1);
  });

  it("treats an address that only has an unverified sign-up as one without an account", async () => {
    const email = randomEmail("pending");
    await requestSignUp({ email, password: STRONG_PASSWORD }, meta());
    const { resetId } = await requestPasswordReset(email, meta());
    expect((await resetEmails(email))[0]?.text).toContain("no account uses it");
    await expectAppError(resetPassword({ resetId, code: "123456", newPassword: NEW_PASSWORD }, meta()), "CODE_INVALID");
    expect(await db.user.findUnique({ where: { email } })).toBeNull();
  });

  it("sends a disabled account no code", async () => {
    const user = await accountUser("disabled");
    await db.user.update({ where: { id: user.id }, data: { disabledAt: new Date() } });
    await requestPasswordReset(user.email, meta());
    const [email] = await resetEmails(user.email);
    expect(email?.text).toContain("the account is disabled");
    expect(email?.text).not.toMatch(/\d{6}/);
  });

  it("limits requests per address (known or not) and per IP, in Postgres", async () => {
    for (const email of [(await accountUser("limit")).email, randomEmail("limit-unknown")]) {
      for (let i = 0; i < 5; i++) await requestPasswordReset(email, meta(`192.0.2.${10 + i}`));
      const refused = await expectAppError(requestPasswordReset(email, meta("192.0.2.99")), "RATE_LIMITED");
      expect(refused.details.retryAfterSeconds).toBeGreaterThan(0);
    }
    const ip = "192.0.2.200";
    const results = await Promise.allSettled(Array.from({ length: 30 }, () => requestPasswordReset(randomEmail("per-ip"), meta(ip))));
    expect(results.filter((result) => result.status === "fulfilled")).toHaveLength(20);
  });

  it("resends after the cooldown only; the new code replaces the old, and a new request voids the previous one", async () => {
    const user = await accountUser("resend");
    const first = await requestPasswordReset(user.email, meta());
    const firstCode = (await resetLink(user.email)).code;
    await expectAppError(resendPasswordReset(first.resetId, meta()), "RESEND_TOO_SOON");
    await ageCode(first.resetId, 61);
    await resendPasswordReset(first.resetId, meta());
    const secondCode = (await resetLink(user.email)).code;
    if (secondCode !== firstCode) {
      expect((await checkCode({ id: first.resetId, purpose: "PASSWORD_RESET", code: firstCode })).ok).toBe(false);
    }

    const second = await requestPasswordReset(user.email, meta());
    await expectAppError(resetPassword({ resetId: first.resetId, code: secondCode, newPassword: NEW_PASSWORD }, meta()), "CODE_INVALID");
    const { code } = await resetLink(user.email);
    await resetPassword({ resetId: second.resetId, code, newPassword: NEW_PASSWORD }, meta());
    expect(await passwordWorks(user.email, NEW_PASSWORD)).toBe(true);
  });
});

describe("resetting", () => {
  it("changes the password and ends every session, waiting sign-in, challenge and grant; tokens stay valid", async () => {
    const user = await accountUser("full");
    const context = await newContext(user);
    const other = await newContext(user, meta("198.51.100.50"));
    const { token } = await completeStepUp(context, "api_token.create", tokenRequest()).then(() => createApiToken(context, tokenRequest()));
    const pendingChallenge = await triggerChallenge(other, "session.revoke_others", {});
    const waitingSignIn = await db.$transaction((tx) => startSecondFactorSignIn(tx, { ...user, role: "USER" }, meta()));

    await requestPasswordReset(user.email, meta());
    const { resetId, code } = await resetLink(user.email);
    await resetPassword({ resetId, code, newPassword: NEW_PASSWORD }, meta("198.51.100.60"));

    expect(await passwordWorks(user.email, STRONG_PASSWORD)).toBe(false);
    expect(await passwordWorks(user.email, NEW_PASSWORD)).toBe(true);
    expect(await resolveSession(context.session.id)).toBeNull();
    expect(await resolveSession(other.session.id)).toBeNull();
    expect(await db.stepUpChallenge.findUniqueOrThrow({ where: { id: pendingChallenge.id } })).toMatchObject({
      cancelledAt: expect.any(Date),
    });
    expect(await db.stepUpGrant.count({ where: { userId: user.id, consumedAt: null } })).toBe(0);
    expect(await db.signInChallenge.count({ where: { userId: user.id, consumedAt: null } })).toBe(0);
    expect(waitingSignIn).toBeTruthy();
    expect((await authenticateBearer(`Bearer ${token}`, "profile:read", null)).ok).toBe(true);

    const [row] = await db.auditEvent.findMany({ where: { type: "password.reset", actorId: user.id } });
    expect(row).toMatchObject({ outcome: "SUCCESS", targetId: user.id, ip: "198.51.100.60" });
    expect(JSON.stringify(row, (_key, value: unknown) => (typeof value === "bigint" ? String(value) : value))).not.toContain(code);
    const notices = await db.emailOutbox.findMany({ where: { to: user.email, template: "passwordWasReset" } });
    expect(notices).toHaveLength(1);
    expect(await findRecoveryHold(user.id)).toMatchObject({ reason: "password_reset" });
    // Spent: the same code and link do nothing the second time.
    await expectAppError(resetPassword({ resetId, code, newPassword: "another-long-passphrase-7" }, meta()), "CODE_INVALID");
  });

  it("16 parallel resets with one code change the password once", async () => {
    const user = await accountUser("race");
    await requestPasswordReset(user.email, meta());
    const { resetId, code } = await resetLink(user.email);
    const results = await Promise.allSettled(
      Array.from({ length: 16 }, (_, i) => resetPassword({ resetId, code, newPassword: `${NEW_PASSWORD}-${i}` }, meta())),
    );
    expect(results.filter((result) => result.status === "fulfilled")).toHaveLength(1);
    expect(await resetCount(user.id)).toBe(1);
    expect(await db.emailOutbox.count({ where: { to: user.email, template: "passwordWasReset" } })).toBe(1);
  });

  it("counts wrong codes and refuses after five; a weak password is refused before the code is tried", async () => {
    const user = await accountUser("wrong");
    await requestPasswordReset(user.email, meta());
    const { resetId, code } = await resetLink(user.email);
    await expectAppError(resetPassword({ resetId, code, newPassword: "password1234" }, meta()), "VALIDATION_FAILED");
    const wrong = code === "000000" ? "000001" : "000000";
    const first = await expectAppError(resetPassword({ resetId, code: wrong, newPassword: NEW_PASSWORD }, meta()), "CODE_INVALID");
    expect(first.details.attemptsLeft).toBe(4);
    for (let i = 0; i < 3; i++)
      await expectAppError(resetPassword({ resetId, code: wrong, newPassword: NEW_PASSWORD }, meta()), "CODE_INVALID");
    await expectAppError(resetPassword({ resetId, code: wrong, newPassword: NEW_PASSWORD }, meta()), "TOO_MANY_ATTEMPTS");
    await expectAppError(resetPassword({ resetId, code, newPassword: NEW_PASSWORD }, meta()), "TOO_MANY_ATTEMPTS");
    expect(await passwordWorks(user.email, STRONG_PASSWORD)).toBe(true);
    expect(await db.auditEvent.count({ where: { type: "password.reset_failed", actorId: user.id } })).toBe(6);
  });

  it("a reset code is no step-up code, and a step-up code is no reset code", async () => {
    const user = await accountUser("cross");
    const context = await newContext(user);
    const challenge = await triggerChallenge(context, "api_token.create", tokenRequest());
    const stepUpCode = await latestStepUpCode(user.email);
    await requestPasswordReset(user.email, meta());
    const { resetId, code: resetCode } = await resetLink(user.email);

    await expectAppError(verifyStepUp(context, { challengeId: challenge.id, proofs: proofs(resetCode) }), "CODE_INVALID");
    const stepUpCodeId = (await db.stepUpChallenge.findUniqueOrThrow({ where: { id: challenge.id } })).codeId ?? "";
    await expectAppError(resetPassword({ resetId: stepUpCodeId, code: stepUpCode, newPassword: NEW_PASSWORD }, meta()), "CODE_INVALID");
    expect((await checkCode({ id: resetId, purpose: "STEP_UP", code: resetCode })).ok).toBe(false);
    expect((await checkCode({ id: stepUpCodeId, purpose: "PASSWORD_RESET", code: stepUpCode })).ok).toBe(false);
    expect(await passwordWorks(user.email, STRONG_PASSWORD)).toBe(true);
  });
});

describe("resetting an account with two-step verification", () => {
  it("refuses the emailed code alone; a wrong second proof counts like a wrong code; the right one resets", async () => {
    const user = await accountUser("2fa");
    const { secret } = await enableTwoFactorFor(user);
    await requestPasswordReset(user.email, meta());
    const { resetId, code } = await resetLink(user.email);

    await expectAppError(resetPassword({ resetId, code, newPassword: NEW_PASSWORD }, meta()), "SECOND_FACTOR_REQUIRED");
    const wrongTotp = totpCode(secret) === "000000" ? "000001" : "000000";
    await expectAppError(
      resetPassword({ resetId, code, newPassword: NEW_PASSWORD, secondFactorMethod: "totp", secondFactorCode: wrongTotp }, meta()),
      "SECOND_FACTOR_INVALID",
    );
    expect(await passwordWorks(user.email, STRONG_PASSWORD)).toBe(true);
    expect((await db.oneTimeCode.findUniqueOrThrow({ where: { id: resetId } })).attempts).toBe(2);

    await resetPassword(
      { resetId, code, newPassword: NEW_PASSWORD, secondFactorMethod: "totp", secondFactorCode: totpCode(secret) },
      meta(),
    );
    expect(await passwordWorks(user.email, NEW_PASSWORD)).toBe(true);
    expect((await db.auditEvent.findFirstOrThrow({ where: { type: "password.reset", actorId: user.id } })).reason).toBe("two_factor:totp");
  });

  it("takes a recovery code, which is spent and announced", async () => {
    const user = await accountUser("2fa-recovery");
    const { recoveryCodes } = await enableTwoFactorFor(user);
    await requestPasswordReset(user.email, meta());
    const { resetId, code } = await resetLink(user.email);
    const recoveryCode = recoveryCodes[0] ?? "";
    await resetPassword(
      { resetId, code, newPassword: NEW_PASSWORD, secondFactorMethod: "recovery_code", secondFactorCode: recoveryCode },
      meta(),
    );
    expect(await db.recoveryCode.count({ where: { userId: user.id, usedAt: { not: null } } })).toBe(1);
    expect(await db.auditEvent.count({ where: { type: "recovery_code.used", actorId: user.id } })).toBe(1);
  });
});

describe("resetting with a passkey as the second proof", () => {
  it("offers the account's passkeys only after the right code, and takes one in place of the authenticator", async () => {
    const user = await accountUser("2fa-passkey");
    const { secret } = await enableTwoFactorFor(user);
    const context = await newContext(user);
    const authenticator = new SoftwareAuthenticator();
    const { origin } = relyingParty();
    const registration = JSON.stringify(authenticator.register(await passkeyRegistrationOptions(context), { origin }));
    const asked = await expectStepUpRequired(addPasskey(context, registration));
    await addPasskey(
      {
        ...context,
        proof: { challengeId: asked.id, proofs: proofs(await latestStepUpCode(user.email), { method: "totp", code: totpCode(secret) }) },
      },
      registration,
    );

    await requestPasswordReset(user.email, meta());
    const { resetId, code } = await resetLink(user.email);
    const wrong = code === "000000" ? "000001" : "000000";
    const refused = await expectAppError(resetPassword({ resetId, code: wrong, newPassword: NEW_PASSWORD }, meta()), "CODE_INVALID");
    expect(refused.details.passkeyOptions).toBeUndefined();
    const required = await expectAppError(resetPassword({ resetId, code, newPassword: NEW_PASSWORD }, meta()), "SECOND_FACTOR_REQUIRED");
    const options = required.details.passkeyOptions;
    if (!options) throw new Error("no passkey offered");
    const assertion = JSON.stringify(authenticator.authenticate(options, { origin }));
    await resetPassword({ resetId, code, newPassword: NEW_PASSWORD, secondFactorMethod: "passkey", passkeyAssertion: assertion }, meta());
    expect(await passwordWorks(user.email, NEW_PASSWORD)).toBe(true);
    // Spent: the same assertion cannot reset again.
    await requestPasswordReset(user.email, meta());
    const again = await resetLink(user.email);
    await expectAppError(
      resetPassword(
        {
          resetId: again.resetId,
          code: again.code,
          newPassword: `${NEW_PASSWORD}-2`,
          secondFactorMethod: "passkey",
          passkeyAssertion: assertion,
        },
        meta(),
      ),
      "SECOND_FACTOR_INVALID",
    );
  });
});

describe("the recovery hold and the report link", () => {
  async function resetAndSignIn(user: TestUser, totpSecret?: string) {
    await requestPasswordReset(user.email, meta());
    const { resetId, code } = await resetLink(user.email);
    const secondFactor = totpSecret ? { secondFactorMethod: "totp" as const, secondFactorCode: totpCode(totpSecret) } : {};
    await resetPassword({ resetId, code, newPassword: NEW_PASSWORD, ...secondFactor }, meta());
    return newContext(user);
  }

  it("holds the changes that could lock the owner out, before any code is sent, and only those", async () => {
    const user = await accountUser("hold");
    const { secret } = await enableTwoFactorFor(user);
    const context = await resetAndSignIn(user, secret);
    const sentBefore = (await stepUpEmails(user.email)).length;

    const held = await expectAppError(disableTwoFactor(context), "RECOVERY_HOLD");
    expect(Date.parse(held.details.until ?? "") - Date.now()).toBeGreaterThan(23 * 3600_000);
    await expectAppError(requestEmailChange(context, { newEmail: randomEmail("new") }), "RECOVERY_HOLD");
    expect(await stepUpEmails(user.email)).toHaveLength(sentBefore);
    expect(await db.auditEvent.count({ where: { type: "account.recovery_hold_blocked", actorId: user.id, outcome: "BLOCKED" } })).toBe(2);
    // Not held: creating a token still goes to step-up as usual.
    await expectStepUpRequired(createApiToken(context, tokenRequest()));

    await db.user.update({ where: { id: user.id }, data: { recoveryHoldUntil: new Date(Date.now() - 1000) } });
    await expectStepUpRequired(disableTwoFactor(context));
  });

  it("the notice's 'this wasn't me' signs every session out; the link works once and GET changes nothing", async () => {
    const user = await accountUser("report");
    const context = await resetAndSignIn(user);
    const notice = await db.emailOutbox.findFirstOrThrow({ where: { to: user.email, template: "passwordWasReset" } });
    const reportToken = (notice.data as { reportToken: string }).reportToken;

    expect(await findReportablePasswordReset(reportToken)).toMatchObject({ reference: expect.stringMatching(/^[0-9A-F]{8}$/) });
    expect(await resolveSession(context.session.id)).not.toBeNull();
    expect(await reportPasswordReset(reportToken, meta())).not.toBeNull();
    expect(await resolveSession(context.session.id)).toBeNull();
    expect(await db.auditEvent.count({ where: { type: "password.reset_reported", targetId: user.id } })).toBe(1);
    expect(await reportPasswordReset(reportToken, meta())).toBeNull();
    expect(await passwordWorks(user.email, NEW_PASSWORD)).toBe(true);
  });

  it("a confirmed email change starts the hold too", async () => {
    const user = await accountUser("email-hold");
    const context = await newContext(user);
    const newEmail = randomEmail("moved");
    await completeStepUp(context, "email.change", { newEmail });
    await requestEmailChange(context, { newEmail });
    const [message] = await listMailboxMessages({ to: newEmail });
    const { confirmEmailChange } = await import("@/lib/account/change-email");
    await confirmEmailChange(context, { code: codeFrom(message?.text ?? "") });
    expect(await findRecoveryHold(user.id)).toMatchObject({ reason: "email_change" });
  });

  it("counts limits by database time: an aged window lets the address ask again", async () => {
    const email = randomEmail("aged");
    for (let i = 0; i < 5; i++) await requestPasswordReset(email, meta(`192.0.2.${50 + i}`));
    await expectAppError(requestPasswordReset(email, meta("192.0.2.60")), "RATE_LIMITED");
    await ageRateLimits(`password-reset:email:${email}`, 3601);
    await requestPasswordReset(email, meta("192.0.2.61"));
  });
});
