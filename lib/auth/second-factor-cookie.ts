import "server-only";
import { SECOND_FACTOR_SIGN_IN } from "@/lib/auth/second-factor-sign-in";
import { clearPendingCookie, readPendingCookie, setPendingCookie } from "@/lib/http/host-cookie";

// The token from step one of signing in stays in this browser, never in a URL.
const COOKIE = "second_factor_sign_in";

export function setSecondFactorCookie(token: string): Promise<void> {
  return setPendingCookie(COOKIE, token, SECOND_FACTOR_SIGN_IN.ttlSeconds);
}

export function readSecondFactorCookie(): Promise<string | null> {
  return readPendingCookie(COOKIE);
}

export function clearSecondFactorCookie(): Promise<void> {
  return clearPendingCookie(COOKIE);
}
