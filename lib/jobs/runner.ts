import "server-only";
import pg from "pg";
import PgBoss from "pg-boss";
import { databaseErrorCodes, isDatabaseUnavailable } from "@/lib/db";
import { getEnv, requireDatabaseUrl } from "@/lib/env";
import { JOB_NAMES, jobDefinitions } from "@/lib/jobs/schedule";
import { errorName, log } from "@/lib/log";

/** pg-boss keeps its tables in their own schema, created and upgraded by pg-boss itself on start. */
export const JOB_SCHEMA = "pgboss";

export type JobRunner = { boss: PgBoss; stop: () => Promise<void> };

/**
 * Starts pg-boss on the app's Postgres: creates the queues, (re)declares their schedules and
 * works them. Every app instance (or `npm run worker` process) may run one: a job is fetched with
 * SKIP LOCKED by exactly one worker, and each schedule is sent once per tick across all of them.
 */
export async function startJobRunner(): Promise<JobRunner> {
  const env = getEnv();
  const boss = new PgBoss({
    connectionString: requireDatabaseUrl(),
    schema: JOB_SCHEMA,
    application_name: "account-security-jobs",
    // The app's own pool has 10 connections; the workers poll on a few more.
    max: 3,
  });
  // pg-boss's own polling and maintenance. Postgres going away (a restart, the end of `npm run dev`)
  // is no bug: pg-boss polls on and resumes by itself.
  boss.on("error", (error) =>
    isDatabaseUnavailable(error)
      ? log("warn", "jobs.database_unavailable", { causes: databaseErrorCodes(error) })
      : log("error", "jobs.error", { error: errorName(error), causes: databaseErrorCodes(error) }),
  );
  await boss.start();

  const jobs = jobDefinitions(env);
  // pg-boss's createQueue deadlocks against itself when instances start together: one at a time.
  await whileHoldingSetupLock(async () => {
    for (const job of jobs) {
      const options: PgBoss.Queue = {
        name: job.name,
        // At most one run waiting and one running: a slow sweep never piles up behind itself.
        policy: "stately",
        retryLimit: 8,
        retryDelay: 5,
        retryBackoff: true,
        expireInSeconds: env.JOB_TIMEOUT_SECONDS,
      };
      await boss.createQueue(job.name, options);
      // createQueue keeps an existing queue as it was; the options of this release win.
      await boss.updateQueue(job.name, options);
      await boss.schedule(job.name, job.cron, {}, { tz: "UTC" });
    }
    // A job the operator turned off (e.g. automatic revocation) stops firing.
    const turnedOff = JOB_NAMES.filter((name) => !jobs.some((job) => job.name === name));
    for (const name of turnedOff) await boss.unschedule(name);
  });
  for (const job of jobs) {
    await boss.work(job.name, { pollingIntervalSeconds: 2 }, async () => {
      const startedAt = Date.now();
      try {
        const result = await job.run();
        log("info", "jobs.completed", { job: job.name, ms: Date.now() - startedAt });
        return result;
      } catch (error) {
        log("error", "jobs.failed", { job: job.name, error: errorName(error), causes: databaseErrorCodes(error) });
        throw error;
      }
    });
  }

  return { boss, stop: () => boss.stop({ graceful: true, timeout: 10_000, wait: true }) };
}

/** Runs `setup` while this process holds a session-level advisory lock (its own connection: ending it releases the lock). */
async function whileHoldingSetupLock(setup: () => Promise<void>): Promise<void> {
  const client = new pg.Client({ connectionString: requireDatabaseUrl(), application_name: "account-security-jobs-setup" });
  await client.connect();
  try {
    await client.query("SELECT pg_advisory_lock(hashtext('account-security:job-queues'))");
    await setup();
  } finally {
    await client.end();
  }
}
