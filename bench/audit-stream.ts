// `npm run bench:stream`: audit streaming against a throwaway embedded Postgres and a local receiver.
//   drain — events/s pushed to a receiver on 127.0.0.1 from a backlog of 100k synthetic events (one
//           destination, batches of --batch, default 1000), signature and JSON lines included;
//   write — the latency of a change's transaction that writes an audit row (recordStandaloneEvent),
//           with no destination vs one active destination being drained meanwhile, as a ratio.
// Options: --events=N (default 100,000), --batch=N (default 1000), --writes=N (default 500).
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { parseArgs } from "node:util";
import pg from "pg";
import { runScript, summary, timed, withThrowawayDatabase } from "./support";

const { values: args } = parseArgs({
  options: {
    events: { type: "string", default: "100000" },
    batch: { type: "string", default: "1000" },
    writes: { type: "string", default: "500" },
  },
});
const EVENTS = Math.max(1_000, Number(args.events) || 100_000);
const BATCH = Math.min(1000, Math.max(1, Number(args.batch) || 1000));
const WRITES = Math.max(50, Number(args.writes) || 500);

async function startReceiver() {
  let events = 0;
  let requests = 0;
  const server = createServer((request, response) => {
    let lines = 0;
    request.on("data", (chunk: Buffer) => {
      for (const byte of chunk) if (byte === 10) lines++;
    });
    request.on("end", () => {
      events += lines;
      requests++;
      response.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/ingest`,
    counts: () => ({ events, requests }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function main() {
  await withThrowawayDatabase("stream", async () => {
    const { seedSyntheticAuditEvents } = await import("@/tooling/synthetic-audit");
    const { deliverAuditStreams } = await import("@/lib/audit-stream/deliver");
    const { generateStreamSecret, sealStreamSecret } = await import("@/lib/audit-stream/post-batch");
    const { recordStandaloneEvent } = await import("@/lib/audit/record");
    const { feedHead } = await import("@/lib/audit/query");
    const { db, disconnectDb } = await import("@/lib/db");
    const log = (line: string) => process.stderr.write(`${line}\n`);

    const sql = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await sql.connect();
    log(`seeding ${EVENTS} events…`);
    await seedSyntheticAuditEvents(sql, { count: EVENTS, days: 30, batchSize: 50_000 });
    await sql.query("ANALYZE audit_events");
    await sql.end();

    const receiver = await startReceiver();
    const id = crypto.randomUUID();
    await db.auditStreamDestination.create({
      data: {
        id,
        name: "bench",
        url: receiver.url,
        batchSize: BATCH,
        secretSealed: sealStreamSecret(id, generateStreamSecret()),
        positionTxId: 0n,
        positionEventId: 0n,
      },
    });

    // --- drain: the whole backlog, in runs as the job makes them.
    log(`draining ${EVENTS} events in batches of ${BATCH}…`);
    const started = performance.now();
    let lastBatchAt = started;
    while (receiver.counts().events < EVENTS)
      await deliverAuditStreams({
        budgetMs: 5_000,
        onBatch: () => {
          lastBatchAt = performance.now();
        },
      });
    const drainSeconds = (lastBatchAt - started) / 1000;
    const drained = receiver.counts();

    // --- write path: the same change's transaction, with the destination paused, then active and drained meanwhile.
    const meta = { ip: "203.0.113.1", userAgent: "bench" };
    const write = (label: string, index: number) =>
      recordStandaloneEvent({ type: "admin.audit_viewed", actor: { email: "bench@bench.example" }, reason: `${label}-${index}`, meta });
    // Caught up first, so the active phase measures steady state (each new event pushed within about a second).
    const head = await feedHead();
    await db.auditStreamDestination.update({ where: { id }, data: { positionTxId: head.txId, positionEventId: head.id } });

    const measure = async (label: string) => {
      const samples: number[] = [];
      for (let warm = 0; warm < 20; warm++) await write(`${label}-warm`, warm);
      for (let index = 0; index < WRITES; index++) await timed(samples, () => write(label, index));
      return summary(samples);
    };
    await db.auditStreamDestination.update({ where: { id }, data: { pausedAt: new Date(), pausedReason: "admin" } });
    const idle = await measure("idle");
    await db.auditStreamDestination.update({ where: { id }, data: { pausedAt: null, pausedReason: null } });
    const before = receiver.counts().events;
    const stop = new AbortController();
    const delivering = deliverAuditStreams({ budgetMs: 600_000, signal: stop.signal });
    const active = await measure("active");
    // Let the deliverer catch up with what was written, then stop it.
    const deadline = Date.now() + 10_000;
    while (receiver.counts().events - before < WRITES + 20 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 100));
    stop.abort();
    await delivering;
    const pushedMeanwhile = receiver.counts().events - before;

    await receiver.close();
    await disconnectDb();
    console.log(
      JSON.stringify(
        {
          drain: {
            events: drained.events,
            requests: drained.requests,
            batchSize: BATCH,
            seconds: Math.round(drainSeconds * 100) / 100,
            eventsPerSecond: Math.round(drained.events / drainSeconds),
          },
          writePath: {
            writes: WRITES,
            withoutDestinationMs: idle,
            withOneActiveDestinationMs: active,
            medianRatio: Math.round((active.medianMs / idle.medianMs) * 100) / 100,
            p95Ratio: Math.round((active.p95Ms / idle.p95Ms) * 100) / 100,
            pushedMeanwhile,
          },
        },
        null,
        2,
      ),
    );
  });
}

runScript(main);
