import "server-only";
import { sha256Hex } from "@/lib/crypto";

/** JSON with keys sorted at every level, so equal payloads always serialise (and hash) alike. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, entry]) => entry !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([key, entry]) => [key, sortKeys(entry)]),
    );
  }
  return value;
}

export function hashPayload(action: string, payload: unknown): string {
  return sha256Hex(`${action}\u0000${canonicalJson(payload)}`);
}
