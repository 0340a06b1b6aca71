import "server-only";
import { randomBytes } from "node:crypto";
import { sha256Hex } from "@/lib/crypto";

/**
 * The secrets that travel in an emailed link or a cookie ("This wasn't me", the second sign-in
 * step): 256 random bits, of which only the SHA-256 is stored.
 */
export function mintLinkToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString("base64url");
  return { token, hash: sha256Hex(token) };
}

/** The stored hash of a token that has the right shape, or null: anything else is not looked up at all. */
export function linkTokenHash(token: string): string | null {
  return /^[A-Za-z0-9_-]{20,100}$/.test(token) ? sha256Hex(token) : null;
}
