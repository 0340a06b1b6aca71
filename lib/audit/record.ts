import "server-only";
import type { AuditOutcome } from "@/generated/prisma/enums";
import { db, Prisma, type Tx } from "@/lib/db";
import { insertWithTransaction } from "@/lib/db/batched-inserts";
import type { RequestMeta } from "@/lib/http/request-meta";
import type { AuditEventType } from "@/shared/audit";

export type AuditEventInput = {
  type: AuditEventType;
  outcome?: AuditOutcome;
  actor?: { id: string; email: string } | { id?: undefined; email: string } | null;
  target?: { type: string; id: string };
  reason?: string;
  meta: RequestMeta;
  metadata?: Prisma.InputJsonObject;
};

const MAX_TEXT = 500;

/**
 * Always called with the transaction of the change it records, so both commit or neither does (in
 * a transaction batching inserts, it goes in with the others just before the commit).
 */
export function recordAuditEvent(tx: Tx, event: AuditEventInput): Promise<void> {
  return insertWithTransaction(tx, { kind: "audit_events", row: auditValues(event), insertOf: insertAuditRows });
}

/**
 * Several events as one INSERT, rows in this order: a part of a larger statement (a data-modifying
 * WITH) of the transaction of the change they record, for callers counting their round trips.
 */
export function recordAuditEventsStatement(events: [AuditEventInput, ...AuditEventInput[]]): Prisma.Sql {
  return insertAuditRows(events.map(auditValues));
}

function insertAuditRows(rows: Prisma.Sql[]): Prisma.Sql {
  return Prisma.sql`
    INSERT INTO audit_events (type, outcome, actor_id, actor_email, target_type, target_id, reason, ip, user_agent, metadata)
    VALUES ${Prisma.join(rows)}`;
}

function auditValues(event: AuditEventInput): Prisma.Sql {
  const row = auditRow(event);
  const metadata = row.metadata === undefined ? null : JSON.stringify(row.metadata);
  return Prisma.sql`(${row.type}, ${row.outcome}::"AuditOutcome", ${row.actorId}::uuid, ${row.actorEmail}, ${row.targetType},
      ${row.targetId}, ${row.reason}, ${row.ip}::inet, ${row.userAgent}, ${metadata}::jsonb)`;
}

/** An event with no change beside it (a refused or failed attempt, an admin viewing the log): no transaction to share. */
export async function recordStandaloneEvent(event: AuditEventInput): Promise<void> {
  await recordAuditEvent(db, event);
}

function auditRow(event: AuditEventInput) {
  return {
    type: event.type,
    outcome: event.outcome ?? "SUCCESS",
    actorId: event.actor?.id ?? null,
    actorEmail: bounded(event.actor?.email),
    targetType: event.target?.type ?? null,
    targetId: bounded(event.target?.id),
    reason: bounded(event.reason),
    ip: event.meta.ip,
    userAgent: event.meta.userAgent,
    metadata: event.metadata,
  };
}

function bounded(value: string | undefined): string | null {
  return value === undefined ? null : value.slice(0, MAX_TEXT);
}
