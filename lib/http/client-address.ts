import "server-only";
import { isIP } from "node:net";

/**
 * The client's address from an `X-Forwarded-For` chain whose rightmost entry is the socket address
 * the app's own HTTP server saw (server/front-door.ts appends it, as any proxy hop does).
 *
 * With `trustedProxies` = N, the N proxies in front each appended the address they were reached
 * from, so the client is the (N + 1)th entry from the right; everything to its left was written by
 * the client and proves nothing. A chain shorter than that yields its leftmost entry (the request
 * passed fewer proxies than configured). Anything that is not a syntactically valid IPv4 or IPv6
 * address is unknown: null, never stored or shown.
 */
export function clientAddress(forwardedFor: string | null, trustedProxies: number): string | null {
  const chain = (forwardedFor ?? "").split(",").map((entry) => entry.trim());
  if (chain.length === 1 && chain[0] === "") return null;
  const entry = chain[Math.max(0, chain.length - 1 - trustedProxies)];
  return entry === undefined ? null : normalizeIp(entry);
}

/** A valid address in its canonical form ("::ffff:192.0.2.1" → "192.0.2.1", "[2001:db8::1]:443" → "2001:db8::1"), else null. */
export function normalizeIp(value: string): string | null {
  // Some proxies write the client's port too: "192.0.2.1:5678", "[2001:db8::1]:5678".
  const withPort = /^(?:\[([^\]]+)\]|(\d{1,3}(?:\.\d{1,3}){3}))(?::(\d{1,5}))?$/.exec(value.trim());
  if (withPort?.[3] !== undefined && Number(withPort[3]) > 65_535) return null;
  const candidate = withPort ? (withPort[1] ?? withPort[2] ?? "") : value.trim();
  // Zone ids ("fe80::1%eth0") name an interface of the machine that saw them, not a client.
  if (candidate.includes("%")) return null;
  const version = isIP(candidate);
  if (version === 4) return candidate;
  if (version !== 6) return null;
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(candidate);
  if (mapped && isIP(mapped[1] ?? "") === 4) return mapped[1] ?? null;
  return candidate.toLowerCase();
}
