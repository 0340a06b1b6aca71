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

/**
 * Checks an authenticator code for a user with 2FA on. Each time step is accepted once: the
 * step is recorded by one conditional UPDATE, so a code seen over someone's shoulder (or sent
 * twice in parallel) is refused the second time.
 */
export async function acceptTotp(tx: Tx, userId: string, code: string): Promise<boolean> {
  const rows = await tx.$queryRaw<{ two_factor_secret: string | null }[]>`
    SELECT two_factor_secret FROM users WHERE id = ${userId}::uuid AND two_factor_enabled_at IS NOT NULL`;
  const sealed = rows[0]?.two_factor_secret;
  if (!sealed) return false;
  const { secret, stale } = openSecret(userId, sealed);
  const step = matchTotp(secret, code);
  if (step === null) return false;
  const accepted = await tx.$executeRaw`
    UPDATE users SET totp_last_step = ${step}
    WHERE id = ${userId}::uuid AND (totp_last_step IS NULL OR totp_last_step < ${step})`;
  if (accepted === 1 && stale) {
    await tx.$executeRaw`UPDATE users SET two_factor_secret = ${sealSecret(userId, secret)} WHERE id = ${userId}::uuid`;
  }
  return accepted === 1;
}
