// Shared by `npm run bench` and `npm run bench:load`: a production build in its own dist dir,
// a throwaway migrated Postgres, a fake Resend on loopback, and N `next start` instances.
//
// Production configuration is used unchanged (lib/env.ts productionSchema). It demands an https
// APP_URL; the instances are served over plain http on loopback, so APP_URL is set to
// https://localhost:PORT. That only affects cookie `Secure` flags and the CSRF origin check of
// form posts, neither of which the HTTP measurements here (bearer-token GETs, static files) touch.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { Client } from "pg";
import { startEmbeddedPostgres, type EmbeddedDatabase } from "@/lib/db/embedded";
import { migrate } from "@/lib/db/migrate";
import { FakeResend } from "@/test/fixtures/fake-resend";

export const BENCH_DIST_DIR = ".next-bench";
const SOURCE_DIRS = ["app", "components", "lib", "generated"];
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

/** Builds the app for production into `.next-bench`, unless that build is newer than every source file. */
export function ensureProductionBuild(log: (line: string) => void = (line) => console.error(line)): { built: boolean; seconds: number } {
  const buildId = path.join(process.cwd(), BENCH_DIST_DIR, "BUILD_ID");
  if (existsSync(buildId) && statSync(buildId).mtimeMs > newestSourceMtime()) return { built: false, seconds: 0 };
  log(`building the app for production into ${BENCH_DIST_DIR} …`);
  const started = performance.now();
  const result = spawnSync(path.join(process.cwd(), "node_modules", ".bin", "next"), ["build"], {
    stdio: ["ignore", "inherit", "inherit"],
    env: { ...process.env, NODE_ENV: "production", NEXT_DIST_DIR: BENCH_DIST_DIR, NEXT_TELEMETRY_DISABLED: "1" },
  });
  if (result.status !== 0) throw new Error(`next build failed (exit ${result.status ?? result.signal})`);
  return { built: true, seconds: Math.round((performance.now() - started) / 100) / 10 };
}

export type ProdStack = {
  /** Base URLs of the `next start` instances. */
  urls: string[];
  /** Process ids of the `next start` processes (each the root of its own process tree). */
  pids: number[];
  databaseUrl: string;
  resend: FakeResend;
  stop: () => Promise<void>;
};

async function waitForHttp(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`next start for ${url} exited with ${child.exitCode}`);
    try {
      const response = await fetch(url, { redirect: "manual", signal: AbortSignal.timeout(2_000) });
      await response.arrayBuffer();
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms`);
}

/**
 * Starts Postgres (migrated, throwaway), a fake Resend and `instances` production servers on
 * ports basePort, basePort + 1, …. Also points this process's DATABASE_URL at the same database,
 * so the caller can prepare data (users, tokens) through the lib. Everything stops on `stop()`,
 * on SIGINT/SIGTERM, and on exit.
 */
export async function startProdStack(options: { instances: number; basePort: number; name: string }): Promise<ProdStack> {
  const children: ChildProcess[] = [];
  let postgres: EmbeddedDatabase | undefined;
  const resend = new FakeResend();
  let stopped = false;

  const killChildren = () => {
    for (const child of children) {
      // Each instance is a process-group leader (detached), so its workers go with it.
      if (child.pid && child.exitCode === null) {
        try {
          process.kill(-child.pid, "SIGTERM");
        } catch {
          // already gone
        }
      }
    }
  };
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    killChildren();
    await Promise.all(children.map((child) => (child.exitCode === null ? new Promise((resolve) => child.once("exit", resolve)) : undefined)));
    await resend.close().catch(() => undefined);
    await postgres?.stop();
  };
  const onSignal = (signal: NodeJS.Signals) => {
    void stop().finally(() => process.exit(signal === "SIGINT" ? 130 : 143));
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  process.once("exit", killChildren);

  try {
    postgres = await startEmbeddedPostgres({ dataDir: path.join(process.cwd(), ".data", `bench-${options.name}`), persistent: false });
    const admin = new Client({ connectionString: postgres.url() });
    await admin.connect();
    await admin.query("CREATE DATABASE bench");
    await admin.end();
    const databaseUrl = postgres.url("bench");
    await migrate({ databaseUrl });
    Object.assign(process.env, { DATABASE_URL: databaseUrl });
    const resendUrl = await resend.start();

    const secrets = { AUTH_SECRET: randomBytes(32).toString("base64url"), TOTP_ENCRYPTION_KEY: randomBytes(32).toString("base64") };
    const urls: string[] = [];
    for (let index = 0; index < options.instances; index++) {
      const port = options.basePort + index;
      const child = spawn(path.join(process.cwd(), "node_modules", ".bin", "next"), ["start", "-p", String(port), "-H", "127.0.0.1"], {
        detached: true,
        stdio: ["ignore", "ignore", "inherit"],
        env: {
          ...process.env,
          ...secrets,
          NODE_ENV: "production",
          NEXT_DIST_DIR: BENCH_DIST_DIR,
          NEXT_TELEMETRY_DISABLED: "1",
          DATABASE_URL: databaseUrl,
          APP_URL: `https://localhost:${port}`,
          RESEND_API_KEY: "re_bench_fake_key",
          RESEND_BASE_URL: resendUrl,
          EMAIL_FROM: "Account Security <security@bench.invalid>",
          LOG_LEVEL: "error",
        },
      });
      children.push(child);
      urls.push(`http://127.0.0.1:${port}`);
    }
    await Promise.all(urls.map((url, index) => waitForHttp(`${url}/login`, children[index]!, 120_000)));
    return { urls, pids: children.map((child) => child.pid ?? 0), databaseUrl, resend, stop };
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
export function sampleRss(pids: number[], intervalMs = 100): { stop: () => { peakBytes: number; peakLargestProcessBytes: number; processes: number; samples: number } } {
  let peakBytes = 0;
  let peakLargestProcessBytes = 0;
  let processes = 0;
  let samples = 0;
  const sample = () => {
    const trees = pids.map(treeRssBytes);
    peakBytes = Math.max(peakBytes, trees.reduce((sum, tree) => sum + tree.totalBytes, 0));
    peakLargestProcessBytes = Math.max(peakLargestProcessBytes, ...trees.map((tree) => tree.largestBytes));
    processes = Math.max(processes, trees.reduce((sum, tree) => sum + tree.processes, 0));
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
