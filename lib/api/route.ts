import "server-only";
import type { z } from "zod";
import { authenticateBearer } from "@/lib/api-tokens/authenticate";
import type { Endpoint } from "@/lib/api/endpoints";
import { isDatabaseUnavailable } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { jsonErrorResponse } from "@/lib/http/json-error";
import { requestMetaFrom } from "@/lib/http/request-meta";
import { errorName, log } from "@/lib/log";
import { addressLimitKey, hitRateLimit, type RateDecision, type RateRule } from "@/lib/rate-limit";

/** Who is calling: the token's owner. */
export type ApiCaller = { userId: string; email: string; tokenId: string };

// One answer for every token that does not work, so a caller learns nothing about which it was.
const INVALID_TOKEN = "The bearer token is missing, malformed, unknown, expired or revoked.";
const WINDOW_SECONDS = 60;

type Limit = { name: "token" | "ip"; rule: RateRule; decision: RateDecision };

/**
 * A bearer API route: the per-address limit (before anything else, so guessing tokens is limited
 * too), the token, the per-token limit, the scope, then the query parsed with the endpoint's schema.
 * Every answer carries the RateLimit-Policy / RateLimit fields (draft-ietf-httpapi-ratelimit-headers)
 * and every failure is the one JSON error shape.
 */
export function apiRoute<E extends Endpoint>(
  endpoint: E,
  handle: (caller: ApiCaller, query: z.output<E["query"]>) => Promise<z.input<E["response"]>>,
): (request: Request) => Promise<Response> {
  return async (request) => {
    const { API_RATE_LIMIT_PER_IP, API_RATE_LIMIT_PER_TOKEN } = getEnv();
    const limits: Limit[] = [];
    const respond = (status: number, error: string, message: string, headers: Record<string, string> = {}) =>
      jsonErrorResponse(status, error, message, { ...rateLimitHeaders(limits), ...headers });
    try {
      const { ip } = requestMetaFrom(request.headers);
      const byAddress = await limit(limits, "ip", addressLimitKey("api", ip), API_RATE_LIMIT_PER_IP);
      if (!byAddress.allowed) return tooMany(respond, byAddress);

      const bearer = await authenticateBearer(request.headers.get("authorization"), endpoint.scope, ip);
      if (!bearer.ok && bearer.status === 401) {
        return respond(401, "invalid_token", INVALID_TOKEN, { "WWW-Authenticate": 'Bearer error="invalid_token"' });
      }
      const byToken = await limit(limits, "token", `api:token:${bearer.tokenId}`, API_RATE_LIMIT_PER_TOKEN);
      if (!byToken.allowed) return tooMany(respond, byToken);
      if (!bearer.ok) {
        return respond(403, "insufficient_scope", `This token does not have the ${endpoint.scope} scope.`, {
          "WWW-Authenticate": `Bearer error="insufficient_scope", scope="${endpoint.scope}"`,
        });
      }

      const query = endpoint.query.safeParse(Object.fromEntries(new URL(request.url).searchParams));
      if (!query.success) {
        // Names the parameters and what is wrong with them, never the values sent.
        const problems = query.error.issues.map((issue) => `${issue.path.join(".") || "query"}: ${issue.message}`);
        return respond(400, "invalid_request", `The query is not valid (${problems.join("; ")}).`);
      }
      const body = await handle(
        { userId: bearer.user.id, email: bearer.user.email, tokenId: bearer.tokenId },
        query.data as z.output<E["query"]>,
      );
      return Response.json(body, { headers: { "Cache-Control": "no-store", ...rateLimitHeaders(limits) } });
    } catch (error) {
      if (isDatabaseUnavailable(error)) {
        log("warn", "api.database_unavailable", { path: endpoint.path });
        return respond(503, "unavailable", "The service is briefly unavailable. Try again in a few seconds.", { "Retry-After": "5" });
      }
      log("error", "api.failed", { path: endpoint.path, error: errorName(error) });
      return respond(500, "internal_error", "Something went wrong on our side.");
    }
  };
}

async function limit(limits: Limit[], name: Limit["name"], key: string, perMinute: number): Promise<RateDecision> {
  const rule = { limit: perMinute, windowSeconds: WINDOW_SECONDS };
  const decision = await hitRateLimit(key, rule);
  limits.push({ name, rule, decision });
  return decision;
}

function tooMany(
  respond: (status: number, error: string, message: string, headers?: Record<string, string>) => Response,
  decision: RateDecision,
) {
  return respond(429, "rate_limited", `Too many requests. Try again in ${decision.retryAfterSeconds} seconds.`, {
    "Retry-After": String(decision.retryAfterSeconds),
  });
}

function rateLimitHeaders(limits: Limit[]): Record<string, string> {
  if (limits.length === 0) return {};
  return {
    "RateLimit-Policy": limits.map(({ name, rule }) => `"${name}";q=${rule.limit};w=${rule.windowSeconds}`).join(", "),
    RateLimit: limits.map(({ name, decision }) => `"${name}";r=${decision.remaining};t=${decision.resetSeconds}`).join(", "),
  };
}
