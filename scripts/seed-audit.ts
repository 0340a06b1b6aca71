// `npm run audit:seed -- --count=1000000`: synthetic audit events for trying the admin audit
// page at scale (development only). Writes to DATABASE_URL or, when it is not set, to the
// embedded Postgres of a running `npm run dev`.
//   --count=N            events to add (required)
//   --users=N            distinct actors, user-00000@bench.example … (default 2,000)
//   --days=N             spread over the last N days (default 90)
//   --ending-days-ago=N  …ending N days ago instead of now (default 0)
// The audit log is append-only: these rows stay until they are older than the retention you
// prune with (`npm run audit:prune`), or until you delete .data/postgres.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { Client } from "pg";
import { getEnv } from "@/lib/env";
import { seedSyntheticAuditEvents } from "@/tooling/synthetic-audit";

const DEV_DATA_DIR = path.join(process.cwd(), ".data", "postgres");
const DEV_DATABASE = "account_security"; // as scripts/dev.ts names it

const { values } = parseArgs({
  options: {
    count: { type: "string" },
    users: { type: "string", default: "2000" },
    days: { type: "string", default: "90" },
    "ending-days-ago": { type: "string", default: "0" },
  },
});

/** The embedded Postgres `npm run dev` is running, from its postmaster.pid (pid, …, port on line 4). */
function runningDevDatabaseUrl(): string | null {
  const pidFile = path.join(DEV_DATA_DIR, "postmaster.pid");
  if (!existsSync(pidFile)) return null;
  const lines = readFileSync(pidFile, "utf8").split("\n");
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || !Number.isInteger(port)) return null;
  try {
    process.kill(pid, 0);
  } catch {
    return null;
  }
  return `postgresql://postgres:postgres@127.0.0.1:${port}/${DEV_DATABASE}`;
}

async function main() {
  const env = getEnv();
  if (env.isProduction) throw new Error("Synthetic audit events are never seeded in production");
  const count = Number(values.count);
  if (!Number.isInteger(count) || count < 1 || count > 50_000_000) {
    throw new Error("Usage: npm run audit:seed -- --count=N [--users=2000] [--days=90] [--ending-days-ago=0]");
  }
  const url = env.DATABASE_URL ?? runningDevDatabaseUrl();
  if (!url) throw new Error("Set DATABASE_URL, or start `npm run dev` (its embedded Postgres is used when DATABASE_URL is not set)");

  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ exists: boolean }>("SELECT to_regclass('audit_events') IS NOT NULL AS exists");
    if (!rows[0]?.exists) throw new Error("No audit_events table: run `npm run db:migrate` (or `npm run dev`) first");
    const started = performance.now();
    const inserted = await seedSyntheticAuditEvents(client, {
      count,
      users: Number(values.users),
      days: Number(values.days),
      endingDaysAgo: Number(values["ending-days-ago"]),
      onProgress: (done, total) => process.stdout.write(`\r${done.toLocaleString("en")} / ${total.toLocaleString("en")} events`),
    });
    await client.query("ANALYZE audit_events");
    const where = new URL(url);
    console.log(
      `\nAdded ${inserted.toLocaleString("en")} synthetic audit events to ${where.host}${where.pathname} in ${((performance.now() - started) / 1000).toFixed(1)} s.`,
    );
  } finally {
    await client.end();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
