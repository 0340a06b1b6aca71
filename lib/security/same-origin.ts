import "server-only";

export type OriginCheck = { ok: true } | { ok: false; reason: "cross_site" | "missing_origin" | "foreign_origin" };

/**
 * CSRF guard for every state-changing request. Next.js lets a server action without an
 * Origin header through and never reads Sec-Fetch-Site, so we require both to agree.
 */
export function checkSameOrigin(headers: Headers, allowedOrigins: readonly string[]): OriginCheck {
  if (headers.get("sec-fetch-site") === "cross-site") return { ok: false, reason: "cross_site" };
  const origin = headers.get("origin");
  if (!origin) return { ok: false, reason: "missing_origin" };
  if (!allowedOrigins.includes(origin)) return { ok: false, reason: "foreign_origin" };
  return { ok: true };
}

/**
 * Next.js itself compares a server action's Origin with the host the request was sent to
 * (X-Forwarded-Host, else Host) and, when they differ, fails with an HTTP 500. Such a request is
 * forged, not broken: this check lets the CSRF guard refuse it with a 403 first.
 */
export function originMatchesHost(headers: Headers): boolean {
  const origin = headers.get("origin");
  if (!origin) return false;
  const host = headers.get("x-forwarded-host")?.split(",")[0]?.trim() || headers.get("host");
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}
