import "server-only";
import { randomUUID } from "node:crypto";
import type { WebAuthnPurpose } from "@/generated/prisma/enums";
import { Prisma, type Tx } from "@/lib/db";
import { WEBAUTHN_CHALLENGE_SECONDS } from "@/lib/passkeys/relying-party";

/**
 * WebAuthn challenges live in Postgres: random (from @simplewebauthn's option generators), single
 * use, 5 minutes by database time, bound to what they were issued for (a registration or step-up
 * to its user and session, a step-up one to its step-up challenge and so its action and payload).
 */
export async function storeWebAuthnChallenge(
  client: Tx,
  challenge: string,
  owner: { purpose: WebAuthnPurpose; userId?: string; sessionId?: string; stepUpChallengeId?: string },
): Promise<void> {
  // Expired rows are of no use to anyone; each new one sweeps a few (indexed on expires_at).
  await client.$executeRaw`
    DELETE FROM webauthn_challenges WHERE id IN (
      SELECT id FROM webauthn_challenges WHERE expires_at < now() - interval '1 hour' LIMIT 20)`;
  await client.$executeRaw`
    INSERT INTO webauthn_challenges (id, challenge, purpose, user_id, session_id, step_up_challenge_id, expires_at)
    VALUES (${randomUUID()}::uuid, ${challenge}, ${owner.purpose}::"WebAuthnPurpose", ${owner.userId ?? null}::uuid,
            ${owner.sessionId ?? null}::uuid, ${owner.stepUpChallengeId ?? null}::uuid,
            now() + make_interval(secs => ${WEBAUTHN_CHALLENGE_SECONDS}))`;
}

export type LiveChallenge = {
  id: string;
  challenge: string;
  userId: string | null;
  sessionId: string | null;
  stepUpChallengeId: string | null;
};

/** The unexpired, unused challenge with this value and purpose, if any. */
export async function findLiveChallenge(client: Tx, challenge: string, purpose: WebAuthnPurpose): Promise<LiveChallenge | null> {
  const rows = await client.$queryRaw<LiveChallenge[]>(liveChallengeQuery(challenge, purpose));
  return rows[0] ?? null;
}

/** The query of `findLiveChallenge`, for a caller that joins it into a larger statement. */
export function liveChallengeQuery(challenge: string | null, purpose: WebAuthnPurpose): Prisma.Sql {
  return Prisma.sql`
    SELECT id, challenge, user_id AS "userId", session_id AS "sessionId", step_up_challenge_id AS "stepUpChallengeId" FROM webauthn_challenges
    WHERE challenge = ${challenge} AND purpose = ${purpose}::"WebAuthnPurpose" AND consumed_at IS NULL AND expires_at > now()`;
}

/** Spends a challenge; true for exactly one caller. Run it in the transaction of what it unlocks. */
export async function consumeWebAuthnChallenge(tx: Tx, id: string): Promise<boolean> {
  return (await tx.$queryRaw<unknown[]>(consumeWebAuthnChallengeStatement(id))).length === 1;
}

/** The same as one statement that a caller may run inside a larger one: a row for exactly one caller. */
export function consumeWebAuthnChallengeStatement(id: string): Prisma.Sql {
  return Prisma.sql`
    UPDATE webauthn_challenges SET consumed_at = now() WHERE id = ${id}::uuid AND consumed_at IS NULL AND expires_at > now()
    RETURNING id`;
}

/** The challenge a browser answered, read from its clientDataJSON (then looked up; never trusted). */
export function answeredChallenge(clientDataJSON: string): string | null {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(clientDataJSON, "base64url").toString("utf8"));
    const challenge = (parsed as { challenge?: unknown }).challenge;
    return typeof challenge === "string" && /^[A-Za-z0-9_-]{16,200}$/.test(challenge) ? challenge : null;
  } catch {
    return null;
  }
}
