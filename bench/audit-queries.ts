// `npm run bench:audit`: the admin audit page's and the activity page's data queries at 10k and at 1M events, and the CSV
// export of 1M rows (peak memory, rows/s). Prints one JSON report; flags any query whose 1M median
// is more than 2× its 10k median. Runs against a throwaway embedded Postgres.
//
// Two ways a log reaches 1M events, both measured against the same 10k baseline (10k events over
// the last 30 days, ~333 a day):
//   history — the same daily volume over ~8 years (990k older events added): the realistic growth;
//   dense   — 1M events all within the last 30 days (100× the daily volume): the stress case for
//             queries bounded by a time window (the chart's 30 days, the attention panel's 24 h).
// Options: --reps=N (samples per query, default 60), --big=N (default 1,000,000), --skip-dense, --skip-csv.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { Writable } from "node:stream";
import { parseArgs } from "node:util";
import pg from "pg";
import { percentile, runScript, summary, timed, withThrowawayDatabase } from "./support";

const { values: args } = parseArgs({
  options: {
    reps: { type: "string", default: "60" },
    big: { type: "string", default: "1000000" },
    "skip-dense": { type: "boolean", default: false },
    "skip-csv": { type: "boolean", default: false },
    "csv-child": { type: "boolean", default: false },
  },
});
const REPS = Math.max(5, Number(args.reps) || 60);
const MAX_MS_PER_QUERY = 8_000;
const USERS = 2_000;
const BASE_COUNT = 10_000;
const BIG_COUNT = Math.max(20_000, Number(args.big) || 1_000_000);
const BASE_DAYS = 30;

// The last statement the app sent that reads audit_events, to EXPLAIN it afterwards.
let capture = false;
let captured: { text: string; values: unknown[] } | null = null;
const query = pg.Client.prototype.query;
pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
  if (capture) {
    const [first, second] = args;
    const config = typeof first === "string" ? { text: first, values: second } : (first as { text?: string; values?: unknown });
    if (config.text?.includes("audit_events")) captured = { text: config.text, values: Array.isArray(config.values) ? config.values : [] };
  }
  return (query as (...a: unknown[]) => unknown).apply(this, args);
} as typeof query;

type QueryResult = {
  medianMs: number;
  p95Ms: number;
  samples: number;
  rows: number;
  db: { executionMs: number; buffers: number; plan: string } | null;
};
type Report = Record<string, QueryResult>;

const dayString = (daysAgo: number) => new Date(Date.now() - daysAgo * 86_400_000).toISOString().slice(0, 10);

async function main() {
  const started = performance.now();
  await withThrowawayDatabase("audit", async () => {
    const { seedSyntheticAuditEvents, syntheticEmail, syntheticOutcomeMix, syntheticUserId } = await import("@/tooling/synthetic-audit");
    const { listAuditEvents, listAccountActivity, countEventsPerDay, listAccountsNeedingAttention } = await import("@/lib/audit/query");
    const { AUDIT_GROUPS } = await import("@/shared/audit");
    const { disconnectDb } = await import("@/lib/db");
    type Filter = Parameters<typeof listAuditEvents>[0];
    type Group = keyof typeof AUDIT_GROUPS;

    const sql = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await sql.connect();
    const log = (line: string) => process.stderr.write(`${line}\n`);

    async function seed(count: number, days: number, endingDaysAgo: number) {
      const t = performance.now();
      await seedSyntheticAuditEvents(sql, {
        count,
        users: USERS,
        days,
        endingDaysAgo,
        seed: endingDaysAgo ? 0.17 : 0.42,
        onProgress: (n) => log(`  seeded ${n}/${count}`),
      });
      await sql.query("VACUUM (ANALYZE) audit_events");
      return Math.round(performance.now() - t);
    }

    async function explain(): Promise<QueryResult["db"]> {
      if (!captured) return null;
      const { rows } = await sql.query<{ "QUERY PLAN": [{ Plan: PlanNode; "Execution Time": number }] }>(
        `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${captured.text}`,
        captured.values,
      );
      const [result] = rows[0]?.["QUERY PLAN"] ?? [];
      if (!result) return null;
      return {
        executionMs: Math.round(result["Execution Time"] * 100) / 100,
        buffers: buffersOf(result.Plan),
        plan: planOutline(result.Plan),
      };
    }

    // The page's queries. `cursorMid` pages from the middle of the log (a deep page is as cheap as page 2).
    async function queries(): Promise<Record<string, () => Promise<number>>> {
      const page1 = await listAuditEvents({});
      const ids = await sql.query<{ created_at: Date; id: string }>(
        "SELECT created_at, id FROM audit_events ORDER BY created_at DESC, id DESC OFFSET (SELECT count(*) / 2 FROM audit_events) LIMIT 1",
      );
      const mid = ids.rows[0];
      const cursorMid = mid ? Buffer.from(`${mid.created_at.toISOString()}|${mid.id}`).toString("base64url") : undefined;
      const oneUser = syntheticEmail(USERS / 2).split("@")[0] + "@";
      const week: Filter = { from: dayString(13), to: dayString(7) };
      const list = (filter: Filter) => async () => (await listAuditEvents(filter)).events.length;
      // The activity page (/settings/activity): one account's own events, what it did and what was done to it.
      // Account 0 is the busiest of the skewed mix; USERS / 2 a typical one.
      const busy = syntheticUserId(0);
      const typical = syntheticUserId(USERS / 2);
      const busyPage1 = await listAccountActivity(busy, {});
      const activity = (accountId: string, options: Parameters<typeof listAccountActivity>[1]) => async () =>
        (await listAccountActivity(accountId, options)).events.length;
      const chart = (filter: Filter) => async () => (await countEventsPerDay(filter)).length;
      return {
        "list.default": list({}),
        "list.page2": list({ cursor: page1.nextCursor ?? undefined }),
        "list.deepPage": list({ cursor: cursorMid }),
        "list.email": list({ email: oneUser }),
        // ~100 addresses (more than are merged one by one): the planner's own plan.
        "list.emailPrefixBroad": list({ email: "user-001" }),
        ...Object.fromEntries(Object.keys(AUDIT_GROUPS).map((group) => [`list.group.${group}`, list({ group: group as Group })])),
        "list.outcome.SUCCESS": list({ outcome: "SUCCESS" }),
        "list.outcome.FAILURE": list({ outcome: "FAILURE" }),
        "list.outcome.BLOCKED": list({ outcome: "BLOCKED" }),
        "list.range7d": list(week),
        "list.combined.groupOutcomeRange": list({ group: "step_up", outcome: "FAILURE", from: dayString(29), to: dayString(0) }),
        "list.combined.emailOutcome": list({ email: oneUser, outcome: "FAILURE" }),
        "chart.default30d": chart({}),
        "chart.group": chart({ group: "sign_in" }),
        "chart.email": chart({ email: oneUser }),
        attention: async () => (await listAccountsNeedingAttention()).length,
        "activity.busyAccount": activity(busy, {}),
        "activity.busyAccount.page2": activity(busy, { cursor: busyPage1.nextCursor ?? undefined }),
        "activity.typicalAccount": activity(typical, {}),
        "activity.busyAccount.signIns": activity(busy, { category: "sign_in" }),
        "activity.busyAccount.adminActions": activity(busy, { category: "admin" }),
        "activity.typicalAccount.tokens": activity(typical, { category: "tokens" }),
      };
    }

    async function measure(label: string): Promise<Report> {
      const report: Report = {};
      for (const [name, run] of Object.entries(await queries())) {
        const samples: number[] = [];
        let rows = 0;
        for (let i = 0; i < 3; i++) rows = await run(); // warm-up: plans, caches
        const until = performance.now() + MAX_MS_PER_QUERY;
        while (samples.length < REPS && (samples.length < 10 || performance.now() < until)) await timed(samples, run);
        capture = true;
        captured = null;
        await run();
        capture = false;
        report[name] = { ...summary(samples), rows, db: await explain() };
        log(`  ${label} ${name}: median ${report[name].medianMs} ms, p95 ${report[name].p95Ms} ms`);
      }
      return report;
    }

    const compare = (base: Report, big: Report) =>
      Object.fromEntries(
        Object.entries(base).map(([name, small]) => {
          const large = big[name];
          const ratio = large ? Math.round((large.medianMs / small.medianMs) * 100) / 100 : NaN;
          const dbRatio =
            large?.db && small.db ? Math.round((large.db.executionMs / Math.max(small.db.executionMs, 0.01)) * 100) / 100 : null;
          const buffersRatio = large?.db && small.db ? Math.round((large.db.buffers / Math.max(small.db.buffers, 1)) * 100) / 100 : null;
          return [
            name,
            {
              at10k: { medianMs: small.medianMs, p95Ms: small.p95Ms, dbMs: small.db?.executionMs, buffers: small.db?.buffers },
              at1M: {
                medianMs: large?.medianMs,
                p95Ms: large?.p95Ms,
                dbMs: large?.db?.executionMs,
                buffers: large?.db?.buffers,
                plan: large?.db?.plan,
              },
              ratio,
              dbRatio,
              buffersRatio,
              ...(ratio > 2 ? { flagged: "1M median > 2× the 10k median" } : {}),
              ...(buffersRatio !== null && buffersRatio > 2 ? { dbWorkGrows: "Postgres touches > 2× the pages at 1M" } : {}),
            },
          ];
        }),
      );

    log(`seeding ${BASE_COUNT} events over the last ${BASE_DAYS} days`);
    const seed10k = await seed(BASE_COUNT, BASE_DAYS, 0);
    const base = await measure("10k");

    log(`history: adding ${BIG_COUNT - BASE_COUNT} older events at the same daily volume`);
    const historyDays = (BASE_DAYS * (BIG_COUNT - BASE_COUNT)) / BASE_COUNT;
    const seedHistory = await seed(BIG_COUNT - BASE_COUNT, historyDays, BASE_DAYS);
    const history = await measure("1M-history");

    log("csv export of every event (default V8 heap, then old space capped at 64 MB)");
    const csv = args["skip-csv"]
      ? null
      : {
          defaultHeap: await exportCsvInChildProcess([]),
          oldSpaceCappedAt64Mb: await exportCsvInChildProcess(["--max-old-space-size=64"]),
        };
    let dense: Report | null = null;
    let seedDense = 0;
    if (!args["skip-dense"]) {
      log(`dense: ${BIG_COUNT} events within the last ${BASE_DAYS} days`);
      // Only a throwaway database may do this: lift the append-only triggers to start over.
      await sql.query("ALTER TABLE audit_events DISABLE TRIGGER USER; TRUNCATE audit_events; ALTER TABLE audit_events ENABLE TRIGGER USER");
      seedDense = await seed(BIG_COUNT, BASE_DAYS, 0);
      dense = await measure("1M-dense");
    }

    await sql.end();
    await disconnectDb();
    const historyComparison = compare(base, history);
    const denseComparison = dense ? compare(base, dense) : null;
    type Row = { ratio: number; buffersRatio: number | null };
    const flagged = (comparison: Record<string, Row> | null) =>
      comparison
        ? Object.entries(comparison)
            .filter(([, row]) => row.ratio > 2)
            .map(([name, row]) => `${name} (${row.ratio}×)`)
        : [];
    const dbWorkGrows = (comparison: Record<string, Row> | null) =>
      comparison
        ? Object.entries(comparison)
            .filter(([, row]) => (row.buffersRatio ?? 0) > 2)
            .map(([name, row]) => `${name} (${row.buffersRatio}× pages)`)
        : [];
    console.log(
      JSON.stringify(
        {
          setup: {
            postgres: "embedded, throwaway (fsync off)",
            users: USERS,
            outcomeMix: syntheticOutcomeMix(),
            repsPerQuery: REPS,
            seedMs: { "10k": seed10k, history990k: seedHistory, dense1M: seedDense },
            note: "ratio = 1M median / 10k median, end to end through Prisma (flagged if > 2); dbRatio = the same for EXPLAIN ANALYZE execution time (sub-millisecond, noisy); buffers = shared pages hit+read by the query, buffersRatio = 1M/10k (deterministic: > 2 means the database work grows with the table)",
          },
          history: {
            description: "1M events at the 10k set's daily volume (~8 years)",
            flagged: flagged(historyComparison),
            dbWorkGrows: dbWorkGrows(historyComparison),
            queries: historyComparison,
          },
          dense: denseComparison && {
            description: "1M events within the last 30 days (100× the daily volume)",
            flagged: flagged(denseComparison),
            dbWorkGrows: dbWorkGrows(denseComparison),
            queries: denseComparison,
          },
          csvExport: csv,
          totalSeconds: Math.round((performance.now() - started) / 1000),
        },
        null,
        2,
      ),
    );
  });
}

type PlanNode = {
  "Node Type": string;
  "Index Name"?: string;
  "Shared Hit Blocks"?: number;
  "Shared Read Blocks"?: number;
  Plans?: PlanNode[];
};

function buffersOf(plan: PlanNode): number {
  return (plan["Shared Hit Blocks"] ?? 0) + (plan["Shared Read Blocks"] ?? 0);
}

function planOutline(plan: PlanNode): string {
  const node = `${plan["Node Type"]}${plan["Index Name"] ? ` (${plan["Index Name"]})` : ""}`;
  return plan.Plans?.length ? `${node} ← ${plan.Plans.map(planOutline).join(" + ")}` : node;
}

/**
 * The export runs in a process of its own (like a server handling the request) so its memory is
 * not mixed with the benchmark's: it imports only what the export route needs.
 */
async function exportCsvInChildProcess(nodeFlags: string[]): Promise<unknown> {
  const child = spawn(process.execPath, [...nodeFlags, ...process.execArgv, process.argv[1] ?? "", "--csv-child"], {
    env: process.env,
    stdio: ["ignore", "pipe", "inherit"],
  });
  let output = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
  const [code] = (await once(child, "exit")) as [number | null];
  if (code !== 0) throw new Error(`CSV export child exited with ${code}`);
  return JSON.parse(output);
}

/** Streams every event through the CSV serializer into a sink that drops the bytes. */
async function exportCsv() {
  const { auditCsvHeader, toCsvRows } = await import("@/lib/audit/csv");
  const { streamAuditEvents } = await import("@/lib/audit/query");
  const { disconnectDb } = await import("@/lib/db");
  const mb = (value: number) => Math.round((value / 2 ** 20) * 10) / 10;
  const log = (line: string) => process.stderr.write(`${line}\n`);
  let bytes = 0;
  const sink = new Writable({
    highWaterMark: 64 * 1024,
    write(chunk: Buffer, _encoding, callback) {
      bytes += chunk.length;
      setImmediate(callback);
    },
  });
  const write = async (text: string) => {
    if (!sink.write(text)) await once(sink, "drain");
  };
  // Baseline: modules loaded and the database connected, as in a server that has served a page.
  for await (const batch of streamAuditEvents({}, 10)) if (batch.length) break;
  const baselineRss = process.memoryUsage().rss;
  const rss: number[] = [baselineRss];
  const heap: number[] = [process.memoryUsage().heapUsed];
  const timer = setInterval(() => {
    const usage = process.memoryUsage();
    rss.push(usage.rss);
    heap.push(usage.heapUsed);
  }, 20);
  const t = performance.now();
  let rows = 0;
  await write(auditCsvHeader());
  for await (const batch of streamAuditEvents({})) {
    rows += batch.length;
    await write(toCsvRows(batch));
    if (rows % 100_000 < batch.length) log(`  csv ${rows} rows, rss ${mb(process.memoryUsage().rss)} MB`);
  }
  sink.end();
  clearInterval(timer);
  rss.push(process.memoryUsage().rss);
  const seconds = (performance.now() - t) / 1000;
  await disconnectDb();
  return {
    serializer: "lib/audit/csv.ts (auditCsvHeader, toCsvRows), streamAuditEvents batches of 1,000",
    rows,
    megabytes: mb(bytes),
    seconds: Math.round(seconds * 10) / 10,
    rowsPerSecond: Math.round(rows / seconds),
    baselineRssMb: mb(baselineRss),
    peakRssMb: mb(Math.max(...rss)),
    p50RssMb: mb(percentile(rss, 0.5)),
    peakGrowthOverBaselineMb: mb(Math.max(...rss) - baselineRss),
    peakHeapUsedMb: mb(Math.max(...heap)),
    under200MbTotal: Math.max(...rss) < 200 * 2 ** 20,
    exportGrowthUnder200Mb: Math.max(...rss) - baselineRss < 200 * 2 ** 20,
  };
}

runScript(args["csv-child"] ? async () => console.log(JSON.stringify(await exportCsv())) : main);
