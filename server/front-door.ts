import { createServer, ServerResponse, type IncomingMessage, type Server } from "node:http";
import { jsonError } from "@/lib/http/json-error";
import type { SecurityHeaderOptions } from "@/lib/security/headers";
import { screenActionBody } from "@/server/action-body";
import { HeldBodyRequest } from "@/server/held-body-request";
import { secureResponseClass } from "@/server/secure-response";

/**
 * What every request passes before Next.js sees it, and every response on its way out:
 * - the socket's address is appended to X-Forwarded-For, as any proxy hop does, so the client
 *   address is read from a chain the client cannot end (lib/http/client-address.ts);
 * - bodies over the limit are answered 413 before anything parses them, and server-action bodies
 *   that React's decoder would choke on are answered 400 (server/action-body.ts);
 * - a server-action request to a route handler (/api/…) is answered 405;
 * - every response carries the security headers, and every response that is not HTML the strict
 *   policy that lets it load and frame nothing.
 */

export type FrontDoorOptions = {
  bodyLimitBytes: number;
  /** Proxies in front that set X-Forwarded-*; with none, what clients send in those headers is dropped. */
  trustedProxies: number;
  headers: SecurityHeaderOptions;
  log: (level: "info" | "error", event: string, fields: Record<string, string | number>) => void;
};

type Handler = (request: IncomingMessage, response: ServerResponse) => Promise<void>;

const FORWARDED_BY_PROXIES = ["x-forwarded-host", "x-forwarded-proto", "x-forwarded-port"];
// How much of a refused body is read (and dropped) so the client sees the answer; beyond it the connection is cut.
const DISCARD_CAP_BYTES = 16 * 1024 * 1024;

/** An HTTP server (not yet listening) that passes what gets through the front door to `handler`. */
export function createFrontDoorServer(handler: Handler, options: FrontDoorOptions): Server {
  const server = createServer({ IncomingMessage: HeldBodyRequest, ServerResponse: secureResponseClass(options.headers) });
  const door = frontDoor(handler, options);
  server.on("request", door);
  server.on("checkContinue", (request: HeldBodyRequest, response: ServerResponse) => {
    if (declaredLength(request) > options.bodyLimitBytes) return refuse(request, response, options, tooLarge(options));
    response.writeContinue();
    door(request, response);
  });
  return server;
}

function frontDoor(handler: Handler, options: FrontDoorOptions): (request: HeldBodyRequest, response: ServerResponse) => void {
  return (request, response) => {
    // A client that goes away mid-request is not a server fault (and must not become an uncaught exception).
    request.on("error", () => undefined);
    response.on("error", () => undefined);
    void pass(request, response, handler, options).catch((error: unknown) => {
      options.log("error", "request.failed", { path: pathOf(request.url), error: error instanceof Error ? error.name : typeof error });
      if (!response.headersSent)
        answer(request, response, { status: 500, error: "internal_error", message: "Something went wrong on our side." });
      else response.destroy();
    });
  };
}

async function pass(request: HeldBodyRequest, response: ServerResponse, handler: Handler, options: FrontDoorOptions): Promise<void> {
  const socketAddress = request.socket.remoteAddress ?? "unknown";
  const forwarded = request.headers["x-forwarded-for"];
  request.headers["x-forwarded-for"] = forwarded ? `${String(forwarded)}, ${socketAddress}` : socketAddress;
  if (options.trustedProxies === 0) for (const name of FORWARDED_BY_PROXIES) delete request.headers[name];

  const path = pathOf(request.url);
  const actionId = request.headers["next-action"];
  if (actionId !== undefined && path.startsWith("/api/")) {
    return refuse(request, response, options, {
      status: 405,
      error: "method_not_allowed",
      message: "Server actions are not served under /api/.",
      headers: { Allow: "GET, HEAD" },
    });
  }
  if (!hasBody(request)) {
    request.release();
    return handler(request, response);
  }
  if (declaredLength(request) > options.bodyLimitBytes) return refuse(request, response, options, tooLarge(options));

  const received = await request.receiveBody(options.bodyLimitBytes);
  if (received.kind === "aborted") return;
  if (received.kind === "too_large") return refuse(request, response, options, tooLarge(options));

  const contentType = String(request.headers["content-type"] ?? "");
  if (request.method === "POST" && (actionId !== undefined || /^multipart\/form-data\b/i.test(contentType))) {
    const verdict = await screenActionBody({ fetchAction: actionId !== undefined, contentType, body: received.body });
    if (!verdict.ok)
      return refuse(request, response, options, {
        status: 400,
        error: "malformed_request",
        message: "The request could not be read.",
        reason: verdict.reason,
      });
  }
  request.release();
  await handler(request, response);
}

type Refusal = { status: number; error: string; message: string; reason?: string; headers?: Record<string, string> };

function tooLarge(options: FrontDoorOptions): Refusal {
  return {
    status: 413,
    error: "payload_too_large",
    message: `What was sent is larger than the ${Math.round(options.bodyLimitBytes / 1024)} KB this app accepts.`,
  };
}

function refuse(request: IncomingMessage, response: ServerResponse, options: FrontDoorOptions, refusal: Refusal): void {
  options.log("info", "request.refused", {
    status: refusal.status,
    error: refusal.error,
    path: pathOf(request.url),
    ...(refusal.reason && { reason: refusal.reason }),
  });
  answer(request, response, refusal);
}

function answer(request: IncomingMessage, response: ServerResponse, refusal: Refusal): void {
  if (request instanceof HeldBodyRequest && !request.complete) request.discardBody(DISCARD_CAP_BYTES);
  const document = request.headers["sec-fetch-dest"] === "document";
  const body = document ? refusalPage(refusal) : JSON.stringify(jsonError(refusal.error, refusal.message));
  response.writeHead(refusal.status, {
    "Content-Type": document ? "text/html; charset=utf-8" : "application/json",
    "Content-Length": Buffer.byteLength(body),
    "Cache-Control": "no-store",
    ...refusal.headers,
  });
  response.end(body);
}

/** What a browser shows when a form posted without JavaScript was refused. */
function refusalPage(refusal: Refusal): string {
  const advice = refusal.status === 413 ? "Go back, shorten what you entered and send it again." : "Go back and try again.";
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>Not sent</title></head><body><main><h1>That could not be sent</h1><p>${refusal.message} Nothing was changed.</p><p>${advice}</p></main></body></html>`;
}

function hasBody(request: IncomingMessage): boolean {
  return request.headers["transfer-encoding"] !== undefined || declaredLength(request) > 0;
}

function declaredLength(request: IncomingMessage): number {
  const value = Number(request.headers["content-length"] ?? 0);
  return Number.isFinite(value) ? value : Number.POSITIVE_INFINITY;
}

function pathOf(url: string | undefined): string {
  return (url ?? "/").split("?")[0] ?? "/";
}
