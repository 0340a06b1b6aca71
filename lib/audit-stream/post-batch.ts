import "server-only";
import { createHash, randomBytes } from "node:crypto";
import { Webhook } from "standardwebhooks";
import { openSecret, sealSecret } from "@/lib/two-factor/secret-box";

/** One request to a receiver takes at most this long; then it counts as a failure ("timeout"). */
const REQUEST_TIMEOUT_MS = 10_000;

export type PostOutcome = { ok: boolean; status: number | null; error: string | null };

/** A new Standard Webhooks signing secret: `whsec_` + base64 of 32 random bytes. */
export function generateStreamSecret(): string {
  return `whsec_${randomBytes(32).toString("base64")}`;
}

/** Sealed at rest (AES-256-GCM, as TOTP secrets), bound to the destination's id. */
export function sealStreamSecret(destinationId: string, secret: string): string {
  return sealSecret(destinationId, secret);
}

export function openStreamSecret(destinationId: string, sealed: string): string {
  return openSecret(destinationId, sealed).secret;
}

/**
 * The `webhook-id` of a batch: the same events to the same destination always get the same id, so a
 * receiver can tell a redelivered batch from a new one (and de-duplicates single events on `event.id`).
 */
export function batchMessageId(destinationId: string, firstEventId: string, lastEventId: string): string {
  return `msg_${createHash("sha256").update(`${destinationId}|${firstEventId}|${lastEventId}`).digest("hex").slice(0, 32)}`;
}

/**
 * POSTs `lines` (one JSON document each) to `url` as JSON lines, signed per Standard Webhooks.
 * 2xx is accepted; anything else — another status, a redirect (never followed), a timeout, a
 * refused connection — is a failure, described in a few words (never the receiver's body).
 * Aborting `signal` (the run is ending) ends the request as well, reported as "aborted".
 */
export async function postBatch(request: {
  url: string;
  secret: string;
  messageId: string;
  lines: string[];
  signal?: AbortSignal;
}): Promise<PostOutcome> {
  const body = `${request.lines.join("\n")}\n`;
  const sentAt = new Date();
  const signature = new Webhook(request.secret).sign(request.messageId, sentAt, body);
  const timeout = AbortSignal.timeout(REQUEST_TIMEOUT_MS);
  const signal = request.signal ? AbortSignal.any([timeout, request.signal]) : timeout;
  try {
    const response = await fetch(request.url, {
      method: "POST",
      redirect: "manual",
      signal,
      headers: {
        "content-type": "application/x-ndjson",
        "user-agent": "account-security-audit-stream/1",
        "webhook-id": request.messageId,
        "webhook-timestamp": String(Math.floor(sentAt.getTime() / 1000)),
        "webhook-signature": signature,
      },
      body,
    });
    // Not read: what a receiver answers never goes anywhere (logs, the admin page, the audit log).
    await response.body?.cancel().catch(() => undefined);
    if (response.status >= 200 && response.status < 300) return { ok: true, status: response.status, error: null };
    const redirect = response.status >= 300 && response.status < 400;
    return { ok: false, status: response.status, error: redirect ? `redirect (HTTP ${response.status})` : `HTTP ${response.status}` };
  } catch (error) {
    if (request.signal?.aborted) return { ok: false, status: null, error: "aborted" };
    return { ok: false, status: null, error: timeout.aborted ? "timeout" : describeNetworkError(error) };
  }
}

const NETWORK_ERRORS: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ECONNRESET: "connection reset",
  EPIPE: "connection reset",
  UND_ERR_SOCKET: "connection closed",
  UND_ERR_CLOSED: "connection closed",
  ENOTFOUND: "host not found",
  EAI_AGAIN: "host not found",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  ETIMEDOUT: "timeout",
  UND_ERR_CONNECT_TIMEOUT: "timeout",
  UND_ERR_HEADERS_TIMEOUT: "timeout",
  UND_ERR_BODY_TIMEOUT: "timeout",
};

/** fetch's failure in a few words: the cause's code when it has a known one (connection refused, TLS…). */
function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown } } | null)?.cause;
  const code = typeof cause?.code === "string" ? cause.code : "";
  if (Object.hasOwn(NETWORK_ERRORS, code)) return NETWORK_ERRORS[code] ?? "network error";
  if (/CERT|SSL|TLS/i.test(code)) return "TLS error";
  return "network error";
}
