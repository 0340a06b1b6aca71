import "server-only";
import { refuseDuringRecoveryHold } from "@/lib/account/recovery-hold";
import { recordAuditEvent } from "@/lib/audit/record";
import type { Tx } from "@/lib/db";
import { transactionBatchingInserts } from "@/lib/db/batched-inserts";
import type { RequestContext } from "@/lib/http/context";
import { startChallenge } from "@/lib/step-up/challenges";
import { grantUsedEvent, useGrant } from "@/lib/step-up/grants";
import { hashPayload } from "@/lib/step-up/payload";
import type { StepUpAction, StepUpPayloads } from "@/lib/step-up/policy";
import { verifyProofs } from "@/lib/step-up/verify";
import { AppError } from "@/shared/errors";

/**
 * Runs `change` only with a valid step-up grant, in one transaction with the grant's use (and the
 * change's audit row): a failed change leaves the grant unused, a replay finds none. The change
 * runs with the account's row locked (each check below takes that lock first), so one account's
 * protected changes happen one at a time; and its audit rows and queued emails go in as one
 * statement at the end (lib/db/batched-inserts.ts).
 *
 * 0. An action held after a recovery is refused while the hold lasts (lib/account/recovery-hold.ts).
 * 1. With the modal's proofs in the context (sent along with this very change), they are checked
 *    first (lib/step-up/verify.ts), in the same transaction: the grant is minted and used and the
 *    change made, one round trip after the user typed the code, and no single-use grant ever waits
 *    in the table between requests. A wrong proof still commits (its attempt counts) and changes
 *    nothing; a failed change rolls the check back, so the proofs stay usable. Proofs answer only
 *    the challenge sent for this action and payload.
 * 2. Without proofs, a sudo window this action shares, or a single-use grant for exactly this
 *    payload, lets the change through.
 * 3. Otherwise nothing changes: a challenge is started (the code emailed) and STEP_UP_REQUIRED thrown.
 */
export async function withStepUp<A extends StepUpAction, T>(
  context: RequestContext,
  action: A,
  payload: StepUpPayloads[A],
  change: (tx: Tx) => Promise<T>,
): Promise<T> {
  await refuseDuringRecoveryHold(context, action);
  const payloadHash = hashPayload(action, payload);
  const { proof } = context;
  const outcome = await transactionBatchingInserts(async (tx) => {
    if (proof) {
      const refusal = await verifyProofs(tx, context, { action, payloadHash }, proof, "with_change");
      if (refusal) return { granted: false as const, refusal };
    } else {
      const grantId = await useGrant(tx, context, action, payloadHash);
      if (!grantId) return { granted: false as const };
      await recordAuditEvent(tx, grantUsedEvent(context, action, grantId));
    }
    return { granted: true as const, value: await change(tx) };
  });
  if (outcome.granted) return outcome.value;
  if (outcome.refusal) throw outcome.refusal;
  throw new AppError("STEP_UP_REQUIRED", { challenge: await startChallenge(context, action, payload) });
}
