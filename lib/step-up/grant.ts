import "server-only";
import { recordAuditEvent } from "@/lib/audit/record";
import { db, type Tx } from "@/lib/db";
import type { RequestContext } from "@/lib/http/context";
import { ownChallenge, startChallenge } from "@/lib/step-up/challenge";
import { hashPayload } from "@/lib/step-up/payload";
import { STEP_UP_POLICY, type StepUpAction, type StepUpPayloads } from "@/lib/step-up/policy";
import { checkStepUpProof } from "@/lib/step-up/verify";
import { AppError } from "@/shared/errors";

/**
 * Runs `change` only with a valid step-up grant, consuming the grant in the same transaction
 * as the change (and its audit row): a failed change leaves the grant unused, a replay finds
 * none. Without a grant nothing changes: a challenge is emailed and STEP_UP_REQUIRED thrown.
 *
 * With the modal's proof in the context, the code is checked, the grant minted and used, and
 * the change made in one transaction: one round trip after the user types the code, and no
 * single-use grant ever waits in the table between requests. A wrong code still commits (the
 * attempt counts) and changes nothing; a failed change rolls the check back, so the code
 * stays usable. A proof answers only the challenge sent for this very change.
 */
export async function withStepUp<A extends StepUpAction, T>(
  context: RequestContext,
  action: A,
  payload: StepUpPayloads[A],
  change: (tx: Tx) => Promise<T>,
): Promise<T> {
  const payloadHash = hashPayload(action, payload);
  const { proof } = context;
  const challenge = proof ? await ownChallenge(context.session, proof.challengeId) : null;
  if (challenge && (challenge.action !== action || challenge.payloadHash !== payloadHash)) throw new AppError("CODE_INVALID");
  const outcome = await db.$transaction(async (tx) => {
    const refusal = challenge && proof ? await checkStepUpProof(tx, context, challenge, proof) : null;
    if (refusal) return { granted: false as const, refusal };
    const grantId = await useGrant(tx, context, action, payloadHash);
    if (!grantId) return { granted: false as const };
    await recordAuditEvent(tx, {
      type: "step_up.grant_used",
      actor: context.session.user,
      target: { type: "step_up_grant", id: grantId },
      reason: action,
      meta: context.meta,
    });
    return { granted: true as const, value: await change(tx) };
  });
  if (outcome.granted) return outcome.value;
  if (outcome.refusal) throw outcome.refusal;
  const started = await startChallenge(context, action, payload);
  throw new AppError("STEP_UP_REQUIRED", { challenge: started });
}

async function useGrant(tx: Tx, context: RequestContext, action: StepUpAction, payloadHash: string): Promise<string | null> {
  const { session } = context;
  if (STEP_UP_POLICY[action].grant === "sudo") {
    // A sudo window is not used up; FOR SHARE makes a concurrent revocation wait for this change.
    const rows = await tx.$queryRaw<{ id: string }[]>`
      SELECT id FROM step_up_grants
      WHERE user_id = ${session.user.id}::uuid AND session_id = ${session.id}::uuid AND mode = 'SUDO'
        AND expires_at > now() AND consumed_at IS NULL
      ORDER BY expires_at DESC LIMIT 1 FOR SHARE`;
    return rows[0]?.id ?? null;
  }
  const rows = await tx.$queryRaw<{ id: string }[]>`
    UPDATE step_up_grants SET consumed_at = now()
    WHERE id = (
      SELECT id FROM step_up_grants
      WHERE user_id = ${session.user.id}::uuid AND session_id = ${session.id}::uuid AND mode = 'SINGLE_USE'
        AND action = ${action} AND payload_hash = ${payloadHash} AND expires_at > now() AND consumed_at IS NULL
      ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED)
    RETURNING id`;
  return rows[0]?.id ?? null;
}

/**
 * After a change of who the account's inbox is (email change) nothing proven by the old
 * inbox may stay usable: pending codes and challenges end, unused grants and sudo windows close.
 */
export async function endStepUpFor(tx: Tx, userId: string): Promise<void> {
  await tx.$executeRaw`
    WITH ended AS (
      UPDATE one_time_codes c SET consumed_at = now()
      FROM step_up_challenges s
      WHERE s.id = c.id AND s.user_id = ${userId}::uuid AND s.cancelled_at IS NULL AND c.consumed_at IS NULL
      RETURNING c.id)
    UPDATE step_up_challenges SET cancelled_at = now() WHERE id IN (SELECT id FROM ended)`;
  await tx.$executeRaw`
    UPDATE step_up_grants SET consumed_at = now()
    WHERE user_id = ${userId}::uuid AND consumed_at IS NULL AND expires_at > now()`;
}
