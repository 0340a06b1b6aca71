import "server-only";
import { recordAuditEvent } from "@/lib/audit/record";
import { db } from "@/lib/db";

export const MIN_RETENTION_DAYS = 30;

/**
 * Deletes audit events older than `days`. The table's trigger refuses every DELETE unless the
 * transaction names a cutoff, and then only rows older than it: this is the one place that
 * does, and it records that it did.
 */
export async function pruneAuditEvents(days: number): Promise<{ deleted: number; cutoff: Date }> {
  if (!Number.isInteger(days) || days < MIN_RETENTION_DAYS) throw new Error(`Keep at least ${MIN_RETENTION_DAYS} days of audit events`);
  return db.$transaction(
    async (tx) => {
      const [{ cutoff }] = await tx.$queryRaw<[{ cutoff: Date }]>`SELECT now() - make_interval(days => ${days}) AS cutoff`;
      await tx.$executeRaw`SELECT set_config('audit.retention_cutoff', ${cutoff.toISOString()}, true)`;
      // The roll-up waits until this commits; the counts lose what was rolled up of the deleted rows.
      await tx.$queryRaw`SELECT 1 FROM audit_rollup_state WHERE id = 1 FOR UPDATE`;
      const [{ deleted }] = await tx.$queryRaw<[{ deleted: number }]>`
        WITH gone AS (DELETE FROM audit_events WHERE created_at < ${cutoff} RETURNING created_at, type, outcome, tx_id),
        lost AS (
          SELECT (created_at AT TIME ZONE 'UTC')::date AS day, type, outcome, count(*) AS n FROM gone
          WHERE tx_id < (SELECT counts_tx_id FROM audit_rollup_state WHERE id = 1)
          GROUP BY 1, 2, 3
        ),
        lowered AS (
          UPDATE audit_event_counts c SET count = c.count - lost.n FROM lost
          WHERE c.day = lost.day AND c.type = lost.type AND c.outcome = lost.outcome
        )
        SELECT count(*)::int AS deleted FROM gone`;
      await tx.$executeRaw`DELETE FROM audit_event_counts WHERE count <= 0`;
      await recordAuditEvent(tx, {
        type: "audit.pruned",
        actor: { email: "maintenance" },
        reason: `older_than_${days}_days`,
        meta: { ip: null, userAgent: null },
        metadata: { deleted, cutoff: cutoff.toISOString() },
      });
      return { deleted, cutoff };
    },
    { timeout: 10 * 60_000 },
  );
}
