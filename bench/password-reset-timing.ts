// `npm run bench:password-reset`: does "forgot password" for an address without an account take
// as long as for one with an account? Both alternately against a throwaway embedded Postgres
// (emails to the dev mailbox); one JSON report.
import { runScript, summary, timed, withThrowawayDatabase } from "./support";

const ROUNDS = 60;

async function main() {
  await withThrowawayDatabase("password-reset", async () => {
    const { db, disconnectDb } = await import("@/lib/db");
    const { requestPasswordReset } = await import("@/lib/password-reset/request");
    const emails = Array.from({ length: ROUNDS }, (_, i) => `bench-${i}@example.test`);
    await db.user.createMany({ data: emails.map((email) => ({ email, passwordHash: "unused", emailVerifiedAt: new Date() })) });

    const known: number[] = [];
    const unknown: number[] = [];
    const ask = (samples: number[], email: string, ip: string) =>
      timed(samples, () => requestPasswordReset(email, { ip, userAgent: "bench" }));
    await ask([], "warmup@example.test", "198.18.255.1");
    await ask([], emails[0] ?? "", "198.18.255.2");
    for (let i = 0; i < ROUNDS; i++) {
      // A fresh address and client address each round keeps the rate limits out of the measurement.
      const pair = [() => ask(unknown, `nobody-${i}@example.test`, `198.18.${i}.1`), () => ask(known, emails[i] ?? "", `198.18.${i}.2`)];
      for (const run of i % 2 ? pair : pair.reverse()) await run();
    }
    await disconnectDb();
    const report = { knownAddress: summary(known), unknownAddress: summary(unknown) };
    const medianRatio = Math.round((report.unknownAddress.medianMs / report.knownAddress.medianMs) * 100) / 100;
    console.log(JSON.stringify({ ...report, medianRatio }, null, 2));
  });
}

runScript(main);
