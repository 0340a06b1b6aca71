import "server-only";
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { sha256Hex } from "@/lib/crypto";
import { getEnv } from "@/lib/env";

/**
 * TOTP secrets at rest: AES-256-GCM under TOTP_ENCRYPTION_KEY, with the user id as associated
 * data so a ciphertext copied onto another account does not decrypt. The key id in each value
 * lets old keys (TOTP_ENCRYPTION_KEYS_PREVIOUS) keep working during a rotation.
 * Format: v1.<key id>.<iv>.<tag>.<ciphertext>, base64url parts.
 */
const VERSION = "v1";

type Key = { id: string; bytes: Buffer };

function keyFrom(base64: string): Key {
  const bytes = Buffer.from(base64, "base64");
  return { id: sha256Hex(bytes.toString("hex")).slice(0, 8), bytes };
}

function keys(): { current: Key; readable: Key[] } {
  const env = getEnv();
  const current = keyFrom(env.TOTP_ENCRYPTION_KEY);
  return { current, readable: [current, ...env.TOTP_ENCRYPTION_KEYS_PREVIOUS.map(keyFrom)] };
}

export function sealSecret(userId: string, secret: string): string {
  const { current } = keys();
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", current.bytes, iv);
  cipher.setAAD(Buffer.from(userId));
  const ciphertext = Buffer.concat([cipher.update(secret, "utf8"), cipher.final()]);
  return [VERSION, current.id, iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), ciphertext.toString("base64url")].join(
    ".",
  );
}

/** The secret, and whether it was sealed under an older key (so the caller can re-seal it). */
export function openSecret(userId: string, sealed: string): { secret: string; stale: boolean } {
  const [version, keyId, iv, tag, ciphertext] = sealed.split(".");
  const { current, readable } = keys();
  const key = readable.find((candidate) => candidate.id === keyId);
  if (version !== VERSION || !key || !iv || !tag || !ciphertext) throw new Error("TOTP secret sealed under an unknown key");
  const decipher = createDecipheriv("aes-256-gcm", key.bytes, Buffer.from(iv, "base64url"));
  decipher.setAAD(Buffer.from(userId));
  decipher.setAuthTag(Buffer.from(tag, "base64url"));
  const secret = Buffer.concat([decipher.update(Buffer.from(ciphertext, "base64url")), decipher.final()]).toString("utf8");
  return { secret, stale: key.id !== current.id };
}
