// Shared by `npm run dev` (scripts/dev.ts) and the end-to-end server (e2e/server.ts): a migrated,
// seeded database (embedded unless DATABASE_URL is set) and the app's server (server/main.ts) in
// development mode wired to it.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import path from "node:path";
import { Client } from "pg";
import { disconnectDb } from "@/lib/db";
import { migrate } from "@/lib/db/migrate";
import { getEnv, parseEnv } from "@/lib/env";
import { serverCommand } from "@/scripts/server-runtime";
import { seedDemoAccounts } from "@/tooling/demo-accounts";
import { startEmbeddedPostgres } from "@/tooling/embedded-postgres";

export type DevStackOptions = {
  /** Where embedded Postgres keeps its files (used only when DATABASE_URL is not set). */
  dataDir: string;
  persistent: boolean;
  database: string;
  /** Extra environment for the server, e.g. APP_URL or NEXT_DIST_DIR. Applied before config is read. */
  env?: Record<string, string>;
  log?: (line: string) => void;
};

const STOP_TIMEOUT_MS = 10_000;

export async function startDevStack(
  options: DevStackOptions,
): Promise<{ server: ChildProcess; databaseUrl: string; stop: () => Promise<void> }> {
  const log = options.log ?? console.log;
  Object.assign(process.env, options.env);
  let stopDatabase = async () => {};
  if (!parseEnv(process.env).DATABASE_URL) {
    const postgres = await startEmbeddedPostgres({ dataDir: options.dataDir, persistent: options.persistent });
    stopDatabase = () => stopWithin(() => postgres.stop(), options);
    await createDatabaseIfMissing(postgres.url(), options.database);
    Object.assign(process.env, { DATABASE_URL: postgres.url(options.database) });
    log(`▸ Embedded Postgres running (data in ${path.relative(process.cwd(), options.dataDir)})`);
  }
  const env = getEnv();
  const databaseUrl = env.DATABASE_URL ?? "";
  const { applied } = await migrate({ databaseUrl });
  log(applied.length ? `▸ Applied migrations: ${applied.join(", ")}` : "▸ Database is up to date");
  const seeded = await seedDemoAccounts();
  await disconnectDb();
  if (seeded.length) log(`▸ Seeded demo accounts: ${seeded.join(", ")} (password: correct-horse-battery)`);
  log(env.devMailbox ? `▸ Emails go to the dev mailbox: ${env.APP_URL}/dev/mailbox` : "▸ Emails are sent with Resend");

  const { command, args } = serverCommand({ production: false });
  const server = spawn(command, args, {
    stdio: "inherit",
    env: { ...process.env, NODE_ENV: "development", DATABASE_URL: databaseUrl, NEXT_TELEMETRY_DISABLED: "1" },
  });
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () =>
      server.exitCode === null && server.signalCode === null ? server.kill(signal) : void stopDatabase().then(() => process.exit(0)),
    );
  }
  return { server, databaseUrl, stop: () => stopDatabase() };
}

async function createDatabaseIfMissing(adminUrl: string, name: string): Promise<void> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (!rowCount) await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
}

/** A signal to the whole process group may have stopped postgres already; then `stop()` would wait forever. */
async function stopWithin(stop: () => Promise<void>, options: DevStackOptions): Promise<void> {
  if (!existsSync(path.join(options.dataDir, "postmaster.pid"))) {
    if (!options.persistent) rmSync(options.dataDir, { recursive: true, force: true });
    return;
  }
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([stop().catch(() => {}), new Promise<void>((resolve) => (timer = setTimeout(resolve, STOP_TIMEOUT_MS)))]);
  clearTimeout(timer);
  if (!options.persistent) rmSync(options.dataDir, { recursive: true, force: true });
}
