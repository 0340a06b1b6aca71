import "server-only";
import { randomUUID } from "node:crypto";
import {
  generateRegistrationOptions,
  verifyRegistrationResponse,
  type PublicKeyCredentialCreationOptionsJSON,
} from "@simplewebauthn/server";
import { issue } from "@/i18n/issues";
import { recordAuditEvent } from "@/lib/audit/record";
import { db } from "@/lib/db";
import { notifyAccountChange } from "@/lib/email/account-notice";
import type { RequestContext } from "@/lib/http/context";
import { userHandleOf } from "@/lib/passkeys/assertion";
import { answeredChallenge, consumeWebAuthnChallenge, findLiveChallenge, storeWebAuthnChallenge } from "@/lib/passkeys/challenges";
import { toPasskeyDto } from "@/lib/passkeys/manage";
import { defaultPasskeyName } from "@/lib/passkeys/names";
import { relyingParty, WEBAUTHN_CHALLENGE_SECONDS } from "@/lib/passkeys/relying-party";
import { enforceRateLimits } from "@/lib/rate-limit";
import { withStepUp } from "@/lib/step-up/with-step-up";
import { AppError } from "@/shared/errors";
import { registrationResponseSchema, type PasskeyDto } from "@/shared/passkeys";

const MAX_PASSKEYS = 20;

/**
 * Step 1 of adding a passkey: options for the browser — a discoverable credential with user
 * verification required, the user's existing passkeys excluded (the same authenticator is not
 * added twice) — and their challenge, for this session, in Postgres.
 */
export async function passkeyRegistrationOptions(context: RequestContext): Promise<PublicKeyCredentialCreationOptionsJSON> {
  const { user } = context.session;
  await enforceRateLimits([[`passkey-options:user:${user.id}`, { limit: 30, windowSeconds: 3600 }]]);
  const existing = await db.passkey.findMany({ where: { userId: user.id }, select: { credentialId: true, transports: true } });
  if (existing.length >= MAX_PASSKEYS) throw new AppError("LIMIT_REACHED", { limit: MAX_PASSKEYS });
  const { rpID, rpName } = relyingParty();
  const options = await generateRegistrationOptions({
    rpName,
    rpID,
    userName: user.email,
    userDisplayName: user.email,
    userID: new Uint8Array(Buffer.from(user.id, "utf8")),
    attestationType: "none",
    timeout: WEBAUTHN_CHALLENGE_SECONDS * 1000,
    excludeCredentials: existing.map((passkey) => ({ id: passkey.credentialId, transports: passkey.transports as never[] })),
    authenticatorSelection: { residentKey: "required", userVerification: "required" },
  });
  if (options.user.id !== userHandleOf(user.id)) throw new Error("the user handle is not the account id");
  await storeWebAuthnChallenge(db, options.challenge, { purpose: "REGISTRATION", userId: user.id, sessionId: context.session.id });
  return options;
}

/**
 * Step 2: the authenticator's answer is verified (origin and RP ID from APP_URL, user verified,
 * the challenge this session was given), then stored behind high-risk step-up bound to this very
 * credential: a passkey signs in on its own, so adding one asks for what turning 2FA on asks for.
 */
export async function addPasskey(context: RequestContext, responseText: string): Promise<PasskeyDto> {
  const { session, meta } = context;
  const response = parseRegistration(responseText);
  const answered = answeredChallenge(response.response.clientDataJSON);
  const challenge = answered ? await findLiveChallenge(db, answered, "REGISTRATION") : null;
  if (!challenge || challenge.sessionId !== session.id) throw new AppError("PASSKEY_REFUSED");
  const { rpID, origin } = relyingParty();
  const verified = await verifyRegistrationResponse({
    response,
    expectedChallenge: challenge.challenge,
    expectedOrigin: origin,
    expectedRPID: rpID,
    requireUserVerification: true,
  }).catch(() => null);
  const info = verified?.verified ? verified.registrationInfo : undefined;
  if (!info) throw new AppError("PASSKEY_REFUSED");
  if (await db.passkey.findUnique({ where: { credentialId: info.credential.id }, select: { id: true } }))
    throw new AppError("PASSKEY_REFUSED");

  const name = defaultPasskeyName(info.aaguid, meta.userAgent);
  return withStepUp(context, "passkey.add", { credentialId: info.credential.id, name }, async (tx) => {
    if (!(await consumeWebAuthnChallenge(tx, challenge.id))) throw new AppError("PASSKEY_REFUSED");
    const passkey = await tx.passkey.create({
      data: {
        id: randomUUID(),
        userId: session.user.id,
        credentialId: info.credential.id,
        publicKey: new Uint8Array(info.credential.publicKey),
        counter: info.credential.counter,
        transports: info.credential.transports ?? [],
        aaguid: info.aaguid,
        deviceType: info.credentialDeviceType,
        backedUp: info.credentialBackedUp,
        name,
      },
    });
    await recordAuditEvent(tx, {
      type: "passkey.added",
      actor: session.user,
      target: { type: "passkey", id: passkey.id },
      meta,
      metadata: { name, synced: info.credentialBackedUp },
    });
    await notifyAccountChange(tx, context, { notice: "passkeyAdded", values: { name }, facts: { passkey: name } });
    return toPasskeyDto(passkey);
  });
}

function parseRegistration(text: string) {
  try {
    const parsed = registrationResponseSchema.safeParse(JSON.parse(text));
    if (parsed.success) return parsed.data;
  } catch {
    // Not JSON: the same answer as JSON of the wrong shape.
  }
  throw new AppError("VALIDATION_FAILED", { fieldErrors: { response: [issue("passkeyInvalid")] } });
}
