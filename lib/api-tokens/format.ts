import "server-only";
import { randomBytes } from "node:crypto";
import { crc32 } from "node:zlib";

/**
 * `asec_` + 32 base62 characters (190 random bits) + a 6-character CRC32 checksum.
 * The prefix lets secret scanners spot leaked tokens; the checksum rejects typos and
 * random strings without a database lookup.
 */
export const TOKEN_PREFIX = "asec_";
const BODY_LENGTH = 32;
const CHECKSUM_LENGTH = 6;
const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const TOKEN_PATTERN = new RegExp(`^${TOKEN_PREFIX}[0-9A-Za-z]{${BODY_LENGTH + CHECKSUM_LENGTH}}$`);

export function generateToken(): string {
  let body = "";
  while (body.length < BODY_LENGTH) {
    for (const byte of randomBytes(BODY_LENGTH)) {
      // Rejection sampling keeps every character equally likely (248 = 4 × 62).
      if (byte < 248 && body.length < BODY_LENGTH) body += ALPHABET[byte % 62];
    }
  }
  return `${TOKEN_PREFIX}${body}${checksum(body)}`;
}

export function isWellFormedToken(token: string): boolean {
  if (!TOKEN_PATTERN.test(token)) return false;
  const body = token.slice(TOKEN_PREFIX.length, TOKEN_PREFIX.length + BODY_LENGTH);
  return token.slice(-CHECKSUM_LENGTH) === checksum(body);
}

/** What the UI shows to tell tokens apart: never enough to use one. */
export function displayPrefix(token: string): string {
  return token.slice(0, TOKEN_PREFIX.length + 6);
}

function checksum(body: string): string {
  let value = crc32(body);
  let out = "";
  for (let i = 0; i < CHECKSUM_LENGTH; i++) {
    out = (ALPHABET[value % 62] ?? "0") + out;
    value = Math.floor(value / 62);
  }
  return out;
}
