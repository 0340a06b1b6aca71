import { describe, expect, it } from "vitest";
import { randomDigits } from "@/lib/crypto";
import { db } from "@/lib/db";
import { checkCode, issueCode, redeemCode, reissueCode } from "@/lib/one-time-code";

const PURPOSE = "EMAIL_VERIFICATION" as const;

async function issue() {
  return db.$transaction((tx) => issueCode(tx, { purpose: PURPOSE, recipient: "code-owner@example.test" }));
}

function wrongCode(code: string) {
  return code === "000000" ? "000001" : "000000";
}

/** Moves a code's clock back, as if `seconds` had passed (expiry is judged by database time). */
async function age(id: string, seconds: number) {
  await db.$executeRaw`UPDATE one_time_codes SET expires_at = expires_at - make_interval(secs => ${seconds}),
    last_sent_at = last_sent_at - make_interval(secs => ${seconds}) WHERE id = ${id}::uuid`;
}

const noEffect = async () => "done";

describe("one-time codes", () => {
  it("are 6 digits from a uniform source, leading zeros included", () => {
    const codes = Array.from({ length: 100_000 }, () => randomDigits(6));
    expect(codes.every((code) => /^\d{6}$/.test(code))).toBe(true);
    const leadingZero = codes.filter((code) => code.startsWith("0")).length / codes.length;
    expect(leadingZero).toBeGreaterThan(0.09);
    expect(leadingZero).toBeLessThan(0.11);
  });

  it("are stored only as an HMAC, never in plaintext", async () => {
    const issued = await issue();
    const rows = await db.$queryRaw<Record<string, unknown>[]>`SELECT * FROM one_time_codes WHERE id = ${issued.id}::uuid`;
    const dump = JSON.stringify(rows);
    expect(dump).not.toContain(issued.code);
    expect(rows[0]?.code_hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it("accept the right code once, then refuse it", async () => {
    const issued = await issue();
    expect(await redeemCode({ id: issued.id, purpose: PURPOSE, code: issued.code }, noEffect)).toEqual({ ok: true, value: "done" });
    expect(await redeemCode({ id: issued.id, purpose: PURPOSE, code: issued.code }, noEffect)).toMatchObject({
      ok: false,
      reason: "CODE_INVALID",
    });
  });

  it("work at 9:59 and expire at 10:00, by database time", async () => {
    const early = await issue();
    await age(early.id, 9 * 60 + 59);
    expect(await checkCode({ id: early.id, purpose: PURPOSE, code: early.code })).toEqual({ ok: true });

    const late = await issue();
    await age(late.id, 10 * 60);
    expect(await checkCode({ id: late.id, purpose: PURPOSE, code: late.code })).toMatchObject({ ok: false, reason: "CODE_EXPIRED" });
  });

  it("allow 5 wrong tries, then refuse even the right code", async () => {
    const issued = await issue();
    for (let attempt = 1; attempt <= 4; attempt++) {
      expect(await checkCode({ id: issued.id, purpose: PURPOSE, code: wrongCode(issued.code) })).toEqual({
        ok: false,
        reason: "CODE_INVALID",
        attemptsLeft: 5 - attempt,
        counted: true,
      });
    }
    expect(await checkCode({ id: issued.id, purpose: PURPOSE, code: wrongCode(issued.code) })).toMatchObject({
      ok: false,
      reason: "TOO_MANY_ATTEMPTS",
    });
    expect(await checkCode({ id: issued.id, purpose: PURPOSE, code: issued.code })).toMatchObject({
      ok: false,
      reason: "TOO_MANY_ATTEMPTS",
    });
  });

  it("count 25 parallel wrong guesses atomically: at most 5 counted, none succeed", async () => {
    const issued = await issue();
    const results = await Promise.all(
      Array.from({ length: 25 }, () => checkCode({ id: issued.id, purpose: PURPOSE, code: wrongCode(issued.code) })),
    );
    expect(results.filter((result) => result.ok)).toHaveLength(0);
    const row = await db.oneTimeCode.findUniqueOrThrow({ where: { id: issued.id } });
    expect(row.attempts).toBe(5);
    expect(await checkCode({ id: issued.id, purpose: PURPOSE, code: issued.code })).toMatchObject({ ok: false });
  });

  it("let exactly one of 16 parallel correct submissions through", async () => {
    const issued = await issue();
    let effects = 0;
    const results = await Promise.all(
      Array.from({ length: 16 }, () =>
        redeemCode({ id: issued.id, purpose: PURPOSE, code: issued.code }, async () => {
          effects += 1;
          return effects;
        }),
      ),
    );
    expect(results.filter((result) => result.ok)).toHaveLength(1);
    expect(effects).toBe(1);
  });

  it("stay unused when the effect fails, so the user can retry", async () => {
    const issued = await issue();
    const failing = redeemCode({ id: issued.id, purpose: PURPOSE, code: issued.code }, async () => {
      throw new Error("effect failed");
    });
    await expect(failing).rejects.toThrow("effect failed");
    expect((await db.oneTimeCode.findUniqueOrThrow({ where: { id: issued.id } })).consumedAt).toBeNull();
    expect(await redeemCode({ id: issued.id, purpose: PURPOSE, code: issued.code }, noEffect)).toMatchObject({ ok: true });
  });

  it("refuse unknown ids and other purposes like a wrong code", async () => {
    const issued = await issue();
    expect(await checkCode({ id: crypto.randomUUID(), purpose: PURPOSE, code: issued.code })).toMatchObject({
      ok: false,
      reason: "CODE_INVALID",
    });
  });

  it("resend only after the cooldown; the new code replaces the old and keeps the attempt count", async () => {
    const issued = await issue();
    expect(await reissueCode({ id: issued.id, purpose: PURPOSE })).toMatchObject({ ok: false, reason: "RESEND_TOO_SOON" });
    await checkCode({ id: issued.id, purpose: PURPOSE, code: wrongCode(issued.code) });
    await age(issued.id, 60);
    const again = await reissueCode({ id: issued.id, purpose: PURPOSE });
    if (!again.ok) throw new Error("expected a new code");
    if (again.code !== issued.code) {
      expect(await checkCode({ id: issued.id, purpose: PURPOSE, code: issued.code })).toMatchObject({ ok: false, reason: "CODE_INVALID" });
    }
    const row = await db.oneTimeCode.findUniqueOrThrow({ where: { id: issued.id } });
    expect(row.sendCount).toBe(2);
    expect(row.attempts).toBeGreaterThanOrEqual(1);
    expect(await checkCode({ id: issued.id, purpose: PURPOSE, code: again.code })).toEqual({ ok: true });
  });

  it("allow only one of 50 parallel resends", async () => {
    const issued = await issue();
    await age(issued.id, 60);
    const results = await Promise.all(Array.from({ length: 50 }, () => reissueCode({ id: issued.id, purpose: PURPOSE })));
    expect(results.filter((result) => result.ok)).toHaveLength(1);
  });
});
