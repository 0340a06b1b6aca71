import "server-only";
import { randomBytes } from "node:crypto";
import { readHostCookie, setHostCookie } from "@/lib/http/host-cookie";

const NAME = "device";
// Browsers cap a cookie's lifetime at 400 days; each sign-in renews it.
const MAX_AGE_SECONDS = 400 * 24 * 60 * 60;
const SHAPE = /^[A-Za-z0-9_-]{43}$/;

/** This browser's device id, if it carries a well-formed one. */
export async function readDeviceId(): Promise<string | null> {
  const value = await readHostCookie(NAME);
  return value && SHAPE.test(value) ? value : null;
}

/** This browser's device id, minted on first use: 256 random bits in an HttpOnly (`__Host-` over https) cookie. */
export async function ensureDeviceId(): Promise<string> {
  const id = (await readDeviceId()) ?? randomBytes(32).toString("base64url");
  await setHostCookie(NAME, id, MAX_AGE_SECONDS);
  return id;
}

/** A device id as the sign-in providers receive it from the server action: anything malformed is no device. */
export function deviceIdOrNull(value: unknown): string | null {
  return typeof value === "string" && SHAPE.test(value) ? value : null;
}
