// `npm run bench:step-up`: latency of a protected action (create an API token) sent with its
// step-up code, against the same action inside the sudo window that code opened, and how many
// SQL statements each takes; the difference is what checking the code costs in-process.
import pg from "pg";
import { proofs } from "@/tooling/app-client";
import { percentile, runScript, summary, timed, withThrowawayDatabase } from "./support";

const ROUNDS = 60;

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

    const withCodeMs: number[] = [];
    const inSudoMs: number[] = [];
    const withCodeStatements: number[] = [];
    const inSudoStatements: number[] = [];
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
    }
    await disconnectDb();
    console.log(
      JSON.stringify(
        {
          protectedActionWithCode: { ...summary(withCodeMs), sqlStatements: percentile(withCodeStatements, 0.5) },
          sameActionInSudoWindow: { ...summary(inSudoMs), sqlStatements: percentile(inSudoStatements, 0.5) },
        },
        null,
        2,
      ),
    );
  });
}

runScript(main);
