import "server-only";
import type { z } from "zod";
import { authenticateBearer, type AppliedLimit, type BearerResult } from "@/lib/api-tokens/authenticate";
import type { Endpoint } from "@/lib/api/endpoints";
import { databaseErrorCodes, isDatabaseUnavailable } from "@/lib/db";
import { jsonErrorResponse } from "@/lib/http/json-error";
import { requestMetaFrom } from "@/lib/http/request-meta";
import { errorName, log } from "@/lib/log";
import type { ApiTokenScope } from "@/shared/api-tokens";

/** Who is calling: the token's owner. */
export type ApiCaller = { userId: string; email: string; tokenId: string };

// One answer for every token that does not work, so a caller learns nothing about which it was.
const INVALID_TOKEN = "The bearer token is missing, malformed, unknown, expired or revoked.";

/**
 * A bearer API route: the bearer gate (the per-address limit, the token, the per-token limit and the
 * scope, one statement in authenticateBearer), then the query parsed with the endpoint's schema.
 * Every answer carries the RateLimit-Policy / RateLimit fields (draft-ietf-httpapi-ratelimit-headers)
 * and every failure is the one JSON error shape.
 */
export function apiRoute<E extends Endpoint>(
  endpoint: E,
  handle: (caller: ApiCaller, query: z.output<E["query"]>) => Promise<z.input<E["response"]>>,
): (request: Request) => Promise<Response> {
  return async (request) => {
    const limits: AppliedLimit[] = [];
    const respond: Respond = (status, error, message, headers = {}) =>
      jsonErrorResponse(status, error, message, { ...rateLimitHeaders(limits), ...headers });
    try {
      const { ip } = requestMetaFrom(request.headers);
      const bearer = await authenticateBearer(request.headers.get("authorization"), endpoint.scope, ip, limits);
      if (!bearer.ok) return refused(bearer, endpoint.scope, respond);

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
        log("warn", "api.database_unavailable", { path: endpoint.path, causes: databaseErrorCodes(error) });
        return respond(503, "unavailable", "The service is briefly unavailable. Try again in a few seconds.", { "Retry-After": "5" });
      }
      log("error", "api.failed", { path: endpoint.path, error: errorName(error), causes: databaseErrorCodes(error) });
      return respond(500, "internal_error", "Something went wrong on our side.");
    }
  };
}

type Respond = (status: number, error: string, message: string, headers?: Record<string, string>) => Response;

function refused(bearer: Extract<BearerResult, { ok: false }>, scope: ApiTokenScope, respond: Respond): Response {
  switch (bearer.status) {
    case 429:
      return respond(429, "rate_limited", `Too many requests. Try again in ${bearer.retryAfterSeconds} seconds.`, {
        "Retry-After": String(bearer.retryAfterSeconds),
      });
    case 401:
      return respond(401, "invalid_token", INVALID_TOKEN, { "WWW-Authenticate": 'Bearer error="invalid_token"' });
    case 403:
      return respond(403, "insufficient_scope", `This token does not have the ${scope} scope.`, {
        "WWW-Authenticate": `Bearer error="insufficient_scope", scope="${scope}"`,
      });
  }
}

function rateLimitHeaders(limits: AppliedLimit[]): Record<string, string> {
  if (limits.length === 0) return {};
  return {
    "RateLimit-Policy": limits.map(({ name, rule }) => `"${name}";q=${rule.limit};w=${rule.windowSeconds}`).join(", "),
    RateLimit: limits.map(({ name, decision }) => `"${name}";r=${decision.remaining};t=${decision.resetSeconds}`).join(", "),
  };
}
