import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { translatorFor } from "@/i18n/translator";
import { createApiToken } from "@/lib/api-tokens/create";
import { revokeApiToken } from "@/lib/api-tokens/revoke";
import { db } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { resolveSession } from "@/lib/sessions/lifecycle";
import { cancelChallenge, resendChallenge, startChallenge } from "@/lib/step-up/challenges";
import { hashPayload } from "@/lib/step-up/payload";
import { STEP_UP_POLICY, type GrantMode, type StepUpAction } from "@/lib/step-up/policy";
import { reportChallenge } from "@/lib/step-up/report";
import { withStepUp } from "@/lib/step-up/with-step-up";
import { createApiTokenSchema } from "@/shared/api-tokens";
import { AppError, errorMessage } from "@/shared/errors";
import { formatDateTime, maskEmail } from "@/shared/format";
import { meta } from "@/test/helpers/fixtures";
import {
  ageCode,
  auditCount,
  cancelTokenFrom,
  challengeAttempts,
  completeStepUp,
  EMAIL_CODE_ONLY,
  expectAppError,
  expectStepUpRequired,
  failureState,
  latestStepUpCode,
  latestStepUpEmail,
  newContext,
  newStepUpUser,
  passTime,
  stepUpEmails,
  tokenRequest,
  triggerChallenge,
  verifyStepUp,
  wrongCode,
} from "@/test/helpers/step-up";
import { codeFrom, proofs } from "@/tooling/app-client";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

async function tokenCount(userId: string): Promise<number> {
  return db.apiToken.count({ where: { userId } });
}

/** An active token row made directly (for revoke payloads), not through the flow under test. */
async function seedToken(userId: string, name: string): Promise<{ id: string; name: string }> {
  return db.apiToken.create({
    data: {
      userId,
      name,
      displayPrefix: "asec_seed00",
      tokenHash: crypto.randomUUID().replace(/-/g, "").padEnd(64, "0"),
      scopes: ["profile:read"],
      expiresAt: new Date(Date.now() + 86_400_000),
    },
    select: { id: true, name: true },
  });
}

/** Points `action` at another grant mode for the tests inside one describe block. */
function useGrantMode(action: StepUpAction, mode: GrantMode): void {
  const original = STEP_UP_POLICY[action].grant;
  beforeAll(() => {
    STEP_UP_POLICY[action].grant = mode;
  });
  afterAll(() => {
    STEP_UP_POLICY[action].grant = original;
  });
}

function urlsIn(text: string): string[] {
  return text.match(/https?:\/\/[^\s)"<>]+/g) ?? [];
}

describe("the step-up flow", () => {
  it("refuses a protected action without a grant: a challenge, one code email, an audit row, and nothing else", async () => {
    const { user, context } = await newStepUpUser("flow");
    const request = tokenRequest("ci-deploy");

    const challenge = await expectStepUpRequired(createApiToken(context, request));

    expect(challenge).toEqual({
      id: expect.stringMatching(UUID),
      action: "api_token.create",
      description: 'create API token "ci-deploy"',
      maskedEmail: maskEmail(user.email),
      expiresAt: expect.any(String),
      resendAvailableAt: expect.any(String),
      attemptsLeft: 5,
      steps: EMAIL_CODE_ONLY,
      codeSent: true,
      passkeyOptions: null,
    });
    expect(challenge.maskedEmail).not.toContain(user.email.split("@")[0]);
    expect(challenge.maskedEmail.endsWith("@example.test")).toBe(true);
    const { code, expiresAt } = await db.stepUpChallenge.findUniqueOrThrow({
      where: { id: challenge.id },
      select: { expiresAt: true, code: true },
    });
    if (!code) throw new Error("a challenge without its emailed code");
    expect(challenge.expiresAt).toBe(expiresAt.toISOString());
    expect(Math.abs(expiresAt.getTime() - code.expiresAt.getTime())).toBeLessThan(1_000);
    expect(Date.parse(challenge.expiresAt) - code.lastSentAt.getTime()).toBe(10 * 60 * 1000);
    expect(Date.parse(challenge.resendAvailableAt) - code.lastSentAt.getTime()).toBe(60 * 1000);
    expect(Math.abs(Date.parse(challenge.expiresAt) - (Date.now() + 10 * 60 * 1000))).toBeLessThan(60_000);

    // Nothing changed.
    expect(await tokenCount(user.id)).toBe(0);
    expect(await db.emailOutbox.count({ where: { to: user.email } })).toBe(0);
    expect(await db.stepUpGrant.count({ where: { userId: user.id } })).toBe(0);

    // Exactly one code email, naming the action.
    const emails = await stepUpEmails(user.email);
    expect(emails).toHaveLength(1);
    const email = await latestStepUpEmail(user.email);
    expect(email.subject).toBe('Your code to create API token "ci-deploy"');
    const emailed = codeFrom(email.text);
    expect(email.subject).not.toContain(emailed);
    const { APP_URL } = getEnv();
    for (const body of [email.text, email.html]) {
      expect(body).toContain(emailed);
      expect(body).toContain("ci-deploy");
      expect(body).toContain("profile:read");
      expect(body).toContain("in 30 days");
      expect(body).toContain("203.0.113.7");
      expect(body).toContain("Chrome 130 on Linux");
      expect(body).toContain(formatDateTime(code.expiresAt));
      expect(body).toContain(`${APP_URL}/step-up/cancel?token=`);
      expect(body).not.toContain("/login");
    }
    expect(email.text).toMatch(/wasn't me|Didn't ask for this/i);
    expect(email.html).toMatch(/This wasn(?:'|&#x27;)t me/);
    const links = [...urlsIn(email.text), ...[...email.html.matchAll(/href="([^"]*)"/g)].map((match) => match[1] ?? "")];
    expect(links.length).toBeGreaterThan(0);
    for (const link of links) expect(link.startsWith(APP_URL)).toBe(true);

    // Audited.
    const audit = await db.auditEvent.findMany({ where: { actorId: user.id, type: "step_up.challenge_sent" } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      outcome: "SUCCESS",
      targetType: "step_up_challenge",
      targetId: challenge.id,
      reason: "api_token.create",
      ip: "203.0.113.7",
    });

    // The emailed code completes it, and the replayed action now changes something.
    await verifyStepUp(context, { challengeId: challenge.id, proofs: proofs(emailed) });
    const created = await createApiToken(context, request);
    expect(created.apiToken.name).toBe("ci-deploy");
    expect(await tokenCount(user.id)).toBe(1);
    expect(await auditCount("step_up.verified", user.id)).toBe(1);
    expect(await auditCount("step_up.grant_used", user.id)).toBe(1);
    expect(await auditCount("api_token.created", user.id)).toBe(1);
  });

  it("escapes a hostile token name in the code email", async () => {
    const { user, context } = await newStepUpUser("escape");
    await triggerChallenge(context, "api_token.create", tokenRequest('<script>alert("x")</script>'));
    const email = await latestStepUpEmail(user.email);
    expect(email.html).not.toContain("<script>");
    expect(email.html).toContain("&lt;script&gt;");
  });
});

describe("S2: codes last 10 minutes by database time and work once", () => {
  it("a code still works at 9:59", async () => {
    const { user, context } = await newStepUpUser("early");
    const challenge = await triggerChallenge(context, "api_token.create", tokenRequest());
    await ageCode(challenge.id, 9 * 60 + 59);
    await verifyStepUp(context, { challengeId: challenge.id, proofs: proofs(await latestStepUpCode(user.email)) });
    expect(await db.stepUpGrant.count({ where: { challengeId: challenge.id } })).toBe(1);
  });

  it("a code has expired at 10:00: CODE_EXPIRED, audited, no grant, not an account failure", async () => {
    const { user, context } = await newStepUpUser("late");
    const challenge = await triggerChallenge(context, "api_token.create", tokenRequest());
    await ageCode(challenge.id, 10 * 60);
    await expectAppError(
      verifyStepUp(context, { challengeId: challenge.id, proofs: proofs(await latestStepUpCode(user.email)) }),
      "CODE_EXPIRED",
    );
    expect(await auditCount("step_up.expired", user.id)).toBe(1);
    expect(await db.stepUpGrant.count({ where: { challengeId: challenge.id } })).toBe(0);
    expect((await failureState(user.id)).failures).toBe(0);
  });

  it("a used code is refused the second time", async () => {
    const { user, context } = await newStepUpUser("twice");
    const { challenge, code } = await completeStepUp(context, "api_token.create", tokenRequest());
    await expectAppError(verifyStepUp(context, { challengeId: challenge.id, proofs: proofs(code) }), "CODE_INVALID");
    expect(await db.stepUpGrant.count({ where: { userId: user.id } })).toBe(1);
  });
});

describe("S3: consuming a code is atomic", () => {
  it("16 parallel correct submissions: exactly 1 success, 1 grant, 1 audit row, no account failures", async () => {
    const { user, context } = await newStepUpUser("parallel");
    const challenge = await triggerChallenge(context, "api_token.create", tokenRequest());
    const code = await latestStepUpCode(user.email);

    const results = await Promise.allSettled(
      Array.from({ length: 16 }, () => verifyStepUp(context, { challengeId: challenge.id, proofs: proofs(code) })),
    );

    expect(results.filter((result) => result.status === "fulfilled")).toHaveLength(1);
    for (const result of results) {
      if (result.status === "rejected") {
        expect(result.reason).toBeInstanceOf(AppError);
        expect(["CODE_INVALID", "TOO_MANY_ATTEMPTS"]).toContain((result.reason as AppError).code);
      }
    }
    expect(await db.stepUpGrant.count({ where: { userId: user.id } })).toBe(1);
    expect(await auditCount("step_up.verified", user.id)).toBe(1);
    expect((await failureState(user.id)).failures).toBe(0);
  });

  it("a sudo window allows several changes for 5 minutes, and none after it closes", async () => {
    const { user, context } = await newStepUpUser("sudo");
    await completeStepUp(context, "api_token.create", tokenRequest("first"));

    const created = await Promise.all(["first", "second", "third"].map((name) => createApiToken(context, tokenRequest(name))));
    expect(created.map((result) => result.apiToken.name).sort()).toEqual(["first", "second", "third"]);
    const seeded = await seedToken(user.id, "old");
    await revokeApiToken(context, seeded.id);
    const [grant] = await db.stepUpGrant.findMany({ where: { userId: user.id } });
    expect(grant).toMatchObject({ mode: "SUDO", consumedAt: null });
    expect(await auditCount("step_up.grant_used", user.id)).toBe(4);

    await passTime(context, 4 * 60 + 50);
    await createApiToken(context, tokenRequest("fourth"));

    await passTime(context, 11);
    await expectStepUpRequired(createApiToken(context, tokenRequest("fifth")));
    expect(await db.apiToken.findMany({ where: { userId: user.id }, select: { name: true }, orderBy: { name: "asc" } })).toEqual(
      ["first", "fourth", "old", "second", "third"].map((name) => ({ name })),
    );
  });

  describe("with a single-use policy", () => {
    useGrantMode("api_token.revoke", "single_use");

    it("one grant allows exactly one change, even with 16 parallel replays", async () => {
      const { user, context } = await newStepUpUser("single");
      const payload = { tokenId: crypto.randomUUID(), name: "deploy" };
      await completeStepUp(context, "api_token.revoke", payload);
      let changes = 0;

      const results = await Promise.allSettled(
        Array.from({ length: 16 }, () =>
          withStepUp(context, "api_token.revoke", payload, async () => {
            changes += 1;
            return "changed";
          }),
        ),
      );

      expect(results.filter((result) => result.status === "fulfilled")).toHaveLength(1);
      for (const result of results) if (result.status === "rejected") expect(result.reason).toBeInstanceOf(AppError);
      expect(changes).toBe(1);
      expect(await auditCount("step_up.grant_used", user.id)).toBe(1);
      const grants = await db.stepUpGrant.findMany({ where: { userId: user.id } });
      expect(grants).toHaveLength(1);
      expect(grants[0]?.mode).toBe("SINGLE_USE");
      expect(grants[0]?.consumedAt).not.toBeNull();
    });

    it("the real revoke: one code, one revocation; the next token needs a new code", async () => {
      const { user, context } = await newStepUpUser("single-revoke");
      const first = await seedToken(user.id, "first");
      const second = await seedToken(user.id, "second");

      await expectStepUpRequired(revokeApiToken(context, first.id));
      await verifyStepUp(context, {
        challengeId: (await db.stepUpChallenge.findFirstOrThrow({ where: { userId: user.id } })).id,
        proofs: proofs(await latestStepUpCode(user.email)),
      });
      await revokeApiToken(context, first.id);

      const challenge = await expectStepUpRequired(revokeApiToken(context, second.id));
      expect(challenge.description).toBe('revoke API token "second"');
      const rows = await db.apiToken.findMany({
        where: { userId: user.id },
        select: { name: true, revokedAt: true },
        orderBy: { name: "asc" },
      });
      expect(rows.map((row) => [row.name, row.revokedAt !== null])).toEqual([
        ["first", true],
        ["second", false],
      ]);
    });
  });
});

describe("S7: challenges and grants are bound to user, session, action and payload", () => {
  it("another session of the same user gets CODE_INVALID, and no attempt is spent", async () => {
    const { user, context } = await newStepUpUser("other-session");
    const other = await newContext(user);
    const challenge = await triggerChallenge(context, "api_token.create", tokenRequest());
    const code = await latestStepUpCode(user.email);

    const refused = await expectAppError(verifyStepUp(other, { challengeId: challenge.id, proofs: proofs(code) }), "CODE_INVALID");
    expect(refused.details).toEqual({});
    expect(await challengeAttempts(challenge.id)).toBe(0);
    expect(await db.stepUpGrant.count({ where: { userId: user.id } })).toBe(0);

    await verifyStepUp(context, { challengeId: challenge.id, proofs: proofs(code) });
  });

  it("another user gets exactly what an unknown challenge id gets", async () => {
    const owner = await newStepUpUser("owner");
    const stranger = await newStepUpUser("stranger");
    const challenge = await triggerChallenge(owner.context, "api_token.create", tokenRequest());
    const code = await latestStepUpCode(owner.user.email);

    const foreign = await expectAppError(
      verifyStepUp(stranger.context, { challengeId: challenge.id, proofs: proofs(code) }),
      "CODE_INVALID",
    );
    const unknown = await expectAppError(
      verifyStepUp(stranger.context, { challengeId: crypto.randomUUID(), proofs: proofs(code) }),
      "CODE_INVALID",
    );
    const garbage = await expectAppError(
      verifyStepUp(stranger.context, { challengeId: "not-a-challenge", proofs: proofs(code) }),
      "CODE_INVALID",
    );

    expect(foreign.details).toEqual(unknown.details);
    expect(garbage.details).toEqual(unknown.details);
    const t = translatorFor("en", "errors");
    expect(errorMessage(t, foreign.code, foreign.details)).toBe(errorMessage(t, unknown.code, unknown.details));
    expect(await challengeAttempts(challenge.id)).toBe(0);
    expect(await db.stepUpGrant.count({ where: { userId: stranger.user.id } })).toBe(0);
    expect((await failureState(stranger.user.id)).failures).toBe(0);
  });

  it("a grant from session A does not authorise session B", async () => {
    const { user, context } = await newStepUpUser("grant-session");
    const other = await newContext(user);
    await completeStepUp(context, "api_token.create", tokenRequest());

    await expectStepUpRequired(createApiToken(other, tokenRequest("from-b")));
    expect(await tokenCount(user.id)).toBe(0);
    await createApiToken(context, tokenRequest("from-a"));
    expect(await tokenCount(user.id)).toBe(1);
  });

  it("a grant does not cross users", async () => {
    const owner = await newStepUpUser("grant-owner");
    const stranger = await newStepUpUser("grant-stranger");
    await completeStepUp(owner.context, "api_token.create", tokenRequest());
    await expectStepUpRequired(createApiToken(stranger.context, tokenRequest()));
    expect(await tokenCount(stranger.user.id)).toBe(0);
  });

  describe("single-use grants", () => {
    useGrantMode("api_token.revoke", "single_use");

    it("are bound to their payload and action", async () => {
      const { user, context } = await newStepUpUser("bound");
      const payload = { tokenId: crypto.randomUUID(), name: "deploy" };
      await completeStepUp(context, "api_token.revoke", payload);
      let changes = 0;
      const change = async () => {
        changes += 1;
      };

      await expectAppError(
        withStepUp(context, "api_token.revoke", { ...payload, tokenId: crypto.randomUUID() }, change),
        "STEP_UP_REQUIRED",
      );
      await expectAppError(withStepUp(context, "api_token.revoke", { ...payload, name: "renamed" }, change), "STEP_UP_REQUIRED");
      await expectAppError(withStepUp(context, "api_token.create", tokenRequest("deploy"), change), "STEP_UP_REQUIRED");
      expect(changes).toBe(0);
      expect((await db.stepUpGrant.findFirstOrThrow({ where: { userId: user.id, mode: "SINGLE_USE" } })).consumedAt).toBeNull();

      // Key order is not a change of payload.
      await withStepUp(context, "api_token.revoke", { name: payload.name, tokenId: payload.tokenId }, change);
      expect(changes).toBe(1);
    });

    it("a sudo verification does not open a single-use action", async () => {
      const { context } = await newStepUpUser("sudo-not-single");
      await completeStepUp(context, "api_token.create", tokenRequest());
      await expectAppError(
        withStepUp(context, "api_token.revoke", { tokenId: crypto.randomUUID(), name: "x" }, async () => "changed"),
        "STEP_UP_REQUIRED",
      );
    });
  });

  it("payload hashes are canonical: key order does not matter, any value, action or scope choice does", () => {
    const base = { name: "ci", scopes: ["profile:read", "tokens:read"], expiry: "30", expiresOn: "" };
    const hash = hashPayload("api_token.create", base);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hashPayload("api_token.create", { expiresOn: "", expiry: "30", scopes: ["profile:read", "tokens:read"], name: "ci" })).toBe(
      hash,
    );
    expect(hashPayload("api_token.create", { nested: { b: 1, a: [{ y: 2, x: 1 }] } })).toBe(
      hashPayload("api_token.create", { nested: { a: [{ x: 1, y: 2 }], b: 1 } }),
    );
    expect(hashPayload("api_token.create", { ...base, name: "ci " })).not.toBe(hash);
    expect(hashPayload("api_token.create", { ...base, expiry: "90" })).not.toBe(hash);
    expect(hashPayload("api_token.create", { ...base, scopes: ["profile:read"] })).not.toBe(hash);
    expect(hashPayload("api_token.revoke", base)).not.toBe(hash);
    expect(hashPayload("api_token.create", { ...base, expiry: 30 })).not.toBe(hash);

    // The form's scope order and duplicates are normalised before hashing.
    const a = createApiTokenSchema.parse({ name: "ci", scopes: ["tokens:read", "profile:read", "tokens:read"], expiry: "30" });
    const b = createApiTokenSchema.parse({ name: "ci", scopes: ["profile:read", "tokens:read"], expiry: "30" });
    expect(hashPayload("api_token.create", a)).toBe(hashPayload("api_token.create", b));
  });
});

describe("S8: a grant is consumed in the transaction of its change", () => {
  it("without a grant the change never runs and nothing changes", async () => {
    const { user, context } = await newStepUpUser("no-grant");
    let ran = false;
    await expectStepUpRequired(
      withStepUp(context, "api_token.create", tokenRequest(), async () => {
        ran = true;
      }),
    );
    expect(ran).toBe(false);
    expect(await tokenCount(user.id)).toBe(0);
    expect(await auditCount("step_up.grant_used", user.id)).toBe(0);
  });

  it("an error after the grant was used rolls everything back; the sudo grant still works", async () => {
    const { user, context } = await newStepUpUser("rollback");
    await completeStepUp(context, "api_token.create", tokenRequest());

    const failing = withStepUp(context, "api_token.create", tokenRequest("doomed"), async (tx) => {
      await tx.apiToken.create({
        data: {
          userId: user.id,
          name: "doomed",
          displayPrefix: "asec_doomed",
          tokenHash: "f".repeat(64),
          scopes: ["profile:read"],
          expiresAt: new Date(Date.now() + 86_400_000),
        },
      });
      await tx.auditEvent.create({
        data: { type: "api_token.created", outcome: "SUCCESS", actorId: user.id, targetType: "api_token", targetId: "asec_doomed" },
      });
      throw new Error("change failed");
    });

    await expect(failing).rejects.toThrow("change failed");
    expect(await tokenCount(user.id)).toBe(0);
    expect(await auditCount("api_token.created", user.id)).toBe(0);
    expect(await auditCount("step_up.grant_used", user.id)).toBe(0);
    await createApiToken(context, tokenRequest("retried"));
    expect(await tokenCount(user.id)).toBe(1);
  });

  describe("single-use", () => {
    useGrantMode("api_token.revoke", "single_use");

    it("an error after consumption leaves the single-use grant unused; success then consumes it", async () => {
      const { user, context } = await newStepUpUser("rollback-single");
      const payload = { tokenId: crypto.randomUUID(), name: "deploy" };
      await completeStepUp(context, "api_token.revoke", payload);

      await expect(
        withStepUp(context, "api_token.revoke", payload, async () => {
          throw new Error("change failed");
        }),
      ).rejects.toThrow("change failed");
      expect((await db.stepUpGrant.findFirstOrThrow({ where: { userId: user.id } })).consumedAt).toBeNull();

      expect(await withStepUp(context, "api_token.revoke", payload, async () => "done")).toBe("done");
      expect((await db.stepUpGrant.findFirstOrThrow({ where: { userId: user.id } })).consumedAt).not.toBeNull();
      let replayed = false;
      await expect(
        withStepUp(context, "api_token.revoke", payload, async () => {
          replayed = true;
        }),
      ).rejects.toBeInstanceOf(AppError);
      expect(replayed).toBe(false);
    });
  });

  it("replaying the verification is refused and mints no second grant", async () => {
    const { user, context } = await newStepUpUser("replay");
    const { challenge, code } = await completeStepUp(context, "api_token.create", tokenRequest());
    await expectAppError(verifyStepUp(context, { challengeId: challenge.id, proofs: proofs(code) }), "CODE_INVALID");
    await expectAppError(
      verifyStepUp(await newContext({ id: user.id, email: user.email }), { challengeId: challenge.id, proofs: proofs(code) }),
      "CODE_INVALID",
    );
    expect(await db.stepUpGrant.count({ where: { userId: user.id } })).toBe(1);
  });
});

describe('cancelling and "This wasn\'t me"', () => {
  it("dismissing the modal cancels the challenge: its code is refused and it is audited", async () => {
    const { user, context } = await newStepUpUser("dismiss");
    const challenge = await triggerChallenge(context, "api_token.create", tokenRequest());
    await cancelChallenge(context, challenge.id);
    await expectAppError(
      verifyStepUp(context, { challengeId: challenge.id, proofs: proofs(await latestStepUpCode(user.email)) }),
      "CODE_INVALID",
    );
    expect(await auditCount("step_up.cancelled", user.id)).toBe(1);
    expect(await db.stepUpGrant.count({ where: { userId: user.id } })).toBe(0);
  });

  it("the emailed link cancels the challenge, signs out the requesting session and is recorded; it works once", async () => {
    const { user, context } = await newStepUpUser("report");
    const otherDevice = await newContext(user);
    const challenge = await triggerChallenge(context, "api_token.create", tokenRequest());
    const email = await latestStepUpEmail(user.email);
    const token = cancelTokenFrom(email.text);
    expect(cancelTokenFrom(email.html.replace(/&amp;/g, "&"))).toBe(token);

    expect(await reportChallenge(token, meta("198.51.100.9"))).toBe(true);

    expect(await resolveSession(context.session.id)).toBeNull();
    expect(await resolveSession(otherDevice.session.id)).not.toBeNull();
    await expectAppError(verifyStepUp(context, { challengeId: challenge.id, proofs: proofs(codeFrom(email.text)) }), "CODE_INVALID");
    const reported = await db.auditEvent.findMany({ where: { type: "step_up.reported", actorId: user.id } });
    expect(reported).toHaveLength(1);
    expect(reported[0]).toMatchObject({ outcome: "BLOCKED", targetType: "session", targetId: context.session.id, ip: "198.51.100.9" });

    expect(await reportChallenge(token, meta("198.51.100.9"))).toBe(false);
    expect(await auditCount("step_up.reported", user.id)).toBe(1);
  });

  it("reporting after the code was used still signs the session out and kills its grants", async () => {
    const { user, context } = await newStepUpUser("report-late");
    await completeStepUp(context, "api_token.create", tokenRequest());
    const token = cancelTokenFrom((await latestStepUpEmail(user.email)).text);

    expect(await reportChallenge(token, meta())).toBe(true);

    expect(await resolveSession(context.session.id)).toBeNull();
    const grants = await db.stepUpGrant.findMany({ where: { sessionId: context.session.id } });
    expect(grants).toHaveLength(1);
    expect(grants[0]?.consumedAt).not.toBeNull();
    // Even a caller still holding the old session object cannot use the grant.
    await expect(createApiToken(context, tokenRequest("after-report"))).rejects.toBeInstanceOf(AppError);
    expect(await tokenCount(user.id)).toBe(0);
  });

  it("refuses malformed and unknown tokens", async () => {
    expect(await reportChallenge("", meta())).toBe(false);
    expect(await reportChallenge("short", meta())).toBe(false);
    expect(await reportChallenge("A".repeat(43), meta())).toBe(false);
    expect(await reportChallenge("../../etc/passwd%00aaaaaaaaaaaaaaaaaa", meta())).toBe(false);
  });

  // Regression guard: the requester dismissing the modal must not disarm the owner's link
  // (report.ts used to look challenges up with `cancelledAt: null`).
  it('"This wasn\'t me" still signs out the requesting session after the requester dismissed the challenge', async () => {
    const { user, context } = await newStepUpUser("report-dismissed");
    const challenge = await triggerChallenge(context, "api_token.create", tokenRequest());
    const token = cancelTokenFrom((await latestStepUpEmail(user.email)).text);
    await cancelChallenge(context, challenge.id);

    expect(await reportChallenge(token, meta())).toBe(true);
    expect(await resolveSession(context.session.id)).toBeNull();
    expect(await auditCount("step_up.reported", user.id)).toBe(1);
  });
});

describe("the resent code email", () => {
  // BUG: lib/step-up/challenge.ts resendChallenge() passes `details: {}` to emailCode(), so the
  // resent email loses the action's key details (token name, scopes, expiry) that the first email had.
  it("repeats the action's key details", async () => {
    const { user, context } = await newStepUpUser("resend-details");
    const challenge = await triggerChallenge(context, "api_token.create", tokenRequest("ci-deploy", { scopes: ["tokens:read"] }));
    await ageCode(challenge.id, 60);
    await resendChallenge(context, challenge.id);
    const emails = await stepUpEmails(user.email);
    expect(emails).toHaveLength(2);
    expect(emails[0]?.text).toContain("Scopes: tokens:read");
    expect(emails[0]?.text).toContain("Expires: in 30 days");
  });

  it("has the same subject, a new code and a new cancel link", async () => {
    const { user, context } = await newStepUpUser("resend-email");
    const challenge = await triggerChallenge(context, "api_token.create", tokenRequest("ci-deploy"));
    const first = await latestStepUpEmail(user.email);
    await ageCode(challenge.id, 60);
    await resendChallenge(context, challenge.id);
    const second = await latestStepUpEmail(user.email);
    expect(second.id).not.toBe(first.id);
    expect(second.subject).toBe(first.subject);
    expect(cancelTokenFrom(second.text)).not.toBe(cancelTokenFrom(first.text));
  });
});

describe("startChallenge", () => {
  it("refuses to start while step-up is locked", async () => {
    const { user, context } = await newStepUpUser("locked-start");
    await db.$executeRaw`UPDATE users SET step_up_locked_until = now() + interval '15 minutes' WHERE id = ${user.id}::uuid`;
    const locked = await expectAppError(startChallenge(context, "api_token.create", tokenRequest()), "STEP_UP_LOCKED");
    expect(locked.details.retryAfterSeconds).toBeGreaterThan(890);
    expect(await stepUpEmails(user.email)).toHaveLength(0);
  });

  it("an unknown code in the right challenge counts as a wrong attempt", async () => {
    const { user, context } = await newStepUpUser("wrong-once");
    const challenge = await triggerChallenge(context, "api_token.create", tokenRequest());
    const code = await latestStepUpCode(user.email);
    const refused = await expectAppError(
      verifyStepUp(context, { challengeId: challenge.id, proofs: proofs(wrongCode(code)) }),
      "CODE_INVALID",
    );
    expect(refused.details).toEqual({ attemptsLeft: 4 });
    expect(await challengeAttempts(challenge.id)).toBe(1);
    expect(await auditCount("step_up.verify_failed", user.id)).toBe(1);
    expect((await failureState(user.id)).failures).toBe(1);
  });
});
