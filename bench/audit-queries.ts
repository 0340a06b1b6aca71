// `npm run bench:audit`: the admin audit page's and the activity page's data queries at 10k and at 10M events, and the CSV
// export of 1M rows (peak memory, rows/s). Prints one JSON report; flags any query whose big
// median is more than 2× its 10k median. Runs against a throwaway embedded Postgres.
//
// Two ways a log grows from the 10k baseline (10k events over the last 30 days, ~333 a day), one
// after the other in the same database, each measured against the same baseline:
//   history — --big events in all (default 10M): the 9.99M added spread over the --history-days
//             (default 8 years) before the last 30 days, which keep their 10k;
//   dense   — then --dense events (default 1M) within the last 30 days (100× the daily volume,
//             11M in all): the stress case for queries bounded by a time window (the chart's 30
//             days, the attention panel's 24 h).
// The roll-up job (lib/audit/rollups.ts) runs after each seeding, timed, and before each query is
// measured, as its every-minute schedule would.
// Options: --reps=N (samples per query, default 60), --big=N, --history-days=N, --dense=N,
// --csv-rows=N (default 1,000,000), --skip-dense, --skip-csv.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { Writable } from "node:stream";
import { parseArgs } from "node:util";
import pg from "pg";
import { percentile, runScript, summary, timed, withThrowawayDatabase } from "./support";

const { values: args } = parseArgs({
  options: {
    reps: { type: "string", default: "60" },
    big: { type: "string", default: "10000000" },
    "history-days": { type: "string", default: "2920" },
    dense: { type: "string", default: "1000000" },
    "csv-rows": { type: "string", default: "1000000" },
    "skip-dense": { type: "boolean", default: false },
    "skip-csv": { type: "boolean", default: false },
    "csv-child": { type: "boolean", default: false },
  },
});
const REPS = Math.max(5, Number(args.reps) || 60);
const MAX_MS_PER_QUERY = 8_000;
const USERS = 2_000;
const BASE_COUNT = 10_000;
const BIG_COUNT = Math.max(20_000, Number(args.big) || 10_000_000);
const HISTORY_DAYS = Math.max(1, Number(args["history-days"]) || 2920);
const DENSE_COUNT = Math.max(20_000, Number(args.dense) || 1_000_000);
const CSV_ROWS = Math.max(1_000, Number(args["csv-rows"]) || 1_000_000);
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
    const { rollUpAuditEvents } = await import("@/lib/audit/rollups");
    const { readAuditFeed, FEED_ORIGIN } = await import("@/lib/audit/query");
    const { createAuditMonths } = await import("@/lib/audit/partitions");
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
      const seedMs = Math.round(performance.now() - t);
      await sql.query("VACUUM (ANALYZE) audit_events");
      const vacuumMs = Math.round(performance.now() - t) - seedMs;
      // What the job does on its next run: fold everything just written into the counts.
      const r = performance.now();
      const rolled = await rollUpAuditEvents();
      await createAuditMonths(); // the hourly job: seals the months that have ended (the feed skips them)
      const rollupMs = Math.round(performance.now() - r);
      await sql.query("VACUUM (ANALYZE) audit_event_counts, audit_attention_window, audit_rollup_state");
      log(`  seeded in ${seedMs} ms, vacuum ${vacuumMs} ms, roll-up of ${rolled.counted} events in ${rollupMs} ms`);
      return { seedMs, vacuumMs, rollupMs, rolledUp: rolled.counted };
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
      // The feed (API pulls with `after`, the stream's deliverer): by transaction id, which says
      // nothing of created_at, so every month's (tx_id, id) index is read.
      const nearEnd = await sql.query<{ tx_id: string; id: string }>(
        "SELECT tx_id::text, id::text FROM audit_events ORDER BY tx_id DESC, id DESC OFFSET 1000 LIMIT 1",
      );
      const recent = nearEnd.rows[0] ? { txId: BigInt(nearEnd.rows[0].tx_id), id: BigInt(nearEnd.rows[0].id) } : FEED_ORIGIN;
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
        // The chart and the panel as they were before the roll-ups (every event of the window
        // counted), sent as is for comparison: the "before" figures of the same run.
        "before.chart.default30d.scan": async () => (await sql.query(CHART_SCAN_BEFORE, [dayString(29), dayString(0)])).rowCount ?? 0,
        "before.attention.scan": async () => (await sql.query(ATTENTION_SCAN_BEFORE)).rowCount ?? 0,
        "chart.group": chart({ group: "sign_in" }),
        "chart.email": chart({ email: oneUser }),
        attention: async () => (await listAccountsNeedingAttention()).length,
        "activity.busyAccount": activity(busy, {}),
        "activity.busyAccount.page2": activity(busy, { cursor: busyPage1.nextCursor ?? undefined }),
        "activity.typicalAccount": activity(typical, {}),
        "activity.busyAccount.signIns": activity(busy, { category: "sign_in" }),
        "activity.busyAccount.adminActions": activity(busy, { category: "admin" }),
        "activity.typicalAccount.tokens": activity(typical, { category: "tokens" }),
        "feed.recent100": async () => (await readAuditFeed(recent, 100)).events.length,
        "feed.origin1000": async () => (await readAuditFeed(FEED_ORIGIN, 1000)).events.length,
      };
    }

    async function measure(label: string): Promise<Report> {
      const report: Report = {};
      for (const [name, run] of Object.entries(await queries())) {
        const samples: number[] = [];
        let rows = 0;
        await rollUpAuditEvents(); // the every-minute job: nothing new to count, the attention window rebuilt
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
              atBig: {
                medianMs: large?.medianMs,
                p95Ms: large?.p95Ms,
                dbMs: large?.db?.executionMs,
                buffers: large?.db?.buffers,
                plan: large?.db?.plan,
              },
              ratio,
              dbRatio,
              buffersRatio,
              ...(ratio > 2 ? { flagged: "big median > 2× the 10k median" } : {}),
              ...(buffersRatio !== null && buffersRatio > 2 ? { dbWorkGrows: "Postgres touches > 2× the pages at the big size" } : {}),
            },
          ];
        }),
      );

    log(`seeding ${BASE_COUNT} events over the last ${BASE_DAYS} days`);
    const seed10k = await seed(BASE_COUNT, BASE_DAYS, 0);
    const base = await measure("10k");

    log(`history: adding ${BIG_COUNT - BASE_COUNT} older events over ${HISTORY_DAYS} days`);
    const seedHistory = await seed(BIG_COUNT - BASE_COUNT, HISTORY_DAYS, BASE_DAYS);
    const history = await measure("big-history");

    log(`csv export of the newest ${CSV_ROWS} events (default V8 heap, then old space capped at 64 MB)`);
    const csv = args["skip-csv"]
      ? null
      : {
          defaultHeap: await exportCsvInChildProcess([]),
          oldSpaceCappedAt64Mb: await exportCsvInChildProcess(["--max-old-space-size=64"]),
        };
    let dense: Report | null = null;
    let seedDense: Awaited<ReturnType<typeof seed>> | null = null;
    if (!args["skip-dense"]) {
      log(`dense: adding ${DENSE_COUNT - BASE_COUNT} events within the last ${BASE_DAYS} days`);
      seedDense = await seed(DENSE_COUNT - BASE_COUNT, BASE_DAYS, 0);
      dense = await measure("big-dense");
    }
    const total = (await sql.query<{ total: string }>("SELECT count(*)::text AS total FROM audit_events")).rows[0]?.total;
    const size = (
      await sql.query<{ size: string }>(
        "SELECT pg_size_pretty(sum(pg_total_relation_size(relid))) AS size FROM pg_partition_tree('audit_events')",
      )
    ).rows[0]?.size;

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
            seeding: { "10k": seed10k, history: seedHistory, dense: seedDense },
            eventsAtEnd: Number(total),
            tableWithIndexes: size,
            note: "ratio = big median / 10k median, end to end through Prisma (flagged if > 2); dbRatio = the same for EXPLAIN ANALYZE execution time (sub-millisecond, noisy); buffers = shared pages hit+read by the query, buffersRatio = big/10k (deterministic: > 2 means the database work grows with the table)",
          },
          history: {
            description: `${BIG_COUNT} events: the 10k of the last 30 days and ${BIG_COUNT - BASE_COUNT} over the ${HISTORY_DAYS} days before`,
            flagged: flagged(historyComparison),
            dbWorkGrows: dbWorkGrows(historyComparison),
            queries: historyComparison,
          },
          dense: denseComparison && {
            description: `the same plus ${DENSE_COUNT - BASE_COUNT} more in the last 30 days: ${DENSE_COUNT} there (${DENSE_COUNT / BASE_COUNT}× the daily volume)`,
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

const CHART_SCAN_BEFORE = `
  SELECT d.day, COALESCE(c.success, 0)::int AS success, COALESCE(c.failure, 0)::int AS failure, COALESCE(c.blocked, 0)::int AS blocked
  FROM generate_series($1::date, $2::date, interval '1 day') AS d(day)
  LEFT JOIN (
    SELECT date_trunc('day', created_at AT TIME ZONE 'UTC') AS day,
      count(*) FILTER (WHERE outcome = 'SUCCESS') AS success,
      count(*) FILTER (WHERE outcome = 'FAILURE') AS failure,
      count(*) FILTER (WHERE outcome = 'BLOCKED') AS blocked
    FROM audit_events WHERE created_at >= $1::date AND created_at < $2::date + 1 GROUP BY 1
  ) c ON c.day = d.day
  ORDER BY d.day`;
const ATTENTION_SCAN_BEFORE = `
  SELECT actor_email AS email,
    count(*) FILTER (WHERE outcome = 'FAILURE')::int AS failed,
    count(*) FILTER (WHERE type = 'step_up.locked')::int AS lockouts,
    count(*) FILTER (WHERE outcome = 'BLOCKED' AND type <> 'step_up.locked')::int AS rate_limited
  FROM audit_events
  WHERE created_at > now() - interval '24 hours' AND outcome <> 'SUCCESS' AND actor_email IS NOT NULL
  GROUP BY actor_email ORDER BY count(*) DESC, actor_email LIMIT 10`;

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
  const child = spawn(
    process.execPath,
    [...nodeFlags, ...process.execArgv, process.argv[1] ?? "", "--csv-child", `--csv-rows=${CSV_ROWS}`],
    {
      env: process.env,
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  let output = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
  const [code] = (await once(child, "exit")) as [number | null];
  // A child that runs out of heap under its cap is a figure to report, not a reason to lose the run.
  if (code !== 0) return { failed: `exited with code ${code}${code === 134 ? " (out of heap under the cap)" : ""}` };
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
    if (rows + batch.length > CSV_ROWS) batch.length = CSV_ROWS - rows;
    rows += batch.length;
    await write(toCsvRows(batch));
    if (rows % 100_000 < batch.length) log(`  csv ${rows} rows, rss ${mb(process.memoryUsage().rss)} MB`);
    if (rows >= CSV_ROWS) break;
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
