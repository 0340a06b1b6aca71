import { spawn, type ChildProcess } from "node:child_process";
import PgBoss from "pg-boss";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "@/lib/db";
import { deliverAllDueEmails } from "@/lib/email/outbox";
import { JOB_SCHEMA } from "@/lib/jobs/runner";
import { listJobQueues } from "@/lib/jobs/status";
import { randomEmail } from "@/test/helpers/fixtures";

// Real worker processes (`npm run worker`'s script) on this file's database; this process plays
// the operator: it sends jobs, kills workers and checks what happened, through pg-boss's own API.
const QUEUE = "token-expiry-notices";
const children = new Set<ChildProcess>();
let boss: PgBoss;

beforeAll(async () => {
  boss = new PgBoss({ connectionString: process.env.DATABASE_URL, schema: JOB_SCHEMA, max: 2, supervise: false, schedule: false });
  await boss.start();
});

afterEach(() => {
  for (const child of children) child.kill("SIGKILL");
  children.clear();
});

afterAll(async () => {
  await boss.stop({ graceful: false, wait: true });
  await disconnectDb();
});

function startWorker(env: Record<string, string> = {}): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", "--import", "./scripts/server-only-hook.mjs", "scripts/worker.ts"], {
    env: { ...process.env, LOG_LEVEL: "silent", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.add(child);
  return new Promise((resolve, reject) => {
    let output = "";
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("Job workers running")) resolve(child);
    };
    child.stdout.on("data", collect);
    child.stderr.on("data", collect);
    child.once("exit", (code) => reject(new Error(`worker exited (${code}) before it was ready:\n${output}`)));
  });
}

function killed(child: ChildProcess): Promise<NodeJS.Signals | null> {
  return new Promise((resolve) => {
    child.once("exit", (_code, signal) => resolve(signal));
    child.kill("SIGKILL");
  });
}

async function until(condition: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** `count` tokens of one new owner, all due for their 7-day reminder (expiring in 3 days, made 30 days ago). */
async function dueTokens(count: number): Promise<{ userId: string; email: string; prefix: string }> {
  const email = randomEmail("jobs");
  const user = await db.user.create({ data: { email, passwordHash: "x", emailVerifiedAt: new Date() }, select: { id: true } });
  const prefix = `job${Math.random().toString(36).slice(2, 8)}`;
  await db.$executeRaw`
    INSERT INTO api_tokens (id, user_id, name, display_prefix, token_hash, scopes, created_at, expires_at)
    SELECT gen_random_uuid(), ${user.id}::uuid, ${prefix} || '-' || n, ${prefix} || n, md5(${prefix} || n) || md5(random()::text),
      ARRAY['profile:read'], now() - interval '30 days', now() + interval '3 days'
    FROM generate_series(1, ${count}) AS n`;
  return { userId: user.id, email, prefix };
}

/** The reminders of `userId`'s tokens: audit rows per token name, and queued notices in all (a delivered row keeps no data to tell them apart). */
async function reminders(userId: string): Promise<{ auditsPerToken: Map<string, number>; notices: number }> {
  const tokens = await db.apiToken.findMany({ where: { userId }, select: { name: true } });
  const owner = await db.user.findUniqueOrThrow({ where: { id: userId }, select: { email: true } });
  const audits = await db.auditEvent.findMany({
    where: { type: "api_token.expiring_soon", targetType: "user", targetId: userId },
    select: { metadata: true },
  });
  const auditsPerToken = new Map(tokens.map((token) => [token.name, 0]));
  for (const audit of audits) {
    const name = (audit.metadata as { name?: string }).name ?? "";
    auditsPerToken.set(name, (auditsPerToken.get(name) ?? 0) + 1);
  }
  const notices = await db.emailOutbox.count({ where: { to: owner.email, subject: "An API token expires soon" } });
  return { auditsPerToken, notices };
}

describe("background jobs on pg-boss, in real worker processes", () => {
  it("two worker processes: every reminder is sent exactly once however the jobs fall between them", async () => {
    const { userId, email } = await dueTokens(40);
    await Promise.all([startWorker(), startWorker()]);
    // Many sends while both workers poll: each run goes to one worker, and the sweeps it runs claim
    // tokens by SKIP LOCKED, so what the two processes do never overlaps.
    const sent: (string | null)[] = [];
    for (let round = 0; round < 20; round++) {
      sent.push(await boss.send(QUEUE, {}));
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(sent.filter(Boolean).length).toBeGreaterThan(0);
    await until(
      async () => (await db.apiToken.count({ where: { userId, expiryReminderSentAt: null } })) === 0,
      30_000,
      "every token to be reminded",
    );
    await until(async () => (await boss.getQueueSize(QUEUE, { before: "completed" })) === 0, 30_000, "the queue to drain");

    const { auditsPerToken, notices } = await reminders(userId);
    expect(auditsPerToken.size).toBe(40);
    expect([...auditsPerToken.values()].every((count) => count === 1)).toBe(true);
    expect(notices).toBe(40);
    // The admin view (/admin/jobs) reads the same queues.
    const queues = await listJobQueues();
    expect(queues?.find((queue) => queue.name === QUEUE)).toMatchObject({
      schedule: "*/10 * * * *",
      waiting: 0,
      active: 0,
      failed: 0,
      lastCompletedAt: expect.any(String),
    });
    await deliverAllDueEmails();
    const delivered = await db.mailboxMessage.count({ where: { to: email, subject: "An API token expires soon" } });
    expect(delivered).toBe(40);
  }, 90_000);

  it("two worker processes: a schedule fires once per tick, not once per worker", async () => {
    const startedAt = new Date();
    await Promise.all([startWorker(), startWorker()]);
    // email-outbox is scheduled every minute; wait for a tick after both were up, then for stragglers.
    const ticks = () =>
      db.$queryRaw<{ minute: Date; jobs: number }[]>`
        SELECT date_trunc('minute', created_on) AS minute, count(*)::int AS jobs
        FROM pgboss.job WHERE name = 'email-outbox' AND created_on > ${startedAt}
        GROUP BY 1 ORDER BY 1`;
    await until(async () => (await ticks()).length > 0, 100_000, "the first scheduled run");
    await new Promise((resolve) => setTimeout(resolve, 10_000));
    const fired = await ticks();
    expect(fired.length).toBeGreaterThan(0);
    expect(fired.map((tick) => tick.jobs)).toEqual(fired.map(() => 1));
  }, 130_000);

  it("a worker killed (SIGKILL) mid-run: the job is retried by another worker and each token is reminded once", async () => {
    const total = 300;
    const { userId } = await dueTokens(total);
    const first = await startWorker({ JOB_TIMEOUT_SECONDS: "8" });
    const jobId = await boss.send(QUEUE, {});
    expect(jobId).not.toBeNull();
    const reminded = () => db.apiToken.count({ where: { userId, expiryReminderSentAt: { not: null } } });
    await until(async () => (await reminded()) > 0, 30_000, "the first batch to commit");
    expect(await killed(first)).toBe("SIGKILL");
    const atKill = await reminded();
    expect(atKill).toBeGreaterThan(0);
    expect(atKill).toBeLessThan(total);
    const dead = await boss.getJobById(QUEUE, jobId ?? "");
    expect(dead?.state).toBe("active");

    // The job outlives its timeout with nobody working it; pg-boss's maintenance takes it for dead
    // and schedules a retry, which a fresh worker picks up. (A run that overruns its timeout is
    // retried while it still goes on: the sweeps claim with SKIP LOCKED, so the two never overlap.)
    await startWorker({ JOB_TIMEOUT_SECONDS: "8" });
    let maintainedAt = 0;
    await until(
      async () => {
        if (Date.now() - maintainedAt > 1000) {
          maintainedAt = Date.now();
          await boss.maintain();
        }
        const job = await boss.getJobById(QUEUE, jobId ?? "");
        return job?.state === "completed" && (await reminded()) === total;
      },
      90_000,
      "the retried job to complete every reminder",
    );
    expect((await boss.getJobById(QUEUE, jobId ?? ""))?.retryCount).toBeGreaterThanOrEqual(1);
    const { auditsPerToken, notices } = await reminders(userId);
    expect([...auditsPerToken].filter(([, count]) => count !== 1)).toEqual([]);
    expect(notices).toBe(total);
  }, 150_000);
});
