// `npm run bench:step-up`: latency of a protected action (create an API token) sent with its
// step-up code, sent with a passkey assertion instead, and the same action inside the sudo window
// a verification opened, with how many SQL statements each takes; the differences are what
// checking the code or the passkey costs in-process, each against its target (ratio and added statements).
import pg from "pg";
import { proofs } from "@/tooling/app-client";
import { SoftwareAuthenticator } from "@/tooling/software-authenticator";
import { percentile, runScript, summary, timed, withThrowawayDatabase } from "./support";

const ROUNDS = 60;
// Issue 19: the check at its SQL floor costs little over the change it protects.
const TARGETS = { ratioP50Max: 1.3, addedStatementsMax: 4 };

// Counts every statement the app sends (Prisma's adapter runs on `pg`), BEGIN/COMMIT included.
let statements = 0;
const query = pg.Client.prototype.query;
pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
  statements += 1;
  return (query as (...a: unknown[]) => unknown).apply(this, args);
} as typeof query;

async function counted<T>(counts: number[], run: () => Promise<T>): Promise<T> {
  const before = statements;
  const result = await run();
  counts.push(statements - before);
  return result;
}

async function main() {
  await withThrowawayDatabase("step-up", async () => {
    const { db, disconnectDb } = await import("@/lib/db");
    const { createSession, resolveSession } = await import("@/lib/sessions/lifecycle");
    const { startChallenge } = await import("@/lib/step-up/challenges");
    const { createApiToken } = await import("@/lib/api-tokens/create");
    const { listMailboxMessages } = await import("@/lib/email/mailbox");
    const { addPasskey, passkeyRegistrationOptions } = await import("@/lib/passkeys/registration");
    const { relyingParty } = await import("@/lib/passkeys/relying-party");
    const { AppError } = await import("@/shared/errors");
    const latestCode = async (to: string) => /\b(\d{6})\b/.exec((await listMailboxMessages({ to }))[0]?.text ?? "")?.[1] ?? "";

    const withCodeMs: number[] = [];
    const inSudoMs: number[] = [];
    const withCodeStatements: number[] = [];
    const inSudoStatements: number[] = [];
    const withPasskeyMs: number[] = [];
    const withPasskeyStatements: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      // A user per round keeps the per-user send limit (5/hour) out of the measurement.
      const user = await db.user.create({
        data: { email: `bench-${round}@example.test`, passwordHash: "unused", emailVerifiedAt: new Date() },
      });
      const meta = { ip: "198.18.0.1", userAgent: "bench" };
      const sessionId = await db.$transaction((tx) => createSession(tx, user.id, meta));
      const session = await resolveSession(sessionId);
      if (!session) throw new Error("no session");
      const context = { session, meta };
      const request = { name: `bench-${round}`, scopes: ["profile:read" as const], expiry: "30" as const, expiresOn: "" };

      const challenge = await startChallenge(context, "api_token.create", request);
      const [email] = await listMailboxMessages({ to: user.email });
      const code = /\b(\d{6})\b/.exec(email?.text ?? "")?.[1] ?? "";
      const proof = { challengeId: challenge.id, proofs: proofs(code) };
      await timed(withCodeMs, () => counted(withCodeStatements, () => createApiToken({ ...context, proof }, request)));
      await timed(inSudoMs, () => counted(inSudoStatements, () => createApiToken(context, { ...request, name: `${request.name}-again` })));

      // The same user adds a passkey (behind its own step-up), then a second session steps up with it.
      const authenticator = new SoftwareAuthenticator();
      const { origin } = relyingParty();
      const registration = JSON.stringify(authenticator.register(await passkeyRegistrationOptions(context), { origin }));
      const asked = await addPasskey(context, registration).catch((error: unknown) => error);
      const addChallenge = asked instanceof AppError ? asked.details.challenge : undefined;
      if (!addChallenge) throw new Error("adding a passkey did not ask for step-up");
      await addPasskey({ ...context, proof: { challengeId: addChallenge.id, proofs: proofs(await latestCode(user.email)) } }, registration);
      const otherSession = await resolveSession(await db.$transaction((tx) => createSession(tx, user.id, meta)));
      if (!otherSession) throw new Error("no session");
      const other = { session: otherSession, meta };
      const passkeyRequest = { ...request, name: `${request.name}-passkey` };
      const passkeyChallenge = await startChallenge(other, "api_token.create", passkeyRequest);
      if (!passkeyChallenge.passkeyOptions) throw new Error("the challenge offered no passkey");
      const assertion = JSON.stringify(authenticator.authenticate(passkeyChallenge.passkeyOptions, { origin }));
      const passkeyProof = { challengeId: passkeyChallenge.id, proofs: { passkey: assertion } };
      await timed(withPasskeyMs, () =>
        counted(withPasskeyStatements, () => createApiToken({ ...other, proof: passkeyProof }, passkeyRequest)),
      );
    }
    await disconnectDb();
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
    console.log(
      JSON.stringify(
        {
          protectedActionWithCode: checkCost({ ...summary(withCodeMs), sqlStatements: percentile(withCodeStatements, 0.5) }),
          protectedActionWithPasskey: checkCost({ ...summary(withPasskeyMs), sqlStatements: percentile(withPasskeyStatements, 0.5) }),
          sameActionInSudoWindow: inSudoWindow,
        },
        null,
        2,
      ),
    );
  });
}

runScript(main);
