import "server-only";
import { recordAuditEvent } from "@/lib/audit/record";
import { db } from "@/lib/db";

export const MIN_RETENTION_DAYS = 30;

/**
 * Deletes audit events older than `days`. The table's trigger refuses every DELETE unless the
 * transaction names a cutoff, and then only rows older than it; a whole month older than the
 * cutoff is detached and dropped, under the same rule (`audit_events_drop_month`). This is the one
 * place that does either, and it records that it did. The counts of the roll-ups lose exactly
 * what was rolled up of the rows that go.
 */
export async function pruneAuditEvents(days: number): Promise<{ deleted: number; cutoff: Date; droppedMonths: string[] }> {
  if (!Number.isInteger(days) || days < MIN_RETENTION_DAYS) throw new Error(`Keep at least ${MIN_RETENTION_DAYS} days of audit events`);
  return db.$transaction(
    async (tx) => {
      const [{ cutoff, boundary }] = await tx.$queryRaw<[{ cutoff: Date; boundary: Date }]>`
        SELECT c.cutoff, date_trunc('month', c.cutoff AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS boundary
        FROM (SELECT now() - make_interval(days => ${days}) AS cutoff) c`;
      await tx.$executeRaw`SELECT set_config('audit.retention_cutoff', ${cutoff.toISOString()}, true)`;
      // The roll-up waits until this commits; the counts lose what was rolled up of the deleted rows.
      await tx.$queryRaw`SELECT 1 FROM audit_rollup_state WHERE id = 1 FOR UPDATE`;
      // Row by row, through the trigger: the month the cutoff falls in, and the default partition's
      // rows older than the cutoff (outside that month: the first part takes those).
      const [{ deleted }] = await tx.$queryRaw<[{ deleted: number }]>`
        WITH gone AS (
          DELETE FROM audit_events WHERE created_at >= ${boundary} AND created_at < ${cutoff} RETURNING created_at, type, outcome, tx_id
        ),
        gone_default AS (
          DELETE FROM audit_events_default WHERE created_at < ${boundary} RETURNING created_at, type, outcome, tx_id
        ),
        lost AS (
          SELECT (created_at AT TIME ZONE 'UTC')::date AS day, type, outcome, count(*) AS n
          FROM (SELECT * FROM gone UNION ALL SELECT * FROM gone_default) g
          WHERE tx_id < (SELECT counts_tx_id FROM audit_rollup_state WHERE id = 1)
          GROUP BY 1, 2, 3
        ),
        lowered AS (
          UPDATE audit_event_counts c SET count = c.count - lost.n FROM lost
          WHERE c.day = lost.day AND c.type = lost.type AND c.outcome = lost.outcome
        )
        SELECT ((SELECT count(*) FROM gone) + (SELECT count(*) FROM gone_default))::int AS deleted`;
      // Whole months last: detaching one locks every reader and writer of audit_events out until
      // this commits, so nothing slow comes after it.
      const months = await tx.$queryRaw<{ name: string }[]>`SELECT name FROM audit_event_months() WHERE ends_at <= ${cutoff}`;
      let dropped = 0;
      for (const { name } of months) {
        const [row] = await tx.$queryRaw<[{ rows: bigint }]>`SELECT audit_events_drop_month(${name}) AS rows`;
        dropped += Number(row.rows);
      }
      await tx.$executeRaw`DELETE FROM audit_event_counts WHERE count <= 0`;
      const total = deleted + dropped;
      const droppedMonths = months.map((month) => month.name);
      await recordAuditEvent(tx, {
        type: "audit.pruned",
        actor: { email: "maintenance" },
        reason: `older_than_${days}_days`,
        meta: { ip: null, userAgent: null },
        metadata: { deleted: total, cutoff: cutoff.toISOString(), droppedMonths },
      });
      return { deleted: total, cutoff, droppedMonths };
    },
    { timeout: 10 * 60_000 },
  );
}
