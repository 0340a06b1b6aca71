// The step-up check in-process: a protected action (create an API token) sent with its step-up
// code, sent with a passkey assertion instead, and the same action inside the sudo window a
// verification opened, with how many SQL statements each takes; the differences are what checking
// the code or the passkey costs, each against its target (ratio and added statements). Measured
// against whatever database DATABASE_URL names: `npm run bench:step-up` a throwaway one, `npm run
// bench` the production server's (which then sits idle).
import { proofs } from "@/tooling/app-client";
import { latestMailboxCode, signedInContext, withMailboxCode } from "@/tooling/in-process";
import { SoftwareAuthenticator } from "@/tooling/software-authenticator";
import { statementsOf } from "@/tooling/sql-statements";
import { percentile, summary, timed } from "./support";

// Issue 19: the check at its SQL floor costs little over the change it protects.
const TARGETS = { ratioP50Max: 1.3, addedStatementsMax: 4 };

/** Runs `run`, adding how many statements it sent (BEGIN and COMMIT included) to `counts`. */
async function counted<T>(counts: number[], run: () => Promise<T>): Promise<T> {
  const { value, statements } = await statementsOf(run);
  counts.push(statements.length);
  return value;
}

export async function measureStepUpInProcess(options: { rounds?: number; tag?: string } = {}) {
  const { db } = await import("@/lib/db");
  const { startChallenge } = await import("@/lib/step-up/challenges");
  const { createApiToken } = await import("@/lib/api-tokens/create");
  const { addPasskey, passkeyRegistrationOptions } = await import("@/lib/passkeys/registration");
  const { relyingParty } = await import("@/lib/passkeys/relying-party");
  const rounds = options.rounds ?? 60;
  const tag = options.tag ?? "bench";

  const withCodeMs: number[] = [];
  const inSudoMs: number[] = [];
  const withCodeStatements: number[] = [];
  const inSudoStatements: number[] = [];
  const withPasskeyMs: number[] = [];
  const withPasskeyStatements: number[] = [];
  for (let round = 0; round < rounds; round++) {
    // A user per round keeps the per-user send limit (5/hour) out of the measurement.
    const user = await db.user.create({
      data: { email: `${tag}-${round}@example.test`, passwordHash: "unused", emailVerifiedAt: new Date() },
    });
    const meta = { ip: "198.18.0.1", userAgent: "bench" };
    const context = await signedInContext(user.id, meta);
    const request = { name: `${tag}-${round}`, scopes: ["profile:read" as const], expiry: "30" as const, expiresOn: "" };

    const challenge = await startChallenge(context, "api_token.create", request);
    const proof = { challengeId: challenge.id, proofs: proofs(await latestMailboxCode(user.email)) };
    await timed(withCodeMs, () => counted(withCodeStatements, () => createApiToken({ ...context, proof }, request)));
    await timed(inSudoMs, () => counted(inSudoStatements, () => createApiToken(context, { ...request, name: `${request.name}-again` })));

    // The same user adds a passkey (behind its own step-up), then a second session steps up with it.
    const authenticator = new SoftwareAuthenticator();
    const { origin } = relyingParty();
    const registration = JSON.stringify(authenticator.register(await passkeyRegistrationOptions(context), { origin }));
    await withMailboxCode(context, (attempt) => addPasskey(attempt, registration));
    const other = await signedInContext(user.id, meta);
    const passkeyRequest = { ...request, name: `${request.name}-passkey` };
    const passkeyChallenge = await startChallenge(other, "api_token.create", passkeyRequest);
    if (!passkeyChallenge.passkeyOptions) throw new Error("the challenge offered no passkey");
    const assertion = JSON.stringify(authenticator.authenticate(passkeyChallenge.passkeyOptions, { origin }));
    const passkeyProof = { challengeId: passkeyChallenge.id, proofs: { passkey: assertion } };
    await timed(withPasskeyMs, () =>
      counted(withPasskeyStatements, () => createApiToken({ ...other, proof: passkeyProof }, passkeyRequest)),
    );
  }
  const inSudoWindow = { ...summary(inSudoMs), sqlStatements: percentile(inSudoStatements, 0.5) };
  const checkCost = (withProof: ReturnType<typeof summary> & { sqlStatements: number }) => {
    const ratioP50 = Math.round((withProof.medianMs / inSudoWindow.medianMs) * 100) / 100;
    const addedStatements = withProof.sqlStatements - inSudoWindow.sqlStatements;
    return {
      ...withProof,
      ratioP50,
      addedStatements,
      target: `ratio p50 <= ${TARGETS.ratioP50Max}, added statements <= ${TARGETS.addedStatementsMax}`,
      met: ratioP50 <= TARGETS.ratioP50Max && addedStatements <= TARGETS.addedStatementsMax,
    };
  };
  const withCode = checkCost({ ...summary(withCodeMs), sqlStatements: percentile(withCodeStatements, 0.5) });
  const withPasskey = checkCost({ ...summary(withPasskeyMs), sqlStatements: percentile(withPasskeyStatements, 0.5) });
  return {
    method: "in-process lib calls (createApiToken), one new user per round, statements counted at the pg driver",
    protectedActionWithCode: withCode,
    protectedActionWithPasskey: withPasskey,
    sameActionInSudoWindow: inSudoWindow,
    met: withCode.met && withPasskey.met,
  };
}
