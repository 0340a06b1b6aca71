import { describe, expect, it } from "vitest";
import { createApiToken } from "@/lib/api-tokens/create";
import { db } from "@/lib/db";
import type { RequestContext } from "@/lib/http/context";
import { addPasskey, passkeyRegistrationOptions } from "@/lib/passkeys/registration";
import { relyingParty } from "@/lib/passkeys/relying-party";
import type { ProofValues } from "@/shared/step-up";
import {
  auditCount,
  expectStepUpRequired,
  latestStepUpCode,
  newContext,
  newStepUpUser,
  tokenRequest,
  triggerChallenge,
} from "@/test/helpers/step-up";
import { proofs } from "@/tooling/app-client";
import { SoftwareAuthenticator } from "@/tooling/software-authenticator";
import { statementsOf } from "@/tooling/sql-statements";

// The step-up check at its floor (issue 19): one statement locks the account and counts the try,
// returning the code's hash for the comparison in memory; one more spends the proof, mints the grant
// and writes the audit rows. So a change sent with its proof costs at most 4 statements more than
// the same change in its sudo window, which checks nothing but the grant.
const MAX_ADDED_STATEMENTS = 4;

/** How many statements `run` sends, BEGIN and COMMIT included, and the names of the prepared ones. */
async function sentBy(run: () => Promise<unknown>): Promise<{ count: number; names: string[]; texts: string[] }> {
  const { statements } = await statementsOf(run);
  return {
    count: statements.length,
    names: statements.flatMap((statement) => (statement.name ? [statement.name] : [])),
    texts: statements.map((statement) => statement.text),
  };
}

const withProof = (context: RequestContext, challengeId: string, values: ProofValues): RequestContext => ({
  ...context,
  proof: { challengeId, proofs: values },
});

/** Adds a passkey to the account (behind its own step-up) and returns the authenticator holding it. */
async function addPasskeyTo(context: RequestContext): Promise<SoftwareAuthenticator> {
  const authenticator = new SoftwareAuthenticator();
  const { origin } = relyingParty();
  const registration = JSON.stringify(authenticator.register(await passkeyRegistrationOptions(context), { origin }));
  const challenge = await expectStepUpRequired(addPasskey(context, registration));
  const code = await latestStepUpCode(context.session.user.email);
  await addPasskey(withProof(context, challenge.id, proofs(code)), registration);
  return authenticator;
}

describe("the step-up check at its SQL floor", () => {
  it("adds at most 4 statements to the change, with the emailed code or a passkey, over the same change in its sudo window", async () => {
    const { user, context } = await newStepUpUser("statements");

    const request = tokenRequest("with-code");
    const challenge = await triggerChallenge(context, "api_token.create", request);
    const code = await latestStepUpCode(user.email);
    const withCode = await sentBy(() => createApiToken(withProof(context, challenge.id, proofs(code)), request));
    const inSudoWindow = await sentBy(() => createApiToken(context, tokenRequest("in-the-window")));

    const authenticator = await addPasskeyTo(context);
    const other = await newContext(user);
    const passkeyRequest = tokenRequest("with-passkey");
    const passkeyChallenge = await triggerChallenge(other, "api_token.create", passkeyRequest);
    if (!passkeyChallenge.passkeyOptions) throw new Error("the challenge offered no passkey");
    const assertion = JSON.stringify(authenticator.authenticate(passkeyChallenge.passkeyOptions, { origin: relyingParty().origin }));
    const withPasskey = await sentBy(() => createApiToken(withProof(other, passkeyChallenge.id, { passkey: assertion }), passkeyRequest));

    // Each call made its change, and the two checks were real verifications.
    expect(await db.apiToken.count({ where: { userId: user.id } })).toBe(3);
    expect(await auditCount("step_up.verified", user.id)).toBe(3);
    expect(inSudoWindow.count).toBeGreaterThan(2);
    expect(withCode.count - inSudoWindow.count, "statements added by the emailed code").toBeLessThanOrEqual(MAX_ADDED_STATEMENTS);
    expect(withPasskey.count - inSudoWindow.count, "statements added by the passkey").toBeLessThanOrEqual(MAX_ADDED_STATEMENTS);
    // The change's own audit row and notice go in together, last before the commit; the account's
    // lock is taken by the check (or the grant's lookup), not again by the change.
    for (const sent of [withCode, inSudoWindow, withPasskey]) {
      const [last, commit] = sent.texts.slice(-2);
      expect(commit).toMatch(/^COMMIT/);
      expect(last).toMatch(/INSERT INTO audit_events[\s\S]*INSERT INTO email_outbox/);
      expect(sent.texts.filter((text) => /FROM users\b[^;]*FOR UPDATE/.test(text))).toHaveLength(1);
    }
    expect({ withCode: withCode.count, inSudoWindow: inSudoWindow.count }).toEqual({ withCode: 6, inSudoWindow: 5 });
    // Planning these CTEs costs more than running them: each connection plans them once.
    expect(withCode.names).toEqual(["step-up-lock-and-count", expect.stringMatching(/^step-up-finish-[0-9a-f]{16}$/)]);
    expect(withPasskey.names).toEqual([
      "step-up-lock-and-count",
      "passkey-assertion-lookup",
      expect.stringMatching(/^step-up-finish-[0-9a-f]{16}$/),
    ]);
  });

  it("still writes the audit rows of the check in full: who, what, the challenge, the grant, address and browser", async () => {
    const { user, context } = await newStepUpUser("statement-audit");
    const request = tokenRequest("audited");
    const challenge = await triggerChallenge(context, "api_token.create", request);
    await createApiToken(withProof(context, challenge.id, proofs(await latestStepUpCode(user.email))), request);

    const grant = await db.stepUpGrant.findFirstOrThrow({ where: { challengeId: challenge.id }, select: { id: true } });
    const rows = await db.auditEvent.findMany({
      where: { actorId: user.id, type: { in: ["step_up.verified", "step_up.grant_used"] } },
      orderBy: { id: "asc" },
      select: {
        type: true,
        outcome: true,
        actorEmail: true,
        targetType: true,
        targetId: true,
        reason: true,
        ip: true,
        userAgent: true,
        metadata: true,
      },
    });
    const common = { outcome: "SUCCESS", actorEmail: user.email, ip: context.meta.ip, userAgent: context.meta.userAgent };
    expect(rows).toEqual([
      {
        ...common,
        type: "step_up.verified",
        targetType: "step_up_challenge",
        targetId: challenge.id,
        reason: "sudo",
        metadata: { action: "api_token.create", proofs: ["email_code"] },
      },
      {
        ...common,
        type: "step_up.grant_used",
        targetType: "step_up_grant",
        targetId: grant.id,
        reason: "api_token.create",
        metadata: null,
      },
    ]);
  });
});
