// Playwright's webServer: a throwaway embedded Postgres (migrated, demo accounts seeded) and
// the development server (as `npm run dev` runs it) on port 3100, building into .next-e2e so it can run beside a developer's `npm run dev`.
//
// Everything the stack prints (the server's stdout and stderr included) is also appended to
// .data/e2e-server.log, so tests can read the server's logs (the secrets sweep does). For that this
// file runs twice: the first process re-runs itself as a child with piped output and copies each
// chunk to its own stdout/stderr and to the log; the child starts the stack.
import { spawn } from "node:child_process";
import { createWriteStream, mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { startDevStack } from "../tooling/dev-stack";

const DATA_DIR = path.join(process.cwd(), ".data");
// Tests read this to assert database state (see e2e/helpers/db.ts).
const DATABASE_URL_FILE = path.join(DATA_DIR, "e2e-database-url");
// Tests read this to search the server's output (see e2e/helpers/server-log.ts).
const SERVER_LOG_FILE = path.join(DATA_DIR, "e2e-server.log");
const ROLE_VARIABLE = "E2E_SERVER_ROLE";

async function runStack() {
  const { server, databaseUrl, stop } = await startDevStack({
    dataDir: path.join(DATA_DIR, "e2e-postgres"),
    persistent: false,
    database: "account_security_e2e",
    env: { APP_URL: "http://localhost:3100", NEXT_DIST_DIR: ".next-e2e" },
  });
  mkdirSync(DATA_DIR, { recursive: true });
  writeFileSync(DATABASE_URL_FILE, databaseUrl);
  server.on("exit", async (code, signal) => {
    rmSync(DATABASE_URL_FILE, { force: true });
    await stop();
    process.exit(code ?? (signal ? 0 : 1));
  });
}

/** Runs this same file (same node flags, tsx's loader included) as the stack, teeing its output. */
function runTee() {
  mkdirSync(DATA_DIR, { recursive: true });
  const log = createWriteStream(SERVER_LOG_FILE, { flags: "a" });
  log.write(`\n--- e2e server starting at ${new Date().toISOString()} (pid ${process.pid}) ---\n`);
  const stack = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    env: { ...process.env, [ROLE_VARIABLE]: "stack" },
    stdio: ["inherit", "pipe", "pipe"],
  });
  stack.stdout.on("data", (chunk: Buffer) => {
    process.stdout.write(chunk);
    log.write(chunk);
  });
  stack.stderr.on("data", (chunk: Buffer) => {
    process.stderr.write(chunk);
    log.write(chunk);
  });
  // Playwright (gracefulShutdown) and a terminal's Ctrl+C signal the whole process group, so the
  // stack gets the signal itself and shuts down in its own order; this process only waits for it.
  // A signal sent to this process alone is passed on once it repeats, so a plain `kill` twice works.
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    let received = 0;
    process.on(signal, () => {
      if (++received > 1 && stack.exitCode === null && stack.signalCode === null) stack.kill(signal);
    });
  }
  stack.on("exit", (code, signal) => {
    const finish = () => log.end(() => process.exit(code ?? (signal ? 0 : 1)));
    // Let the pipes drain ("close"), but don't wait long on a grandchild that still holds them open.
    const timer = setTimeout(finish, 2_000);
    stack.once("close", () => {
      clearTimeout(timer);
      finish();
    });
  });
}

if (process.env[ROLE_VARIABLE] === "stack") {
  runStack().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
} else {
  runTee();
}
