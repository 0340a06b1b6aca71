import "server-only";
import type { RateRule } from "@/lib/rate-limit";

export const SIGN_IN_LIMITS = {
  perAccount: { limit: 5, windowSeconds: 15 * 60 },
  perIp: { limit: 30, windowSeconds: 15 * 60 },
} satisfies Record<string, RateRule>;

/** Password guesses for one account, wherever they come from (sign-in or password change). */
export function signInAccountKey(email: string): string {
  return `sign-in:account:${email}`;
}

/** Second-factor guesses for one account (the page after the password), limited like the password. */
export function secondFactorAccountKey(userId: string): string {
  return `second-factor:account:${userId}`;
}
