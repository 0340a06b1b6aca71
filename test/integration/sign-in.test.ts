import { describe, expect, it } from "vitest";
import { hashPassword } from "@/lib/auth/password";
import { signInWithPassword } from "@/lib/auth/sign-in";
import { SIGN_IN_LIMITS } from "@/lib/auth/sign-in-limits";
import { db } from "@/lib/db";
import { resolveSession } from "@/lib/sessions/lifecycle";
import { meta, randomEmail, STRONG_PASSWORD } from "@/test/helpers/fixtures";

async function createUser(email = randomEmail()) {
  await db.user.create({ data: { email, passwordHash: await hashPassword(STRONG_PASSWORD), emailVerifiedAt: new Date() } });
  return email;
}

describe("sign-in", () => {
  it("creates a server-side session and records it", async () => {
    const email = await createUser();
    const result = await signInWithPassword({ email, password: STRONG_PASSWORD }, meta());
    if (!result.ok) throw new Error("expected success");
    expect(await resolveSession(result.sessionId)).toMatchObject({ user: { email } });
    const session = await db.session.findUniqueOrThrow({ where: { id: result.sessionId } });
    expect(session).toMatchObject({ ip: "203.0.113.7", userAgent: expect.stringContaining("Chrome") });
    expect(await db.auditEvent.count({ where: { actorEmail: email, type: "auth.sign_in", outcome: "SUCCESS" } })).toBe(1);
  });

  it("gives the same answer for an unknown email and a wrong password", async () => {
    const email = await createUser();
    const wrongPassword = await signInWithPassword({ email, password: "not-the-password" }, meta());
    const unknownEmail = await signInWithPassword({ email: randomEmail(), password: STRONG_PASSWORD }, meta());
    expect(wrongPassword).toEqual(unknownEmail);
    expect(wrongPassword).toEqual({ ok: false, code: "INVALID_CREDENTIALS" });
  });

  it("locks an account after 5 failures, even for the right password, and says for how long", async () => {
    const email = await createUser();
    for (let i = 0; i < SIGN_IN_LIMITS.perAccount.limit; i++) {
      expect(await signInWithPassword({ email, password: `wrong-${i}-password` }, meta(`198.51.100.${i}`))).toMatchObject({
        code: "INVALID_CREDENTIALS",
      });
    }
    const locked = await signInWithPassword({ email, password: STRONG_PASSWORD }, meta("198.51.100.77"));
    expect(locked).toMatchObject({ ok: false, code: "RATE_LIMITED" });
    expect(locked.ok === false && locked.code === "RATE_LIMITED" && locked.retryAfterSeconds).toBeGreaterThan(14 * 60);
    expect(await db.session.count({ where: { user: { email } } })).toBe(0);
    expect(await db.auditEvent.count({ where: { actorEmail: email, outcome: "BLOCKED" } })).toBe(1);
  });

  it("checks at most 5 passwords out of 30 parallel guesses", async () => {
    const email = await createUser();
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) => signInWithPassword({ email, password: `guess-${i}-password` }, meta(`198.51.100.${i}`))),
    );
    expect(results.filter((result) => !result.ok && result.code === "INVALID_CREDENTIALS")).toHaveLength(5);
    expect(await db.auditEvent.count({ where: { actorEmail: email, outcome: "FAILURE" } })).toBe(5);
  });

  it("limits one IP across many accounts", async () => {
    const ip = "192.0.2.200";
    const results = [];
    for (let i = 0; i <= SIGN_IN_LIMITS.perIp.limit; i++)
      results.push(await signInWithPassword({ email: randomEmail(), password: STRONG_PASSWORD }, meta(ip)));
    expect(results.at(-1)).toMatchObject({ ok: false, code: "RATE_LIMITED" });
    expect(await signInWithPassword({ email: randomEmail(), password: STRONG_PASSWORD }, meta("192.0.2.201"))).toMatchObject({
      code: "INVALID_CREDENTIALS",
    });
  });

  it("clears the account's failures after a successful sign-in", async () => {
    const email = await createUser();
    for (let i = 0; i < 4; i++) await signInWithPassword({ email, password: "wrong-password-x" }, meta());
    expect(await signInWithPassword({ email, password: STRONG_PASSWORD }, meta())).toMatchObject({ ok: true });
    for (let i = 0; i < 4; i++) await signInWithPassword({ email, password: "wrong-password-x" }, meta());
    expect(await signInWithPassword({ email, password: STRONG_PASSWORD }, meta())).toMatchObject({ ok: true });
  });
});
