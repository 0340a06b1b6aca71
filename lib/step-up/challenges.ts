import "server-only";
import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { Translate } from "@/i18n/translate";
import { requestTranslator, translatorFor } from "@/i18n/translator";
import { recordAuditEvent } from "@/lib/audit/record";
import { db, type Tx } from "@/lib/db";
import type { RequestContext } from "@/lib/http/context";
import { mintLinkToken } from "@/lib/http/link-token";
import { hitRateLimit, resetRateLimit } from "@/lib/rate-limit";
import type { CurrentSession } from "@/lib/sessions/lifecycle";
import { describeChallenge, storedDescription, storedDetails } from "@/lib/step-up/describe";
import { assertNotLocked } from "@/lib/step-up/lockout";
import { hashPayload } from "@/lib/step-up/payload";
import { STEP_UP_LIMITS, STEP_UP_POLICY, type StepUpAction, type StepUpPayloads } from "@/lib/step-up/policy";
import {
  kindsToPrepare,
  PROOF_METHODS,
  readProofFacts,
  requiredSteps,
  type ChallengeForProof,
  type PreparedProof,
} from "@/lib/step-up/proofs";
import { EMAIL_CODE_POLICY, resendAvailableAt, resendEmailCode } from "@/lib/step-up/proofs/email-code";
import { passkeyRequestOptions } from "@/lib/step-up/proofs/passkey";
import { AppError } from "@/shared/errors";
import { isUuid, maskEmail } from "@/shared/format";
import type { ProofKind, StepUpChallengeDto } from "@/shared/step-up";

/**
 * A step-up challenge: bound to (user, session, action, payload hash), answered with the proofs its
 * action's policy names, with 5 tries and 10 minutes shared by all of them.
 */

const detailsSchema = z.record(z.string(), z.string());

export type OwnChallenge = ChallengeForProof & { action: StepUpAction; payloadHash: string };

/**
 * Creates a challenge and sets up its proofs (the code is emailed). Within the resend cooldown the
 * same request gets the pending challenge back instead of a second email, so double submits and
 * parallel requests send one code.
 */
export async function startChallenge<A extends StepUpAction>(
  context: RequestContext,
  action: A,
  payload: StepUpPayloads[A],
): Promise<StepUpChallengeDto> {
  const { session, meta } = context;
  await assertNotLocked(session.user.id);
  const payloadHash = hashPayload(action, payload);
  const steps = requiredSteps(await readProofFacts(db, session.user.id), action);

  const cooldownKey = `step-up:start:${session.id}:${payloadHash}`;
  const cooldown = await hitRateLimit(cooldownKey, { limit: 1, windowSeconds: EMAIL_CODE_POLICY.resendCooldownSeconds });
  if (!cooldown.allowed) {
    const pending = await findPendingChallenge(session, action, payloadHash, steps);
    if (pending) return pending;
    throw new AppError("RESEND_TOO_SOON", { retryAfterSeconds: cooldown.retryAfterSeconds });
  }

  const challenge: OwnChallenge = {
    id: randomUUID(),
    action,
    payloadHash,
    // Phrases, not words: each reader puts them into its own language (lib/step-up/describe.ts).
    description: storedDescription(STEP_UP_POLICY[action].describe(payload)),
    details: storedDetails(STEP_UP_POLICY[action].details(payload)),
    codeId: null,
  };
  const cancelToken = mintLinkToken();
  const prepared: PreparedProof[] = [];
  try {
    for (const kind of kindsToPrepare(steps)) {
      const proof = await PROOF_METHODS[kind].prepare?.({ challenge, context, cancelToken: cancelToken.token });
      if (proof) prepared.push(proof);
    }
    await db.$transaction(async (tx) => {
      // Its lifetime by database time, like every limit here.
      await tx.$executeRaw`
        INSERT INTO step_up_challenges (id, user_id, session_id, action, payload_hash, description, details, cancel_token_hash, max_attempts, expires_at, ip, user_agent)
        VALUES (${challenge.id}::uuid, ${session.user.id}::uuid, ${session.id}::uuid, ${action}, ${payloadHash}, ${challenge.description},
                ${JSON.stringify(challenge.details)}::jsonb, ${cancelToken.hash}, ${STEP_UP_LIMITS.attemptsPerChallenge},
                now() + make_interval(secs => ${STEP_UP_LIMITS.challengeSeconds}), ${meta.ip}::inet, ${meta.userAgent})`;
      for (const proof of prepared) await proof.store(tx);
      await recordAuditEvent(tx, {
        type: "step_up.challenge_sent",
        actor: session.user,
        target: { type: "step_up_challenge", id: challenge.id },
        reason: action,
        meta,
      });
    });
  } catch (error) {
    await Promise.all(prepared.map((proof) => proof.release()));
    throw error;
  }
  try {
    for (const proof of prepared) await proof.deliver();
  } catch (error) {
    // Nobody can answer this challenge now; make sure nobody ever can, and that an immediate retry is not held back.
    await db.$transaction((tx) => closeChallenge(tx, challenge.id));
    await resetRateLimit(cooldownKey);
    throw error;
  }
  return toDto(await ownChallenge(session, challenge.id), session, steps);
}

/**
 * A new code for the same challenge (the previous one stops working, tries are never given back),
 * or its first one when the challenge started on a passkey ("Email me a code instead").
 */
export async function resendChallenge(context: RequestContext, challengeId: string): Promise<StepUpChallengeDto> {
  const { session, meta } = context;
  const challenge = await ownChallenge(session, challengeId);
  await assertNotLocked(session.user.id);
  const live = await db.stepUpChallenge.findFirst({
    where: { id: challenge.id, verifiedAt: null, attempts: { lt: STEP_UP_LIMITS.attemptsPerChallenge } },
    select: { id: true },
  });
  if (!live) throw new AppError("CODE_INVALID");
  await resendEmailCode(context, challenge, async () => {
    // A fresh "This wasn't me" link too: the old email's link must not outlive its code.
    const cancelToken = mintLinkToken();
    await db.$transaction(async (tx) => {
      await tx.stepUpChallenge.update({ where: { id: challenge.id }, data: { cancelTokenHash: cancelToken.hash } });
      await recordAuditEvent(tx, {
        type: "step_up.challenge_resent",
        actor: session.user,
        target: { type: "step_up_challenge", id: challenge.id },
        reason: challenge.action,
        meta,
      });
    });
    return cancelToken.token;
  });
  return toDto(
    await ownChallenge(session, challenge.id),
    session,
    requiredSteps(await readProofFacts(db, session.user.id), challenge.action),
  );
}

/** The user closed the modal: the challenge can no longer be used. */
export async function cancelChallenge(context: RequestContext, challengeId: string): Promise<void> {
  const { session, meta } = context;
  const challenge = await ownChallenge(session, challengeId);
  await db.$transaction(async (tx) => {
    if (!(await closeChallenge(tx, challenge.id))) return;
    await recordAuditEvent(tx, {
      type: "step_up.cancelled",
      actor: session.user,
      target: { type: "step_up_challenge", id: challenge.id },
      reason: "dismissed",
      meta,
    });
  });
}

/** Ends a challenge and its code; true only for the caller that ended it. */
export async function closeChallenge(tx: Tx, challengeId: string): Promise<boolean> {
  const closed = await tx.stepUpChallenge.updateManyAndReturn({
    where: { id: challengeId, cancelledAt: null },
    data: { cancelledAt: new Date() },
    select: { codeId: true },
  });
  const codeId = closed[0]?.codeId;
  if (codeId) await tx.oneTimeCode.updateMany({ where: { id: codeId, consumedAt: null }, data: { consumedAt: new Date() } });
  return closed.length === 1;
}

/** Another user's or another session's challenge is treated exactly like an unknown one. */
export async function ownChallenge(session: CurrentSession, challengeId: string): Promise<OwnChallenge> {
  const challenge = isUuid(challengeId)
    ? await db.stepUpChallenge.findFirst({
        where: { id: challengeId, userId: session.user.id, sessionId: session.id, cancelledAt: null },
        select: { id: true, action: true, description: true, details: true, payloadHash: true, codeId: true },
      })
    : null;
  const own = challenge ? asOwnChallenge(challenge) : null;
  if (!own) throw new AppError("CODE_INVALID");
  return own;
}

/** A challenge row as read (by `ownChallenge` or by a caller's own statement); null when its action is no longer in the policy. */
export function asOwnChallenge(row: Omit<OwnChallenge, "action" | "details"> & { action: string; details: unknown }): OwnChallenge | null {
  if (!(row.action in STEP_UP_POLICY)) return null;
  return { ...row, action: row.action as StepUpAction, details: detailsSchema.parse(row.details) };
}

async function findPendingChallenge(
  session: CurrentSession,
  action: StepUpAction,
  payloadHash: string,
  steps: ProofKind[][],
): Promise<StepUpChallengeDto | null> {
  const pending = await db.stepUpChallenge.findFirst({
    where: {
      sessionId: session.id,
      action,
      payloadHash,
      cancelledAt: null,
      verifiedAt: null,
      expiresAt: { gt: new Date() },
      attempts: { lt: STEP_UP_LIMITS.attemptsPerChallenge },
    },
    orderBy: { createdAt: "desc" },
    select: { id: true },
  });
  return pending ? toDto(await ownChallenge(session, pending.id), session, steps) : null;
}

async function toDto(challenge: OwnChallenge, session: CurrentSession, steps: ProofKind[][]): Promise<StepUpChallengeDto> {
  const state = await db.stepUpChallenge.findUniqueOrThrow({
    where: { id: challenge.id },
    select: { expiresAt: true, attempts: true, maxAttempts: true },
  });
  return {
    id: challenge.id,
    action: challenge.action,
    description: describeChallenge(await readerTranslator(), challenge.description),
    maskedEmail: maskEmail(session.user.email),
    expiresAt: state.expiresAt.toISOString(),
    resendAvailableAt: (await resendAvailableAt(challenge.codeId)).toISOString(),
    attemptsLeft: Math.max(0, state.maxAttempts - state.attempts),
    steps,
    codeSent: challenge.codeId !== null,
    passkeyOptions: steps.flat().includes("passkey") ? await passkeyRequestOptions(challenge.id, session.user.id) : null,
  };
}

/** The modal shows the challenge in the request's language; outside a request (scripts, benches), in English. */
async function readerTranslator(): Promise<Translate<"stepUpActions">> {
  try {
    return await requestTranslator("stepUpActions");
  } catch {
    return translatorFor("en", "stepUpActions");
  }
}
