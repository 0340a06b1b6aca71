import "server-only";
import { createHash, createHmac, hkdfSync, randomInt, timingSafeEqual } from "node:crypto";
import { getEnv } from "@/lib/env";

/** Independent keys per purpose, all derived from AUTH_SECRET, so one secret is all an operator manages. */
export function deriveKey(purpose: string): Buffer {
  return Buffer.from(hkdfSync("sha256", getEnv().AUTH_SECRET, "stepup-security", purpose, 32));
}

export function hmacHex(key: Buffer, ...parts: string[]): string {
  const mac = createHmac("sha256", key);
  // A separator that cannot appear in ids or codes keeps ("ab","c") and ("a","bc") apart.
  mac.update(parts.join("\u0000"));
  return mac.digest("hex");
}

export function sha256Hex(value: string): string {
  return createHash("sha256").update(value).digest("hex");
}

export function equalHex(a: string, b: string): boolean {
  const left = Buffer.from(a, "hex");
  const right = Buffer.from(b, "hex");
  return left.length === right.length && timingSafeEqual(left, right);
}

export function randomDigits(length: number): string {
  let out = "";
  for (let i = 0; i < length; i++) out += randomInt(0, 10).toString();
  return out;
}
