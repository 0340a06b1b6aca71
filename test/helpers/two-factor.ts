import { generateSync } from "otplib";
import { db } from "@/lib/db";
import { replaceRecoveryCodes } from "@/lib/two-factor/recovery-codes";
import { sealSecret } from "@/lib/two-factor/secret-box";
import { newTotpSecret, TOTP_SETTINGS } from "@/lib/two-factor/totp";
import type { TestUser } from "@/test/helpers/step-up";

/** The authenticator app: the code for now, or `steps` periods away (negative = earlier). */
export function totpCode(secret: string, steps = 0): string {
  return generateSync({ secret, epoch: Math.floor(Date.now() / 1000) + steps * TOTP_SETTINGS.periodSeconds });
}

/** The manual key as the set-up dialog shows it (grouped) back to the raw base32 secret. */
export function secretFromManualKey(manualKey: string): string {
  return manualKey.replace(/\s/g, "");
}

/**
 * Turns 2FA on for `user` directly (as a finished enrolment would), so tests of what 2FA
 * protects do not have to drive the enrolment each time. Returns the secret and recovery codes.
 */
export async function enableTwoFactorFor(user: TestUser): Promise<{ secret: string; recoveryCodes: string[] }> {
  const secret = newTotpSecret();
  const recoveryCodes = await db.$transaction(async (tx) => {
    await tx.user.update({
      where: { id: user.id },
      data: { twoFactorSecret: sealSecret(user.id, secret), twoFactorEnabledAt: new Date(), totpLastStep: null },
    });
    return replaceRecoveryCodes(tx, user.id);
  });
  return { secret, recoveryCodes };
}

/** The stored (sealed) secret column, read past the client's `omit`. */
export async function storedTwoFactorSecret(userId: string): Promise<string | null> {
  const rows = await db.$queryRaw<{ two_factor_secret: string | null }[]>`SELECT two_factor_secret FROM users WHERE id = ${userId}::uuid`;
  return rows[0]?.two_factor_secret ?? null;
}

/** The TOTP time step the clock is in now. */
export function currentTotpStep(): number {
  return Math.floor(Date.now() / 1000 / TOTP_SETTINGS.periodSeconds);
}

/**
 * Waits, if needed, until at least `marginSeconds` remain in the current time step, so a code
 * computed "n steps away" is still n steps away when the server checks it.
 */
export async function awayFromStepEdge(marginSeconds = 4): Promise<void> {
  const periodMs = TOTP_SETTINGS.periodSeconds * 1000;
  const left = periodMs - (Date.now() % periodMs);
  if (left < marginSeconds * 1000) await new Promise((resolve) => setTimeout(resolve, left + 50));
}

/** A 6-digit code that no step in the ±1 window of `secret` produces right now. */
export function notATotpFor(secret: string): string {
  const valid = new Set([-1, 0, 1].map((steps) => totpCode(secret, steps)));
  for (let n = 0; ; n++) {
    const candidate = String(n).padStart(6, "0");
    if (!valid.has(candidate)) return candidate;
  }
}
