// `npm run dev`: zero-configuration development. Starts an embedded Postgres under .data/
// (unless DATABASE_URL is set), applies migrations, seeds the demo accounts, runs `next dev`.
import { spawn } from "node:child_process";
import path from "node:path";
import { Client } from "pg";
import { startEmbeddedPostgres, type EmbeddedDatabase } from "@/lib/db/embedded";
import { migrate } from "@/lib/db/migrate";
import { seedDemoAccounts } from "@/lib/auth/seed";
import { disconnectDb } from "@/lib/db";
import { ConfigError, getEnv, parseEnv } from "@/lib/env";

const DATABASE = "account_security";

async function main() {
  let embedded: EmbeddedDatabase | undefined;
  if (!parseEnv(process.env).DATABASE_URL) {
    embedded = await startEmbeddedPostgres({ dataDir: path.join(process.cwd(), ".data", "postgres"), persistent: true });
    await ensureDatabase(embedded.url(), DATABASE);
    process.env.DATABASE_URL = embedded.url(DATABASE);
    console.log(`▸ Embedded Postgres running (data in .data/postgres)`);
  }
  const env = getEnv();
  const databaseUrl = env.DATABASE_URL ?? "";
  const { applied } = await migrate({ databaseUrl });
  console.log(applied.length ? `▸ Applied migrations: ${applied.join(", ")}` : "▸ Database is up to date");
  const seeded = await seedDemoAccounts();
  await disconnectDb();
  if (seeded.length) console.log(`▸ Seeded demo accounts: ${seeded.join(", ")} (password: correct-horse-battery)`);
  console.log(env.devMailbox ? `▸ Emails go to the dev mailbox: ${env.APP_URL}/dev/mailbox` : "▸ Emails are sent with Resend");

  const port = new URL(env.APP_URL).port || "3000";
  const next = spawn(path.join(process.cwd(), "node_modules", ".bin", "next"), ["dev", "--port", port, ...process.argv.slice(2)], {
    stdio: "inherit",
    env: { ...process.env, DATABASE_URL: databaseUrl, NEXT_TELEMETRY_DISABLED: "1" },
  });
  const shutdown = (signal: NodeJS.Signals) => next.kill(signal);
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);
  next.on("exit", async (code) => {
    await embedded?.stop();
    process.exit(code ?? 0);
  });
}

async function ensureDatabase(adminUrl: string, name: string) {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (!rowCount) await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
