import { describe, expect, it } from "vitest";
import { issue } from "@/i18n/issues";
import { hashPassword } from "@/lib/auth/password";
import { signInWithPassword } from "@/lib/auth/sign-in";
import { requestSignUp, resendSignUpCode, verifySignUp } from "@/lib/auth/sign-up";
import { db } from "@/lib/db";
import { listMailboxMessages } from "@/lib/email/mailbox";
import { signUpSchema } from "@/shared/auth";
import { AppError } from "@/shared/errors";
import { meta, randomEmail, STRONG_PASSWORD } from "@/test/helpers/fixtures";
import { codeFrom } from "@/tooling/app-client";

async function latestCode(email: string) {
  const [message] = await listMailboxMessages({ to: email });
  if (!message) throw new Error(`no email to ${email}`);
  return codeFrom(message.text);
}

function fieldErrors(input: unknown) {
  const parsed = signUpSchema.safeParse(input);
  return parsed.success ? {} : parsed.error.flatten().fieldErrors;
}

describe("sign-up validation", () => {
  it.each([
    ["not-an-email", "email"],
    ["a@b.c\r\nBcc: x@evil.test", "email"],
    ["a@example.com,b@example.com", "email"],
    [`${"a".repeat(250)}@example.com`, "email"],
  ])("refuses the address %j", (email, field) => {
    expect(fieldErrors({ email, password: STRONG_PASSWORD })).toHaveProperty(field);
  });

  it("refuses short passwords and reports every bad field at once", () => {
    expect(Object.keys(fieldErrors({ email: "bad", password: "short" })).sort()).toEqual(["email", "password"]);
  });

  it("refuses common passwords on the server", async () => {
    const attempt = requestSignUp({ email: randomEmail(), password: "qwerty123456" }, meta());
    await expect(attempt).rejects.toMatchObject({
      code: "VALIDATION_FAILED",
      details: { fieldErrors: { password: [issue("passwordCommon")] } },
    });
  });

  it("normalises the address to lower case", () => {
    expect(signUpSchema.parse({ email: "  Mixed@Example.COM ", password: STRONG_PASSWORD }).email).toBe("mixed@example.com");
  });
});

describe("sign-up and email verification", () => {
  it("creates the account only after the emailed code is verified", async () => {
    const email = randomEmail();
    const pending = await requestSignUp({ email, password: STRONG_PASSWORD }, meta());
    expect(await db.user.findUnique({ where: { email } })).toBeNull();
    expect(await signInWithPassword({ email, password: STRONG_PASSWORD }, meta())).toMatchObject({
      ok: false,
      code: "INVALID_CREDENTIALS",
    });

    await verifySignUp({ requestId: pending.requestId, code: await latestCode(email) }, meta());
    expect(await db.user.findUnique({ where: { email } })).toMatchObject({ email, role: "USER" });
    expect(await signInWithPassword({ email, password: STRONG_PASSWORD }, meta())).toMatchObject({ ok: true });
    const events = await db.auditEvent.findMany({ where: { actorEmail: email }, orderBy: { id: "asc" } });
    expect(events.map((event) => event.type)).toEqual(["auth.sign_up", "auth.sign_in_failed", "auth.email_verified", "auth.sign_in"]);
  });

  it("answers a taken address exactly like a free one, and tells the owner instead of sending a code", async () => {
    const email = randomEmail("owner");
    await db.user.create({ data: { email, passwordHash: await hashPassword(STRONG_PASSWORD), emailVerifiedAt: new Date() } });
    const taken = await requestSignUp({ email, password: "another-long-passphrase" }, meta());
    const free = await requestSignUp({ email: randomEmail(), password: "another-long-passphrase" }, meta());
    expect(Object.keys(taken).sort()).toEqual(Object.keys(free).sort());
    expect(taken.requestId).toMatch(/^[0-9a-f-]{36}$/);
    const messages = await listMailboxMessages({ to: email });
    expect(messages).toHaveLength(1);
    expect(messages[0]?.text).not.toMatch(/\b\d{6}\b/);

    // What happens next answers the same too: a wrong code counts down, a resend waits its turn.
    const freeCode = await latestCode(free.email);
    const wrong = freeCode === "111111" ? "222222" : "111111";
    const refusals = await Promise.all(
      [taken, free].map((pending) =>
        verifySignUp({ requestId: pending.requestId, code: wrong }, meta()).then(
          () => null,
          (error: unknown) => error,
        ),
      ),
    );
    expect(refusals.map((error) => (error as { code?: string; details?: unknown }).code)).toEqual(["CODE_INVALID", "CODE_INVALID"]);
    expect((refusals[0] as { details: unknown }).details).toEqual((refusals[1] as { details: unknown }).details);
    const resends = await Promise.all(
      [taken, free].map((pending) =>
        resendSignUpCode(pending.requestId, meta()).then(
          () => "sent",
          (error: unknown) => (error as { code?: string }).code,
        ),
      ),
    );
    expect(resends).toEqual(["RESEND_TOO_SOON", "RESEND_TOO_SOON"]);
    // The owner never gets a code, and the pending request can never become a second account.
    expect((await listMailboxMessages({ to: email })).every((message) => !/\b\d{6}\b/.test(message.text))).toBe(true);
    expect(await db.user.count({ where: { email } })).toBe(1);
  });

  it("uses the password of the sign-up whose code was verified, not a later one", async () => {
    const email = randomEmail();
    const mine = await requestSignUp({ email, password: STRONG_PASSWORD }, meta());
    const myCode = await latestCode(email);
    await requestSignUp({ email, password: "attacker-chosen-password" }, meta("198.51.100.9"));
    await verifySignUp({ requestId: mine.requestId, code: myCode }, meta());
    expect(await signInWithPassword({ email, password: STRONG_PASSWORD }, meta())).toMatchObject({ ok: true });
    expect(await signInWithPassword({ email, password: "attacker-chosen-password" }, meta())).toMatchObject({ ok: false });
  });

  it("reports wrong codes with the attempts left", async () => {
    const email = randomEmail();
    const pending = await requestSignUp({ email, password: STRONG_PASSWORD }, meta());
    const code = await latestCode(email);
    const wrong = code === "111111" ? "222222" : "111111";
    const attempt = verifySignUp({ requestId: pending.requestId, code: wrong }, meta());
    await expect(attempt).rejects.toBeInstanceOf(AppError);
    await expect(verifySignUp({ requestId: pending.requestId, code: wrong }, meta())).rejects.toMatchObject({
      code: "CODE_INVALID",
      details: { attemptsLeft: 3 },
    });
  });

  it("creates exactly one account from 16 parallel correct verifications", async () => {
    const email = randomEmail();
    const pending = await requestSignUp({ email, password: STRONG_PASSWORD }, meta());
    const code = await latestCode(email);
    const results = await Promise.allSettled(
      Array.from({ length: 16 }, () => verifySignUp({ requestId: pending.requestId, code }, meta())),
    );
    expect(results.filter((result) => result.status === "fulfilled")).toHaveLength(1);
    expect(await db.user.count({ where: { email } })).toBe(1);
    expect(await db.auditEvent.count({ where: { actorEmail: email, type: "auth.email_verified", outcome: "SUCCESS" } })).toBe(1);
  });

  it("limits how many codes one address can be sent", async () => {
    const email = randomEmail();
    for (let i = 0; i < 5; i++) await requestSignUp({ email, password: STRONG_PASSWORD }, meta(`192.0.2.${i}`));
    await expect(requestSignUp({ email, password: STRONG_PASSWORD }, meta("192.0.2.99"))).rejects.toMatchObject({ code: "RATE_LIMITED" });
    expect(await listMailboxMessages({ to: email })).toHaveLength(5);
  });
});
