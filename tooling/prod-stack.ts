// A production build in its own dist dir (exactly what `npm run build` makes), a throwaway migrated
// Postgres, a fake Resend on loopback, and N production servers (server/main.ts, as `npm start`
// runs it) sharing them: used by `npm run bench`, `npm run bench:load` and `npm run test:instances`.
//
// Production configuration is used unchanged (lib/env.ts productionSchema), so APP_URL must be
// https. All instances share one APP_URL, as behind a load balancer, while each listens over plain
// http on 127.0.0.1:PORT. A client posting forms must therefore send `Origin: APP_URL` plus the
// `X-Forwarded-Host` and `X-Forwarded-Proto` a load balancer would add (tooling/app-client.ts does).
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { Client } from "pg";
import { migrate } from "@/lib/db/migrate";
import { serverCommand, serverRuntimeEnv } from "@/scripts/server-runtime";
import { startEmbeddedPostgres, type EmbeddedDatabase } from "@/tooling/embedded-postgres";
import { FakeResend } from "@/tooling/fake-resend";

// PROD_DIST_DIR keeps the builds of two benchmarks running at once apart.
export const PROD_DIST_DIR = process.env.PROD_DIST_DIR || ".next-prod";
// Written into the build, so a build made another way (e.g. an older one with extra routes) is not reused.
const BUILD_STAMP = JSON.stringify({ made: "next build", distDir: PROD_DIST_DIR });
/** The public origin every instance is configured with unless the caller names another. */
const DEFAULT_APP_URL = "https://app.localhost";
const SOURCE_DIRS = ["app", "components", "actions", "lib", "shared", "generated"];
const SOURCE_FILES = ["next.config.js", "proxy.ts", "instrumentation.ts", "postcss.config.mjs"];

function newestSourceMtime(): number {
  let newest = 0;
  const visit = (entry: string) => {
    if (!existsSync(entry)) return;
    const stat = statSync(entry);
    if (stat.isDirectory()) {
      for (const child of readdirSync(entry)) visit(path.join(entry, child));
    } else {
      newest = Math.max(newest, stat.mtimeMs);
    }
  };
  for (const entry of [...SOURCE_DIRS, ...SOURCE_FILES]) visit(path.join(process.cwd(), entry));
  return newest;
}

/**
 * Builds the app for production into `.next-prod`, unless that build is newer than every source
 * file and was made with the same build-time variables.
 */
export function ensureProductionBuild(log: (line: string) => void = (line) => console.error(line)): { built: boolean; seconds: number } {
  const dist = path.join(process.cwd(), PROD_DIST_DIR);
  const buildId = path.join(dist, "BUILD_ID");
  const stampFile = path.join(dist, "build-stamp.json");
  const fresh =
    existsSync(buildId) &&
    statSync(buildId).mtimeMs > newestSourceMtime() &&
    existsSync(stampFile) &&
    readFileSync(stampFile, "utf8") === BUILD_STAMP;
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: "production", NEXT_DIST_DIR: PROD_DIST_DIR, NEXT_TELEMETRY_DISABLED: "1" };
  // As `npm run build` ends: the server's own bundle, a second's work, made afresh every time.
  const bundleServer = () => run(process.execPath, ["--import", "tsx/esm", "scripts/build-server.ts"], env, "bundling the server");
  if (fresh) {
    bundleServer();
    return { built: false, seconds: 0 };
  }
  log(`building the app for production into ${PROD_DIST_DIR} …`);
  const started = performance.now();
  run(path.join(process.cwd(), "node_modules", ".bin", "next"), ["build"], env, "next build");
  bundleServer();
  writeFileSync(stampFile, BUILD_STAMP);
  return { built: true, seconds: Math.round((performance.now() - started) / 100) / 10 };
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv, what: string): void {
  // Progress goes to stderr: a benchmark's stdout is its JSON report alone.
  const result = spawnSync(command, args, { stdio: ["ignore", process.stderr, process.stderr], env });
  if (result.status !== 0) throw new Error(`${what} failed (exit ${result.status ?? result.signal})`);
}

export type ProdStack = {
  /** Base URLs of the production servers (plain http on loopback). */
  urls: string[];
  /** The public origin all instances share (their APP_URL). */
  appUrl: string;
  /** Process ids of the server processes (each the root of its own process tree). */
  pids: number[];
  databaseUrl: string;
  resend: FakeResend;
  /** Everything instance `index` has printed so far (stdout and stderr); its stderr also goes to this process's. */
  output: (index: number) => string;
  /** Stops instance `index` and starts it again (same port and settings): nothing it held in memory survives. */
  restart: (index: number) => Promise<void>;
  stop: () => Promise<void>;
};

export type ProdStackOptions = {
  instances: number;
  /** Instance i listens on basePort + i. */
  basePort: number;
  /** Names the throwaway Postgres data dir (`.data/prod-<name>`). */
  name: string;
  /** Shared APP_URL (https); default DEFAULT_APP_URL. */
  appUrl?: string;
  /** Extra environment for every instance, e.g. `{ LOG_LEVEL: "warn" }` (default LOG_LEVEL: error). */
  env?: Record<string, string>;
};

const STOP_GRACE_MS = 5_000;

async function waitForHttp(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the server for ${url} exited with ${child.exitCode}`);
    try {
      const response = await fetch(url, { redirect: "manual", signal: AbortSignal.timeout(2_000) });
      await response.arrayBuffer();
      return;
    } catch {
      await sleep(250);
    }
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms`);
}

/** A leftover server on the port would answer in place of the new one, which then fails to bind. */
async function assertPortFree(port: number): Promise<void> {
  const inUse = await fetch(`http://127.0.0.1:${port}/`, { redirect: "manual", signal: AbortSignal.timeout(2_000) }).then(
    async (response) => (await response.arrayBuffer(), true),
    () => false,
  );
  if (inUse) throw new Error(`port ${port} is already in use`);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves once `child` has exited, or after `ms` (false). */
function exited(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/**
 * Starts Postgres (migrated, throwaway), a fake Resend and `instances` production servers on
 * ports basePort, basePort + 1, …, all with the same APP_URL and secrets. Also points this
 * process's DATABASE_URL, AUTH_SECRET and TOTP_ENCRYPTION_KEY at the same values, so the caller
 * can prepare data (users, tokens) through the lib as one more instance would. Everything stops
 * on `stop()`, on SIGINT/SIGTERM, and on exit.
 */
export async function startProdStack(options: ProdStackOptions): Promise<ProdStack> {
  const children: ChildProcess[] = [];
  const outputs: string[] = [];
  let postgres: EmbeddedDatabase | undefined;
  const resend = new FakeResend();
  const appUrl = new URL(options.appUrl ?? DEFAULT_APP_URL).origin;
  let stopped = false;

  const signalChildren = (signal: NodeJS.Signals) => {
    for (const child of children) {
      // Each instance is a process-group leader (detached), so its workers go with it.
      if (child.pid && child.exitCode === null && child.signalCode === null) {
        try {
          process.kill(-child.pid, signal);
        } catch {
          // already gone
        }
      }
    }
  };
  const killChildren = () => signalChildren("SIGTERM");
  const onSignal = (signal: NodeJS.Signals) => {
    void stop().finally(() => process.exit(signal === "SIGINT" ? 130 : 143));
  };
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    killChildren();
    const all = await Promise.all(children.map((child) => exited(child, STOP_GRACE_MS)));
    if (all.includes(false)) {
      signalChildren("SIGKILL");
      await Promise.all(children.map((child) => exited(child, STOP_GRACE_MS)));
    }
    process.off("exit", killChildren);
    await resend.close().catch(() => undefined);
    await postgres?.stop();
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  process.once("exit", killChildren);

  try {
    const ports = Array.from({ length: options.instances }, (_, index) => options.basePort + index);
    await Promise.all(ports.map(assertPortFree));
    postgres = await startEmbeddedPostgres({ dataDir: path.join(process.cwd(), ".data", `prod-${options.name}`), persistent: false });
    const admin = new Client({ connectionString: postgres.url() });
    await admin.connect();
    await admin.query("CREATE DATABASE app");
    await admin.end();
    const databaseUrl = postgres.url("app");
    await migrate({ databaseUrl });
    const resendUrl = await resend.start();

    const shared = {
      DATABASE_URL: databaseUrl,
      AUTH_SECRET: randomBytes(32).toString("base64url"),
      TOTP_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
    };
    Object.assign(process.env, shared);
    const spawnInstance = (index: number, port: number) => {
      const { command, args } = serverCommand({ production: true, distDir: PROD_DIST_DIR });
      const child = spawn(command, args, {
        detached: true,
        stdio: ["ignore", "pipe", "pipe"],
        // As `npm start` runs it (scripts/start.ts), memory settings included.
        env: serverRuntimeEnv({
          ...process.env,
          ...shared,
          NODE_ENV: "production",
          NEXT_DIST_DIR: PROD_DIST_DIR,
          NEXT_TELEMETRY_DISABLED: "1",
          APP_URL: appUrl,
          RESEND_API_KEY: "re_prod_stack_fake_key",
          RESEND_BASE_URL: resendUrl,
          EMAIL_FROM: "Account Security <security@prod-stack.invalid>",
          LOG_LEVEL: "error",
          HOST: "127.0.0.1",
          PORT: String(port),
          // As behind the load balancer this stack stands in for (tooling/app-client.ts sends its headers).
          TRUSTED_PROXIES: "1",
          ...options.env,
        }),
      });
      children[index] = child;
      outputs[index] ??= "";
      child.stdout?.on("data", (chunk: Buffer) => (outputs[index] += chunk.toString("utf8")));
      child.stderr?.on("data", (chunk: Buffer) => {
        outputs[index] += chunk.toString("utf8");
        process.stderr.write(chunk);
      });
      return child;
    };
    const urls = ports.map((port) => `http://127.0.0.1:${port}`);
    ports.forEach((port, index) => spawnInstance(index, port));
    await Promise.all(urls.map((url, index) => waitForHttp(`${url}/login`, children[index]!, 120_000)));
    return {
      urls,
      appUrl,
      get pids() {
        return children.map((child) => child.pid ?? 0);
      },
      databaseUrl,
      resend,
      output: (index) => outputs[index] ?? "",
      async restart(index) {
        const child = children[index];
        const port = ports[index];
        if (!child?.pid || port === undefined) throw new Error(`no instance ${index}`);
        process.kill(-child.pid, "SIGTERM");
        if (!(await exited(child, STOP_GRACE_MS))) process.kill(-child.pid, "SIGKILL");
        await exited(child, STOP_GRACE_MS);
        await waitForHttp(`${urls[index]}/login`, spawnInstance(index, port), 120_000);
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Resident memory (bytes) of a process and all its descendants, from /proc, and of the largest one. */
export function treeRssBytes(rootPid: number): { totalBytes: number; largestBytes: number; processes: number } {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const parent = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
    } catch {
      // exited while we looked
    }
  }
  let total = 0;
  let largest = 0;
  let processes = 0;
  const queue = [rootPid];
  while (queue.length) {
    const pid = queue.pop()!;
    try {
      const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
      const bytes = Number(match?.[1] ?? 0) * 1024;
      total += bytes;
      largest = Math.max(largest, bytes);
      processes += 1;
    } catch {
      // exited while we looked
    }
    queue.push(...(children.get(pid) ?? []));
  }
  return { totalBytes: total, largestBytes: largest, processes };
}

/** Samples the peak RSS of the given process trees every `intervalMs` until `stop()` is called. */
export function sampleRss(
  pids: number[],
  intervalMs = 100,
): { stop: () => { peakBytes: number; peakLargestProcessBytes: number; processes: number; samples: number } } {
  let peakBytes = 0;
  let peakLargestProcessBytes = 0;
  let processes = 0;
  let samples = 0;
  const sample = () => {
    const trees = pids.map(treeRssBytes);
    peakBytes = Math.max(
      peakBytes,
      trees.reduce((sum, tree) => sum + tree.totalBytes, 0),
    );
    peakLargestProcessBytes = Math.max(peakLargestProcessBytes, ...trees.map((tree) => tree.largestBytes));
    processes = Math.max(
      processes,
      trees.reduce((sum, tree) => sum + tree.processes, 0),
    );
    samples += 1;
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  return {
    stop: () => {
      clearInterval(timer);
      sample();
      return { peakBytes, peakLargestProcessBytes, processes, samples };
    },
  };
}
