import "server-only";
import { db } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { JOB_NAMES, jobDefinitions } from "@/lib/jobs/schedule";
import type { JobQueueStatus } from "@/shared/jobs";

type Row = {
  name: string;
  cron: string | null;
  waiting: number;
  active: number;
  failed: number;
  last_completed: Date | null;
  last_failed: Date | null;
};

/**
 * The admin view of background work, read from pg-boss's own tables (its `pgboss` schema): each
 * queue's waiting, running and failed jobs, its schedule, and when it last finished or failed.
 * Null until a worker has started once (pg-boss creates its schema then).
 */
export async function listJobQueues(): Promise<JobQueueStatus[] | null> {
  const [installed] = await db.$queryRaw<{ ok: boolean }[]>`SELECT to_regclass('pgboss.queue') IS NOT NULL AS ok`;
  if (!installed?.ok) return null;
  const rows = await db.$queryRaw<Row[]>`
    SELECT q.name, s.cron,
      count(j.id) FILTER (WHERE j.state IN ('created', 'retry'))::int AS waiting,
      count(j.id) FILTER (WHERE j.state = 'active')::int AS active,
      count(j.id) FILTER (WHERE j.state = 'failed')::int AS failed,
      GREATEST(max(j.completed_on) FILTER (WHERE j.state = 'completed'),
        (SELECT max(a.completed_on) FROM pgboss.archive a WHERE a.name = q.name AND a.state = 'completed')) AS last_completed,
      GREATEST(max(j.completed_on) FILTER (WHERE j.state = 'failed'),
        (SELECT max(a.completed_on) FROM pgboss.archive a WHERE a.name = q.name AND a.state = 'failed')) AS last_failed
    FROM pgboss.queue q
    LEFT JOIN pgboss.schedule s ON s.name = q.name
    LEFT JOIN pgboss.job j ON j.name = q.name
    WHERE q.name = ANY(${[...JOB_NAMES]}::text[])
    GROUP BY q.name, s.cron
    ORDER BY q.name`;
  const described = new Map(jobDefinitions(getEnv()).map((job) => [job.name, job.description]));
  return rows.map((row) => ({
    name: row.name,
    description: described.get(row.name) ?? "Turned off",
    schedule: row.cron,
    waiting: row.waiting,
    active: row.active,
    failed: row.failed,
    lastCompletedAt: row.last_completed?.toISOString() ?? null,
    lastFailedAt: row.last_failed?.toISOString() ?? null,
  }));
}
