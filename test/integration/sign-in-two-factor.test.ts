import { afterAll, describe, expect, it } from "vitest";
import { hashPassword } from "@/lib/auth/password";
import { completeSecondFactorSignIn, findSecondFactorSignIn, SECOND_FACTOR_SIGN_IN } from "@/lib/auth/second-factor-sign-in";
import { signInWithPassword } from "@/lib/auth/sign-in";
import { SIGN_IN_LIMITS } from "@/lib/auth/sign-in-limits";
import { db } from "@/lib/db";
import { resolveSession } from "@/lib/sessions/lifecycle";
import { secondFactorSignInSchema } from "@/shared/two-factor";
import { MALFORMED_CODES, meta, randomEmail, STRONG_PASSWORD } from "@/test/helpers/fixtures";
import { enableTwoFactorFor, totpCode } from "@/test/helpers/two-factor";

afterAll(async () => {
  const { disconnectDb } = await import("@/lib/db");
  await disconnectDb();
});

async function twoFactorUser(label = "2fa-sign-in") {
  const email = randomEmail(label);
  const user = await db.user.create({
    data: { email, passwordHash: await hashPassword(STRONG_PASSWORD), emailVerifiedAt: new Date() },
    select: { id: true, email: true },
  });
  return { user, ...(await enableTwoFactorFor(user)) };
}

/** Step one: the right password, which with 2FA on yields only a token for step two. */
async function passwordStep(email: string, ip = "203.0.113.7"): Promise<string> {
  const result = await signInWithPassword({ email, password: STRONG_PASSWORD }, meta(ip));
  if (result.ok || result.code !== "SECOND_FACTOR_REQUIRED")
    throw new Error(`expected SECOND_FACTOR_REQUIRED, got ${JSON.stringify(result)}`);
  return result.token;
}

const sessionCount = (userId: string) => db.session.count({ where: { userId } });

describe("signing in with two-step verification on", () => {
  it("the right password alone creates no session, only a token for the second step", async () => {
    const { user } = await twoFactorUser();
    const token = await passwordStep(user.email);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await sessionCount(user.id)).toBe(0);
    const stored = await db.$queryRaw<{ token_hash: string }[]>`SELECT token_hash FROM sign_in_challenges WHERE user_id = ${user.id}::uuid`;
    expect(stored).toHaveLength(1);
    expect(stored[0]?.token_hash).not.toContain(token);
    expect(await db.auditEvent.count({ where: { actorId: user.id, type: "auth.second_factor_required" } })).toBe(1);
    expect(await db.auditEvent.count({ where: { actorId: user.id, type: "auth.sign_in" } })).toBe(0);
  });

  it("an authenticator code completes the sign-in once; the token cannot be used again", async () => {
    const { user, secret } = await twoFactorUser();
    const token = await passwordStep(user.email);
    const result = await completeSecondFactorSignIn(token, { method: "totp", code: totpCode(secret) }, meta());
    if (!result.ok) throw new Error(`expected success, got ${result.code}`);
    expect(await resolveSession(result.sessionId)).toMatchObject({ user: { id: user.id } });
    expect(await db.auditEvent.findFirst({ where: { actorId: user.id, type: "auth.sign_in" }, select: { reason: true } })).toEqual({
      reason: "two_factor:totp",
    });
    expect(await completeSecondFactorSignIn(token, { method: "totp", code: totpCode(secret, 1) }, meta())).toEqual({
      ok: false,
      code: "CODE_EXPIRED",
    });
    expect(await sessionCount(user.id)).toBe(1);
  });

  it("a TOTP code that signed in once is refused for the next sign-in (same time step)", async () => {
    const { user, secret } = await twoFactorUser();
    const code = totpCode(secret);
    const first = await completeSecondFactorSignIn(await passwordStep(user.email), { method: "totp", code }, meta());
    expect(first.ok).toBe(true);
    const replay = await completeSecondFactorSignIn(await passwordStep(user.email), { method: "totp", code }, meta());
    expect(replay).toEqual({ ok: false, code: "SECOND_FACTOR_INVALID", attemptsLeft: 4 });
    expect(await sessionCount(user.id)).toBe(1);
  });

  it("5 wrong codes per token, counted down; then even the right code is refused", async () => {
    const { user, secret } = await twoFactorUser();
    const token = await passwordStep(user.email);
    const right = totpCode(secret);
    const wrong = right === "000000" ? "111111" : "000000";
    for (const left of [4, 3, 2, 1]) {
      expect(await completeSecondFactorSignIn(token, { method: "totp", code: wrong }, meta())).toEqual({
        ok: false,
        code: "SECOND_FACTOR_INVALID",
        attemptsLeft: left,
      });
    }
    expect(await completeSecondFactorSignIn(token, { method: "totp", code: wrong }, meta())).toEqual({
      ok: false,
      code: "TOO_MANY_ATTEMPTS",
    });
    expect(await completeSecondFactorSignIn(token, { method: "totp", code: right }, meta())).toEqual({ ok: false, code: "CODE_EXPIRED" });
    expect(await sessionCount(user.id)).toBe(0);
    expect(await db.auditEvent.count({ where: { actorId: user.id, type: "auth.sign_in_failed", reason: "wrong_second_factor" } })).toBe(5);
  });

  it("is limited like sign-in: 5 tries per account per 15 minutes, across fresh tokens", async () => {
    const { user, secret } = await twoFactorUser();
    const wrong = totpCode(secret) === "000000" ? "111111" : "000000";
    for (let i = 0; i < SIGN_IN_LIMITS.perAccount.limit; i++) {
      const token = await passwordStep(user.email, `198.51.100.${i + 1}`);
      expect((await completeSecondFactorSignIn(token, { method: "totp", code: wrong }, meta(`198.51.100.${i + 1}`))).ok).toBe(false);
      // Step one counts on its own limit; keep it out of the way so step two's limit is what is tested.
      await db.$executeRaw`DELETE FROM rate_limits WHERE key LIKE 'sign-in:%'`;
    }
    const token = await passwordStep(user.email, "198.51.100.99");
    const blocked = await completeSecondFactorSignIn(token, { method: "totp", code: totpCode(secret) }, meta("198.51.100.99"));
    expect(blocked).toMatchObject({ ok: false, code: "RATE_LIMITED" });
    expect(await sessionCount(user.id)).toBe(0);
  });

  it("16 parallel submissions of one token with the right code: exactly one session", async () => {
    const { user, secret } = await twoFactorUser();
    const token = await passwordStep(user.email);
    const code = totpCode(secret);
    const results = await Promise.all(
      Array.from({ length: 16 }, () => completeSecondFactorSignIn(token, { method: "totp", code }, meta())),
    );
    expect(results.filter((result) => result.ok)).toHaveLength(1);
    expect(await sessionCount(user.id)).toBe(1);
  });

  it("an expired token is refused", async () => {
    const { user, secret } = await twoFactorUser();
    const token = await passwordStep(user.email);
    await db.$executeRaw`UPDATE sign_in_challenges SET expires_at = now() - interval '1 second' WHERE user_id = ${user.id}::uuid`;
    expect(await findSecondFactorSignIn(token)).toBeNull();
    expect(await completeSecondFactorSignIn(token, { method: "totp", code: totpCode(secret) }, meta())).toEqual({
      ok: false,
      code: "CODE_EXPIRED",
    });
    expect(SECOND_FACTOR_SIGN_IN.ttlSeconds).toBe(600);
  });

  it("a recovery code signs in once, is spent, and the count (warned at 3) goes down", async () => {
    const { user, recoveryCodes } = await twoFactorUser();
    const token = await passwordStep(user.email);
    expect(await findSecondFactorSignIn(token)).toMatchObject({ recoveryCodesLeft: 10, warnAt: 3 });
    const [code] = recoveryCodes;
    if (!code) throw new Error("no recovery codes");
    const result = await completeSecondFactorSignIn(token, { method: "recovery_code", code: code.toUpperCase() }, meta());
    expect(result.ok).toBe(true);
    expect(
      await db.auditEvent.findFirst({ where: { actorId: user.id, type: "recovery_code.used" }, select: { reason: true, metadata: true } }),
    ).toEqual({ reason: "sign in", metadata: { left: 9 } });
    const again = await passwordStep(user.email);
    expect(await findSecondFactorSignIn(again)).toMatchObject({ recoveryCodesLeft: 9 });
    expect(await completeSecondFactorSignIn(again, { method: "recovery_code", code }, meta())).toMatchObject({
      ok: false,
      code: "SECOND_FACTOR_INVALID",
    });
  });

  it("the second page's form refuses malformed codes before anything is counted", () => {
    for (const [, code] of MALFORMED_CODES) {
      expect(secondFactorSignInSchema.safeParse({ method: "totp", code }).success).toBe(false);
    }
    for (const code of ["abcd", "abcde-2345!", ["abcde-23456"], { code: "x" }]) {
      expect(secondFactorSignInSchema.safeParse({ method: "recovery_code", code }).success).toBe(false);
    }
    expect(secondFactorSignInSchema.safeParse({ method: "sms", code: "123456" }).success).toBe(false);
    expect(secondFactorSignInSchema.safeParse({ method: "totp", code: "123456", next: "/settings" }).success).toBe(true);
  });
});
