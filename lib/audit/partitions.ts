import "server-only";
import { db } from "@/lib/db";

/**
 * `audit_events` is partitioned by month of `created_at` (UTC), one table per month named
 * `audit_events_YYYY_MM`, plus `audit_events_default` for any row no month holds, so an insert
 * never fails (prisma/migrations/20261209000000_audit_monthly_partitions). Retention drops whole
 * months (lib/audit/retention.ts); the reads name the months they need (lib/audit/query.ts).
 */

/** Months kept ready after the current one: the job runs hourly, so a month exists long before its first event. */
export const MONTHS_AHEAD = 3;

/**
 * The job: creates the current month and the next `ahead` where they are missing, and returns
 * the names of those it created. A month whose rows already went to the default partition (the
 * job did not run for that long) is left there, as moving them would take a DELETE.
 */
export async function createAuditMonths(ahead = MONTHS_AHEAD): Promise<{ created: string[]; sealed: string[] }> {
  const rows = await db.$queryRaw<{ name: string; created: boolean }[]>`
    SELECT audit_events_month_name(m::date) AS name, audit_events_create_month(m::date) AS created
    FROM generate_series(
      date_trunc('month', now() AT TIME ZONE 'UTC'),
      date_trunc('month', now() AT TIME ZONE 'UTC') + make_interval(months => ${ahead}),
      interval '1 month') AS m`;
  return { created: rows.filter((row) => row.created).map((row) => row.name), sealed: await sealEndedMonths() };
}

/**
 * Seals every month that ended over a day ago: its highest tx_id is kept (and raised by any later
 * insert into it), so the feed skips it once past it (lib/audit/query.ts, readAuditFeed).
 */
async function sealEndedMonths(): Promise<string[]> {
  const months = await db.$queryRaw<{ name: string }[]>`
    SELECT m.name FROM audit_event_months() m
    WHERE m.ends_at < now() - interval '1 day' AND NOT EXISTS (SELECT 1 FROM audit_sealed_months s WHERE s.name = m.name)`;
  const sealed: string[] = [];
  // One transaction per month: sealing waits for whoever still writes into that month, alone.
  for (const { name } of months) {
    const [row] = await db.$queryRaw<[{ sealed: boolean }]>`SELECT audit_events_seal_month(${name}) AS sealed`;
    if (row.sealed) sealed.push(name);
  }
  return sealed;
}

export type AuditMonth = { name: string; startsAt: Date; endsAt: Date };

/** Every month that exists, oldest first. */
export function listAuditMonths(): Promise<AuditMonth[]> {
  return db.$queryRaw<AuditMonth[]>`SELECT name, starts_at AS "startsAt", ends_at AS "endsAt" FROM audit_event_months()`;
}
