import "server-only";
import type { AuditOutcome } from "@/generated/prisma/enums";
import { db, type Prisma, type Tx } from "@/lib/db";
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

/** Always called with the transaction of the change it records, so both commit or neither does. */
export async function recordAuditEvent(tx: Tx, event: AuditEventInput): Promise<void> {
  await tx.auditEvent.create({
    data: {
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
    },
  });
}

/** An event with no change beside it (a refused or failed attempt, an admin viewing the log): no transaction to share. */
export async function recordStandaloneEvent(event: AuditEventInput): Promise<void> {
  await recordAuditEvent(db, event);
}

function bounded(value: string | undefined): string | null {
  return value === undefined ? null : value.slice(0, MAX_TEXT);
}
