// `npm run bench:sign-in`: does an unknown email take as long as a wrong password?
// Runs both paths alternately against a throwaway embedded Postgres and prints one JSON report.
import { runScript, summary, timed, withThrowawayDatabase } from "./support";

const ROUNDS = 40;

async function main() {
  await withThrowawayDatabase("sign-in", async () => {
    const { db, disconnectDb } = await import("@/lib/db");
    const { hashPassword } = await import("@/lib/auth/password");
    const { signInWithPassword } = await import("@/lib/auth/sign-in");
    const passwordHash = await hashPassword("the-right-password-123");
    const emails = Array.from({ length: ROUNDS }, (_, i) => `bench-${i}@example.test`);
    await db.user.createMany({ data: emails.map((email) => ({ email, passwordHash, emailVerifiedAt: new Date() })) });

    const unknown: number[] = [];
    const wrong: number[] = [];
    const attempt = (samples: number[], email: string, ip: string) =>
      timed(samples, () => signInWithPassword({ email, password: "a-wrong-password-456" }, { ip, userAgent: "bench" }));
    // Warm up both paths (argon2's dummy hash, query plans) before measuring.
    await attempt([], "warmup@example.test", "198.18.255.1");
    await attempt([], emails[0] ?? "", "198.18.255.2");
    for (let i = 0; i < ROUNDS; i++) {
      // A fresh account and client address each round keeps the rate limits out of the measurement.
      const pair = [
        () => attempt(unknown, `nobody-${i}@example.test`, `198.18.${i}.1`),
        () => attempt(wrong, emails[i] ?? "", `198.18.${i}.2`),
      ];
      for (const run of i % 2 ? pair : pair.reverse()) await run();
    }
    await disconnectDb();
    const report = { unknownEmail: summary(unknown), wrongPassword: summary(wrong) };
    console.log(
      JSON.stringify(
        { ...report, medianRatio: Math.round((report.unknownEmail.medianMs / report.wrongPassword.medianMs) * 100) / 100 },
        null,
        2,
      ),
    );
  });
}

runScript(main);
