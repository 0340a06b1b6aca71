import "server-only";
import type { Role } from "@/generated/prisma/enums";
import { recordAuditEvent } from "@/lib/audit/record";
import { db, isWriteConflict, Prisma, type Tx } from "@/lib/db";
import type { RequestContext } from "@/lib/http/context";
import { resolveSession } from "@/lib/sessions/lifecycle";
import type { StepUpPayloads } from "@/lib/step-up/policy";
import { withStepUp } from "@/lib/step-up/with-step-up";
import type { AuditEventType } from "@/shared/audit";
import { AppError } from "@/shared/errors";

/**
 * The one path of every admin action on someone's account (docs/admin-users.md):
 * the target found (never the admin's own account, never a deleted one), the admin's own step-up,
 * then the change under the target's row lock — and, when the action could leave no active
 * admin, under the lock of every admin row — with its audit row and notice in that transaction.
 */

type AdminUserAction = Extract<keyof StepUpPayloads, `admin.user.${string}`>;
type AdminUserEventType = Extract<AuditEventType, `admin.user_${string}`>;

export type AdminTarget = { id: string; email: string; role: Role; disabledAt: Date | null };

/** What an action did: `changed: false` when there was nothing left to do (e.g. another admin was first). */
export type AdminUserOutcome<Details extends object = object> = ({ changed: true } & Details) | { changed: false };

export const UNCHANGED = { changed: false } as const;

/** The account an admin is about to act on: refused for their own account (that is /settings) and for deleted ones. */
export async function findTarget(context: RequestContext, userId: string): Promise<AdminTarget> {
  const target = await db.user.findFirst({
    where: { id: userId, deletedAt: null },
    select: { id: true, email: true, role: true, disabledAt: true },
  });
  if (!target) throw new AppError("NOT_FOUND");
  // Compared as stored: the id as typed may differ in case.
  if (target.id === context.session.user.id) throw new AppError("OWN_ACCOUNT");
  return target;
}

export async function actOnUser<A extends AdminUserAction, T>(
  context: RequestContext,
  target: AdminTarget,
  step: { action: A; payload: StepUpPayloads[A]; guardLastAdmin?: boolean },
  change: (tx: Tx, locked: AdminTarget) => Promise<T>,
): Promise<T> {
  const run = () =>
    withStepUp(context, step.action, step.payload, async (tx) => {
      const locked = await lockTarget(tx, target, step.guardLastAdmin ?? false);
      return change(tx, locked);
    });
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      const deadlock = isWriteConflict(error);
      // Two admins acting on each other's accounts lock each other's rows (step-up holds the
      // acting admin's); Postgres ends one of the two, which runs again. Meanwhile (or before this
      // admin's check got their lock) the other's change may have signed this admin out, ending
      // their challenge: that, not a stale code, is then the answer.
      const endedChallenge = error instanceof AppError && error.code === "CODE_INVALID";
      if ((deadlock || endedChallenge || attempt > 1) && !(await stillAdmin(context))) throw new AppError("UNAUTHENTICATED");
      if (!deadlock || attempt === MAX_ATTEMPTS) throw error;
    }
  }
}

async function stillAdmin(context: RequestContext): Promise<boolean> {
  return (await resolveSession(context.session.id))?.user.role === "ADMIN";
}

const MAX_ATTEMPTS = 3;

type LockedRow = { id: string; email: string; role: Role; disabled_at: Date | null; deleted: boolean; active: boolean };

/**
 * The target's row, locked until the change commits, so a second admin doing the same waits and
 * then finds it done. With `guardLastAdmin` and an admin target, every admin row is locked (in id
 * order, like every taker of this lock) and the change refused when no other active admin would
 * be left: two admins disabling each other at once cannot both succeed.
 */
async function lockTarget(tx: Tx, target: AdminTarget, guardLastAdmin: boolean): Promise<AdminTarget> {
  const everyAdmin = guardLastAdmin && target.role === "ADMIN";
  const rows = await tx.$queryRaw<LockedRow[]>`
    SELECT id::text, email, role, disabled_at, deleted_at IS NOT NULL AS deleted, (disabled_at IS NULL AND deleted_at IS NULL) AS active
    FROM users WHERE id = ${target.id}::uuid ${everyAdmin ? Prisma.sql`OR role = 'ADMIN'` : Prisma.empty}
    ORDER BY id FOR UPDATE`;
  const row = rows.find((candidate) => candidate.id === target.id);
  if (!row || row.deleted) throw new AppError("NOT_FOUND");
  const othersActive = rows.some((other) => other.id !== row.id && other.role === "ADMIN" && other.active);
  if (everyAdmin && row.role === "ADMIN" && row.active && !othersActive) throw new AppError("LAST_ADMIN");
  return { id: row.id, email: row.email, role: row.role, disabledAt: row.disabled_at };
}

/** The change's audit row: the admin as actor, the account as target. */
export function recordUserEvent(
  tx: Tx,
  context: RequestContext,
  type: AdminUserEventType,
  userId: string,
  details: { reason?: string; metadata?: Prisma.InputJsonObject } = {},
): Promise<void> {
  return recordAuditEvent(tx, { type, actor: context.session.user, target: { type: "user", id: userId }, meta: context.meta, ...details });
}
