import "server-only";
import { recordStandaloneEvent } from "@/lib/audit/record";
import { db, jsonTime, Prisma, type Tx } from "@/lib/db";
import { getEnv } from "@/lib/env";
import type { RequestContext } from "@/lib/http/context";
import { STEP_UP_POLICY, type StepUpAction } from "@/lib/step-up/policy";
import type { RecoveryHold } from "@/shared/account";
import { AppError } from "@/shared/errors";

/**
 * The cooling-off period after a recovery. Whoever just reset the password or changed the email
 * address might be an attacker, so for RECOVERY_HOLD_HOURS the changes that would lock the owner
 * out for good (policy: `heldAfterRecovery`) are refused. It lives on the user row, so it holds on
 * every instance and survives restarts.
 */
export type RecoveryReason = "password_reset" | "email_change";

/** Starts (or extends) the hold, in the recovery's own transaction; returns when it ends. */
export async function startRecoveryHold(tx: Tx, userId: string, reason: RecoveryReason): Promise<Date | null> {
  const hours = getEnv().RECOVERY_HOLD_HOURS;
  if (hours === 0) return null;
  const rows = await tx.$queryRaw<{ until: Date }[]>`
    UPDATE users SET recovery_hold_until = GREATEST(COALESCE(recovery_hold_until, now()), now() + make_interval(hours => ${hours})),
                     recovery_hold_reason = ${reason}
    WHERE id = ${userId}::uuid
    RETURNING recovery_hold_until AS until`;
  return rows[0]?.until ?? null;
}

/** The hold in force right now (database time), if any. */
export type RecoveryHoldJson = { until: string; reason: string | null };

/** The hold while it lasts, as a JSON scalar subquery (null when none). */
export function recoveryHoldJson(userId: string): Prisma.Sql {
  return Prisma.sql`(SELECT json_build_object('until', u.recovery_hold_until, 'reason', u.recovery_hold_reason)
    FROM users u WHERE u.id = ${userId}::uuid AND u.recovery_hold_until > now())`;
}

export async function findRecoveryHold(userId: string, client: Tx = db): Promise<RecoveryHold | null> {
  const [row] = await client.$queryRaw<[{ hold: RecoveryHoldJson | null }]>`SELECT ${recoveryHoldJson(userId)} AS hold`;
  return recoveryHoldFromJson(row.hold);
}

export function recoveryHoldFromJson(hold: RecoveryHoldJson | null): RecoveryHold | null {
  if (!hold) return null;
  return { until: jsonTime(hold.until).toISOString(), reason: hold.reason === "email_change" ? "email_change" : "password_reset" };
}

/** Refuses a held action while the hold lasts (recorded), before anything is sent or counted. */
export async function refuseDuringRecoveryHold(context: RequestContext, action: StepUpAction): Promise<void> {
  if (!STEP_UP_POLICY[action].heldAfterRecovery) return;
  const hold = await findRecoveryHold(context.session.user.id);
  if (!hold) return;
  await recordStandaloneEvent({
    type: "account.recovery_hold_blocked",
    outcome: "BLOCKED",
    actor: context.session.user,
    target: { type: "user", id: context.session.user.id },
    reason: action,
    meta: context.meta,
    metadata: { until: hold.until, after: hold.reason },
  });
  throw new AppError("RECOVERY_HOLD", { until: hold.until });
}
