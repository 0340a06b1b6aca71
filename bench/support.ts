// Shared by the measurement scripts: a throwaway migrated Postgres or production server, and summary statistics.
import path from "node:path";
import { Client } from "pg";
import { migrate } from "@/lib/db/migrate";
import { startEmbeddedPostgres } from "@/tooling/embedded-postgres";
import { startProdStack, type ProdStack } from "@/tooling/prod-stack";

/** Starts an embedded Postgres, migrates a fresh database and points DATABASE_URL at it. */
export async function withThrowawayDatabase<T>(name: string, run: () => Promise<T>): Promise<T> {
  const postgres = await startEmbeddedPostgres({ dataDir: path.join(process.cwd(), ".data", `bench-${name}`), persistent: false });
  try {
    const admin = new Client({ connectionString: postgres.url() });
    await admin.connect();
    await admin.query("CREATE DATABASE bench");
    await admin.end();
    Object.assign(process.env, { DATABASE_URL: postgres.url("bench") });
    await migrate({ databaseUrl: postgres.url("bench") });
    return await run();
  } finally {
    await postgres.stop();
  }
}

/** One production server (the build must exist) with its own Postgres; both stopped however `run` ends. */
export async function withProdServer<T>(name: string, basePort: number, run: (stack: ProdStack) => Promise<T>): Promise<T> {
  const stack = await startProdStack({ instances: 1, basePort, name });
  try {
    return await run(stack);
  } finally {
    const { disconnectDb } = await import("@/lib/db");
    await disconnectDb();
    await stack.stop();
  }
}

/** A script's entry: a failure is printed and fails the process. */
export function runScript(main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}

export function percentile(samples: number[], fraction: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))] ?? 0;
}

export function summary(samples: number[]) {
  const round = (value: number) => Math.round(value * 100) / 100;
  return { medianMs: round(percentile(samples, 0.5)), p95Ms: round(percentile(samples, 0.95)), samples: samples.length };
}

export async function timed<T>(samples: number[], run: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    return await run();
  } finally {
    samples.push(performance.now() - started);
  }
}

/** A load report for printing: the per-user flow times summarised, all and by proof. */
export function loadSummary<Report extends { flowMs: number[]; flowMsByProof: Record<string, number[]> }>({
  flowMs,
  flowMsByProof,
  ...report
}: Report) {
  const spread = (samples: number[]) => ({ ...summary(samples), maxMs: percentile(samples, 1) });
  return {
    ...report,
    perUserFlowMs: spread(flowMs),
    perUserFlowMsByProof: Object.fromEntries(Object.entries(flowMsByProof).map(([proof, samples]) => [proof, spread(samples)])),
  };
}
