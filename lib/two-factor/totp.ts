import "server-only";
import { generateSecret, generateURI, verifySync } from "otplib";
import QRCode from "qrcode";
import type { Tx } from "@/lib/db";
import { openSecret, sealSecret } from "@/lib/two-factor/secret-box";

export const TOTP_SETTINGS = {
  issuer: "Account Security",
  periodSeconds: 30,
  /** 160 bits, the RFC 4226 recommendation, and what authenticator apps expect. */
  secretBytes: 20,
} as const;

export function newTotpSecret(): string {
  return generateSecret({ length: TOTP_SETTINGS.secretBytes });
}

export function totpUri(email: string, secret: string): string {
  return generateURI({ issuer: TOTP_SETTINGS.issuer, label: email, secret });
}

export function totpQrSvg(uri: string): Promise<string> {
  return QRCode.toString(uri, { type: "svg", errorCorrectionLevel: "M", margin: 1 });
}

/** The key for typing by hand, in groups of four. */
export function groupManualKey(secret: string): string {
  return secret.replace(/(.{4})(?=.)/g, "$1 ");
}

/** The time step a 6-digit code belongs to, accepting one step of clock drift either way; null if none. */
export function matchTotp(secret: string, code: string): number | null {
  const result = verifySync({ secret, token: code, epoch: Math.floor(Date.now() / 1000), epochTolerance: TOTP_SETTINGS.periodSeconds });
  return result.valid && "timeStep" in result ? result.timeStep : null;
}

/** A code that belongs to a time step not yet used; `reseal`: the secret under the current key, when it was sealed under an older one. */
export type TotpMatch = { step: number; reseal: string | null };

/** Finds the time step of an authenticator code for a user with 2FA on, if that step has not been used yet. */
export async function matchTotpStep(tx: Tx, userId: string, code: string): Promise<TotpMatch | null> {
  const rows = await tx.$queryRaw<{ two_factor_secret: string | null; totp_last_step: number | null }[]>`
    SELECT two_factor_secret, totp_last_step FROM users WHERE id = ${userId}::uuid AND two_factor_enabled_at IS NOT NULL`;
  const row = rows[0];
  if (!row?.two_factor_secret) return null;
  const { secret, stale } = openSecret(userId, row.two_factor_secret);
  const step = matchTotp(secret, code);
  if (step === null || (row.totp_last_step !== null && row.totp_last_step >= step)) return null;
  return { step, reseal: stale ? sealSecret(userId, secret) : null };
}

/**
 * Uses up a time step: one conditional UPDATE, so a code seen over someone's shoulder (or sent
 * twice in parallel) is accepted once.
 */
export async function recordTotpStep(tx: Tx, userId: string, match: TotpMatch): Promise<boolean> {
  const recorded = await tx.$executeRaw`
    UPDATE users SET totp_last_step = ${match.step}
    WHERE id = ${userId}::uuid AND (totp_last_step IS NULL OR totp_last_step < ${match.step})`;
  if (recorded === 1 && match.reseal) await tx.$executeRaw`UPDATE users SET two_factor_secret = ${match.reseal} WHERE id = ${userId}::uuid`;
  return recorded === 1;
}

/** Checks and uses up an authenticator code in one go (signing in). */
export async function acceptTotp(tx: Tx, userId: string, code: string): Promise<boolean> {
  const match = await matchTotpStep(tx, userId, code);
  return match ? recordTotpStep(tx, userId, match) : false;
}
