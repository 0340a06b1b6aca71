import "server-only";
import { SECOND_FACTOR_SIGN_IN } from "@/lib/auth/second-factor-sign-in";
import { clearHostCookie, readHostCookie, setHostCookie } from "@/lib/http/host-cookie";

// The token from step one of signing in stays in this browser, never in a URL.
const COOKIE = "second_factor_sign_in";

export function setSecondFactorCookie(token: string): Promise<void> {
  return setHostCookie(COOKIE, token, SECOND_FACTOR_SIGN_IN.ttlSeconds);
}

export function readSecondFactorCookie(): Promise<string | null> {
  return readHostCookie(COOKIE);
}

export function clearSecondFactorCookie(): Promise<void> {
  return clearHostCookie(COOKIE);
}
