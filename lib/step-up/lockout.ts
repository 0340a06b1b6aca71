import "server-only";
import { db, type Tx } from "@/lib/db";
import { STEP_UP_LIMITS } from "@/lib/step-up/policy";
import { AppError } from "@/shared/errors";

/**
 * The account-wide run of wrong proofs, across challenges: 10 in a row lock step-up for
 * 15 minutes, doubling with each further lock until a success. A new code never resets it.
 */

/** Seconds until step-up unlocks for this user, or null when it is not locked. */
export async function lockRemaining(userId: string, client: Tx = db): Promise<number | null> {
  const rows = await client.$queryRaw<{ remaining: number }[]>`
    SELECT CEIL(EXTRACT(EPOCH FROM (step_up_locked_until - now())))::int AS remaining
    FROM users WHERE id = ${userId}::uuid AND step_up_locked_until > now()`;
  const remaining = rows[0]?.remaining;
  return remaining === undefined ? null : Math.max(1, remaining);
}

export async function assertNotLocked(userId: string): Promise<void> {
  const lockedFor = await lockRemaining(userId);
  if (lockedFor) throw new AppError("STEP_UP_LOCKED", { retryAfterSeconds: lockedFor });
}

/** Holds the account's row until the transaction ends, so one account's proofs are checked one at a time. */
export async function lockAccount(tx: Tx, userId: string): Promise<void> {
  await tx.$queryRaw`SELECT 1 FROM users WHERE id = ${userId}::uuid FOR UPDATE`;
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

/** A success ends the run and the doubling. */
export async function clearFailures(tx: Tx, userId: string): Promise<void> {
  await tx.$executeRaw`UPDATE users SET step_up_failures = 0, step_up_lockouts = 0 WHERE id = ${userId}::uuid`;
}
