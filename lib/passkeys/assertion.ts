import "server-only";
import { verifyAuthenticationResponse } from "@simplewebauthn/server";
import type { WebAuthnPurpose } from "@/generated/prisma/enums";
import { preparedStatement, Prisma, type Tx } from "@/lib/db";
import { answeredChallenge, consumeWebAuthnChallengeStatement, liveChallengeQuery, type LiveChallenge } from "@/lib/passkeys/challenges";
import { relyingParty } from "@/lib/passkeys/relying-party";
import { authenticationResponseSchema } from "@/shared/passkeys";

/** Why an assertion was refused: recorded in the audit log, never told to the user (one generic message). */
type AssertionRefusal =
  "malformed" | "unknown_credential" | "challenge_invalid" | "user_mismatch" | "verification_failed" | "counter_regressed";

export type CheckedAssertion =
  | { ok: true; challengeId: string; passkey: { id: string; userId: string; name: string }; newCounter: number; backedUp: boolean }
  | { ok: false; reason: AssertionRefusal; passkey?: { id: string; userId: string } };

type PasskeyRow = { id: string; user_id: string; name: string; public_key: Uint8Array; counter: bigint; transports: string[] };
type CheckedAssertionOk = Extract<CheckedAssertion, { ok: true }>;

/**
 * Checks a browser's WebAuthn assertion against a live challenge of `purpose` (and, for step-up,
 * exactly that step-up challenge): the credential must exist (and be `userId`'s when given), the
 * user handle name its owner, and @simplewebauthn verify origin and RP ID (from APP_URL), user
 * verification, the signature and a counter that never goes backwards (0 stays allowed for
 * synced passkeys). Changes nothing; `spendAssertion` does, in the transaction it unlocks.
 */
export async function checkAssertion(
  client: Tx,
  responseText: string,
  expected: { purpose: WebAuthnPurpose; userId?: string; sessionId?: string; stepUpChallengeId?: string },
): Promise<CheckedAssertion> {
  const response = parseResponse(responseText);
  if (!response) return { ok: false, reason: "malformed" };
  const { passkey, challenge } = await findCredentialAndChallenge(client, response.id, response.response.clientDataJSON, expected.purpose);
  if (!passkey || (expected.userId && passkey.user_id !== expected.userId)) return { ok: false, reason: "unknown_credential" };
  const owner = { id: passkey.id, userId: passkey.user_id };
  if (response.response.userHandle !== undefined && response.response.userHandle !== userHandleOf(passkey.user_id))
    return { ok: false, reason: "user_mismatch", passkey: owner };

  const bound =
    challenge &&
    (expected.sessionId === undefined || challenge.sessionId === expected.sessionId) &&
    (expected.stepUpChallengeId === undefined || challenge.stepUpChallengeId === expected.stepUpChallengeId);
  if (!challenge || !bound) return { ok: false, reason: "challenge_invalid", passkey: owner };

  const { rpID, origin } = relyingParty();
  try {
    const verified = await verifyAuthenticationResponse({
      response,
      expectedChallenge: challenge.challenge,
      expectedOrigin: origin,
      expectedRPID: rpID,
      requireUserVerification: true,
      credential: {
        id: response.id,
        publicKey: new Uint8Array(passkey.public_key),
        counter: Number(passkey.counter),
        transports: passkey.transports,
      },
    });
    if (!verified.verified) return { ok: false, reason: "verification_failed", passkey: owner };
    return {
      ok: true,
      challengeId: challenge.id,
      passkey: { id: passkey.id, userId: passkey.user_id, name: passkey.name },
      newCounter: verified.authenticationInfo.newCounter,
      backedUp: verified.authenticationInfo.credentialBackedUp,
    };
  } catch (error) {
    // A cloned authenticator shows itself by a counter that does not move forward.
    const reason = error instanceof Error && /counter/i.test(error.message) ? "counter_regressed" : "verification_failed";
    return { ok: false, reason, passkey: owner };
  }
}

/** Spends the challenge and records the use; false when a concurrent request spent it first. */
export async function spendAssertion(tx: Tx, assertion: CheckedAssertionOk): Promise<boolean> {
  const { claim, follow } = assertionSpend(assertion);
  const rows = await tx.$queryRaw<{ claimed: number }[]>`
    WITH claimed AS (${claim}), followed AS (${follow(Prisma.raw("claimed"))})
    SELECT count(*)::int AS claimed FROM claimed`;
  return rows[0]?.claimed === 1;
}

/**
 * Spending as parts of a caller's larger statement: `claim` spends the challenge (a row for exactly
 * one caller), `follow` records the use on the passkey only if the claim (named `claimed`) did.
 */
export function assertionSpend(assertion: CheckedAssertionOk): { claim: Prisma.Sql; follow: (claimed: Prisma.Sql) => Prisma.Sql } {
  return {
    claim: consumeWebAuthnChallengeStatement(assertion.challengeId),
    follow: (claimed) => Prisma.sql`
      UPDATE passkeys SET counter = ${assertion.newCounter}, backed_up = ${assertion.backedUp}, last_used_at = now()
      WHERE id = ${assertion.passkey.id}::uuid AND EXISTS (SELECT 1 FROM ${claimed})`,
  };
}

/** The user handle a passkey carries: the account id's bytes, base64url (as given at registration). */
export function userHandleOf(userId: string): string {
  return Buffer.from(userId, "utf8").toString("base64url");
}

/**
 * The credential (when its account may use it) and, in the same round trip, the live challenge
 * the browser answered: a step-up check counts its statements.
 */
async function findCredentialAndChallenge(
  client: Tx,
  credentialId: string,
  clientDataJSON: string,
  purpose: WebAuthnPurpose,
): Promise<{ passkey: PasskeyRow | null; challenge: LiveChallenge | null }> {
  const rows = await client.$queryRaw<(PasskeyRow & { challenge: LiveChallenge | null })[]>`${preparedStatement("passkey-assertion-lookup")}
    SELECT p.id, p.user_id, p.name, p.public_key, p.counter, p.transports,
      (SELECT to_jsonb(w) FROM (${liveChallengeQuery(answeredChallenge(clientDataJSON), purpose)}) w) AS challenge
    FROM passkeys p JOIN users u ON u.id = p.user_id
    WHERE p.credential_id = ${credentialId} AND u.disabled_at IS NULL AND u.deleted_at IS NULL`;
  const row = rows[0];
  if (!row) return { passkey: null, challenge: null };
  const { challenge, ...passkey } = row;
  return { passkey, challenge };
}

function parseResponse(text: string) {
  try {
    const parsed = authenticationResponseSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
