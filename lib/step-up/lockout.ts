import "server-only";
import { db, Prisma, type Tx } from "@/lib/db";
import { STEP_UP_LIMITS } from "@/lib/step-up/policy";
import { AppError } from "@/shared/errors";

/**
 * The account-wide run of wrong proofs, across challenges: 10 in a row lock step-up for
 * 15 minutes, doubling with each further lock until a success. A new code never resets it.
 */

/** Seconds until step-up unlocks (at least 1), or NULL when it is not locked: a column of the account's row, aliased `u`. */
export const LOCKED_FOR_COLUMN = Prisma.sql`CASE WHEN u.step_up_locked_until > now()
  THEN GREATEST(1, CEIL(EXTRACT(EPOCH FROM (u.step_up_locked_until - now()))))::int END AS "lockedFor"`;

export async function assertNotLocked(userId: string): Promise<void> {
  const rows = await db.$queryRaw<{ lockedFor: number | null }[]>`SELECT ${LOCKED_FOR_COLUMN} FROM users u WHERE u.id = ${userId}::uuid`;
  const lockedFor = rows[0]?.lockedFor;
  if (lockedFor) throw new AppError("STEP_UP_LOCKED", { retryAfterSeconds: lockedFor });
}

/** One more wrong proof; returns how long step-up is now locked (seconds), or null when it is not. */
export async function countFailure(tx: Tx, userId: string): Promise<number | null> {
  const rows = await tx.$queryRaw<{ failures: number }[]>`
    UPDATE users SET step_up_failures = step_up_failures + 1 WHERE id = ${userId}::uuid RETURNING step_up_failures AS failures`;
  if ((rows[0]?.failures ?? 0) < STEP_UP_LIMITS.failuresBeforeLock) return null;
  const { lockMinutes } = STEP_UP_LIMITS;
  const locked = await tx.$queryRaw<{ locked_for: number }[]>`
    UPDATE users SET step_up_failures = 0, step_up_lockouts = step_up_lockouts + 1,
      step_up_locked_until = now() + make_interval(mins => ${lockMinutes} * power(2, LEAST(step_up_lockouts, 10))::int)
    WHERE id = ${userId}::uuid
    RETURNING CEIL(EXTRACT(EPOCH FROM (step_up_locked_until - now())))::int AS locked_for`;
  return locked[0]?.locked_for ?? lockMinutes * 60;
}

/** A success ends the run and the doubling: as a statement for the caller's finishing statement. */
export function clearFailuresStatement(userId: string): Prisma.Sql {
  return Prisma.sql`UPDATE users SET step_up_failures = 0, step_up_lockouts = 0 WHERE id = ${userId}::uuid`;
}
