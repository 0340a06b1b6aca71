// `npm run dev`: zero-configuration development. Starts an embedded Postgres under .data/
// (unless DATABASE_URL is set), applies migrations, seeds the demo accounts, runs the app server (server/main.ts) in development mode.
import path from "node:path";
import { ConfigError } from "@/lib/env";
import { startDevStack } from "@/tooling/dev-stack";

async function main() {
  const { server, stop } = await startDevStack({
    dataDir: path.join(process.cwd(), ".data", "postgres"),
    persistent: true,
    database: "account_security",
  });
  server.on("exit", async (code) => {
    await stop();
    process.exit(code ?? 0);
  });
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
