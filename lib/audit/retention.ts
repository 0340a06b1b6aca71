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
      const deleted = await tx.$executeRaw`DELETE FROM audit_events WHERE created_at < ${cutoff}`;
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
