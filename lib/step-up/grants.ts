import "server-only";
import type { AuditEventInput } from "@/lib/audit/record";
import { Prisma, type Tx } from "@/lib/db";
import type { RequestContext } from "@/lib/http/context";
import { STEP_UP_LIMITS, STEP_UP_POLICY, type StepUpAction } from "@/lib/step-up/policy";

/**
 * What a verification grants (lib/step-up/policy.ts): a sudo window for the actions that share
 * it, or exactly one change with exactly this payload.
 */

/**
 * The grant a verification mints, as a part of the check's finishing statement: inserted only when
 * `proven` (a name in that statement) returned the challenge. A single-use grant used by the change
 * it came with (`usedNow`) is inserted already spent: nothing else may ever use it.
 */
export function mintGrantStatement(
  grant: { id: string; context: RequestContext; challengeId: string; action: StepUpAction; payloadHash: string; usedNow: boolean },
  proven: Prisma.Sql,
): Prisma.Sql {
  const entry = STEP_UP_POLICY[grant.action];
  const { session } = grant.context;
  const spent = entry.grant === "single_use" && grant.usedNow;
  return Prisma.sql`
    INSERT INTO step_up_grants (id, user_id, session_id, challenge_id, mode, "window", action, payload_hash, expires_at, consumed_at)
    SELECT ${grant.id}::uuid, ${session.user.id}::uuid, ${session.id}::uuid, ${grant.challengeId}::uuid,
           ${entry.grant === "sudo" ? "SUDO" : "SINGLE_USE"}::"GrantMode", ${entry.grant === "sudo" ? entry.window : null}::text,
           ${grant.action}::text, ${grant.payloadHash}::text, now() + make_interval(secs => ${STEP_UP_LIMITS.grantSeconds}),
           ${spent ? Prisma.sql`now()` : Prisma.sql`NULL`}
    FROM ${proven}`;
}

/**
 * The grant this change may use, consumed if single-use; null when there is none. Either way the
 * account's row is locked first, as the check of a proof does (lib/step-up/verify.ts): the change
 * runs under it.
 */
export async function useGrant(tx: Tx, context: RequestContext, action: StepUpAction, payloadHash: string): Promise<string | null> {
  const { session } = context;
  const entry = STEP_UP_POLICY[action];
  if (entry.grant === "sudo") {
    // A sudo window is not used up; FOR SHARE makes a concurrent revocation wait for this change.
    const rows = await tx.$queryRaw<{ id: string }[]>`
      WITH account AS (${lockAccount(session.user.id)})
      SELECT id FROM step_up_grants
      WHERE EXISTS (SELECT 1 FROM account)
        AND user_id = ${session.user.id}::uuid AND session_id = ${session.id}::uuid AND mode = 'SUDO' AND "window" = ${entry.window}
        AND expires_at > now() AND consumed_at IS NULL
      ORDER BY expires_at DESC LIMIT 1 FOR SHARE`;
    return rows[0]?.id ?? null;
  }
  const rows = await tx.$queryRaw<{ id: string }[]>`
    WITH account AS (${lockAccount(session.user.id)})
    UPDATE step_up_grants SET consumed_at = now()
    WHERE EXISTS (SELECT 1 FROM account) AND id = (
      SELECT id FROM step_up_grants
      WHERE user_id = ${session.user.id}::uuid AND session_id = ${session.id}::uuid AND mode = 'SINGLE_USE'
        AND action = ${action} AND payload_hash = ${payloadHash} AND expires_at > now() AND consumed_at IS NULL
      ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED)
    RETURNING id`;
  return rows[0]?.id ?? null;
}

function lockAccount(userId: string): Prisma.Sql {
  return Prisma.sql`SELECT id FROM users WHERE id = ${userId}::uuid FOR UPDATE`;
}

/** The audit row of a change let through by a grant. */
export function grantUsedEvent(context: RequestContext, action: StepUpAction, grantId: string): AuditEventInput {
  return {
    type: "step_up.grant_used",
    actor: context.session.user,
    target: { type: "step_up_grant", id: grantId },
    reason: action,
    meta: context.meta,
  };
}

/**
 * After a change of who the account's inbox is (email change) nothing proven by the old inbox may
 * stay usable: pending challenges and their codes end, unused grants and sudo windows close.
 */
export async function endStepUpFor(tx: Tx, userId: string): Promise<{ challenges: number; grants: number }> {
  const [ended] = await tx.$queryRaw<{ count: number }[]>`
    WITH ended AS (
      UPDATE step_up_challenges SET cancelled_at = now()
      WHERE user_id = ${userId}::uuid AND cancelled_at IS NULL AND verified_at IS NULL
      RETURNING code_id, expires_at > now() AS open),
    codes AS (
      UPDATE one_time_codes SET consumed_at = now() WHERE id IN (SELECT code_id FROM ended) AND consumed_at IS NULL)
    SELECT count(*) FILTER (WHERE open)::int AS count FROM ended`;
  const grants = await tx.$executeRaw`
    UPDATE step_up_grants SET consumed_at = now()
    WHERE user_id = ${userId}::uuid AND consumed_at IS NULL AND expires_at > now()`;
  return { challenges: ended?.count ?? 0, grants };
}
