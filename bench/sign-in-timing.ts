// `npm run bench:sign-in`: does an unknown email take as long as a wrong password?
// Runs both paths alternately against a throwaway embedded Postgres and prints one JSON report.
import { randomBytes } from "node:crypto";
import path from "node:path";
import { Client } from "pg";
import { startEmbeddedPostgres } from "@/lib/db/embedded";
import { migrate } from "@/lib/db/migrate";

const ROUNDS = 40;

async function main() {
  const postgres = await startEmbeddedPostgres({ dataDir: path.join(process.cwd(), ".data", "bench-postgres"), persistent: false });
  try {
    const admin = new Client({ connectionString: postgres.url() });
    await admin.connect();
    await admin.query("CREATE DATABASE bench");
    await admin.end();
    process.env.DATABASE_URL = postgres.url("bench");
    await migrate({ databaseUrl: process.env.DATABASE_URL });

    const { db, disconnectDb } = await import("@/lib/db");
    const { hashPassword } = await import("@/lib/auth/password");
    const { signInWithPassword } = await import("@/lib/auth/sign-in");
    const passwordHash = await hashPassword("the-right-password-123");
    const emails = Array.from({ length: ROUNDS }, (_, i) => `bench-${i}@example.test`);
    await db.user.createMany({ data: emails.map((email) => ({ email, passwordHash, emailVerifiedAt: new Date() })) });

    const unknown: number[] = [];
    const wrong: number[] = [];
    const time = async (samples: number[], email: string, ip: string) => {
      const started = performance.now();
      await signInWithPassword({ email, password: "a-wrong-password-456" }, { ip, userAgent: "bench" });
      samples.push(performance.now() - started);
    };
    // Warm up both paths (argon2 dummy hash, query plans) before measuring.
    await time([], "warmup@example.test", "192.0.2.1");
    await time([], emails[0] ?? "", "192.0.2.1");
    for (let i = 0; i < ROUNDS; i++) {
      // A fresh account and IP each round keeps the rate limits out of the measurement.
      const ip = `198.18.${i}.${randomBytes(1)[0]}`;
      if (i % 2) {
        await time(unknown, `nobody-${i}@example.test`, ip);
        await time(wrong, emails[i] ?? "", `${ip}:b`);
      } else {
        await time(wrong, emails[i] ?? "", ip);
        await time(unknown, `nobody-${i}@example.test`, `${ip}:b`);
      }
    }
    await disconnectDb();
    const report = { rounds: ROUNDS, unknownEmail: stats(unknown), wrongPassword: stats(wrong), medianRatio: round(median(unknown) / median(wrong)) };
    console.log(JSON.stringify(report, null, 2));
  } finally {
    await postgres.stop();
  }
}

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

function stats(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  return { medianMs: round(median(samples)), p95Ms: round(sorted[Math.floor(sorted.length * 0.95)] ?? 0) };
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
