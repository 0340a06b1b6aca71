// `npm start`: validates production configuration (failing fast with one clear message),
// applies pending migrations, then serves the production build (server/main.ts).
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { migrate } from "@/lib/db/migrate";
import { ConfigError, getEnv } from "@/lib/env";
import { SERVER_BUNDLE, serverCommand, serverRuntimeEnv } from "./server-runtime";

async function main() {
  // `npm start` always means production: strict configuration, no dev mailbox, no demo data.
  Object.assign(process.env, { NODE_ENV: "production" });
  const env = getEnv();
  const { applied } = await migrate({ databaseUrl: env.DATABASE_URL ?? "" });
  if (applied.length) console.log(`Applied migrations: ${applied.join(", ")}`);
  const distDir = process.env.NEXT_DIST_DIR || ".next";
  if (!existsSync(path.join(distDir, SERVER_BUNDLE))) throw new Error(`no production build in ${distDir}: run npm run build first`);
  const { command, args } = serverCommand({ production: true, distDir });
  const server = spawn(command, args, { stdio: "inherit", env: serverRuntimeEnv({ ...process.env, NEXT_TELEMETRY_DISABLED: "1" }) });
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => server.kill(signal));
  server.on("exit", (code) => process.exit(code ?? 0));
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error instanceof Error ? `Startup failed: ${error.message}` : error);
  process.exit(1);
});
