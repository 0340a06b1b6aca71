// Playwright's webServer: a throwaway embedded Postgres (migrated, demo accounts seeded) and
// `next dev` on port 3100, building into .next-e2e so it can run beside a developer's `npm run dev`.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { startDevStack } from "../scripts/dev-stack";

const DATA_DIR = path.join(process.cwd(), ".data");
// Tests read this to assert database state (see e2e/helpers/db.ts).
const DATABASE_URL_FILE = path.join(DATA_DIR, "e2e-database-url");

async function main() {
  const { next, databaseUrl, stop } = await startDevStack({
    dataDir: path.join(DATA_DIR, "e2e-postgres"),
    persistent: false,
    database: "account_security_e2e",
    env: { APP_URL: "http://localhost:3100", NEXT_DIST_DIR: ".next-e2e" },
  });
  mkdirSync(DATA_DIR, { recursive: true });
  writeFileSync(DATABASE_URL_FILE, databaseUrl);
  next.on("exit", async (code, signal) => {
    rmSync(DATABASE_URL_FILE, { force: true });
    await stop();
    process.exit(code ?? (signal ? 0 : 1));
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
