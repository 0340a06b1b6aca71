import "server-only";
import { OpenApiGeneratorV31, OpenAPIRegistry } from "@asteasolutions/zod-to-openapi";
import { z } from "zod";
import { ENDPOINTS } from "@/lib/api/endpoints";
import { auditFeedEventSchema } from "@/shared/audit-feed";

/** The one JSON error shape (lib/http/json-error.ts). */
const errorSchema = z
  .strictObject({
    error: z.string().meta({ description: "Stable and machine-readable, e.g. `invalid_token`, `insufficient_scope`, `rate_limited`." }),
    message: z.string().meta({ description: "A sentence for people." }),
  })
  .meta({ id: "Error" });

const rateLimitHeaders = z.object({
  "RateLimit-Policy": z
    .string()
    .meta({ description: 'The limits that apply, e.g. `"ip";q=600;w=60, "token";q=120;w=60` (requests per window of seconds).' }),
  RateLimit: z.string().meta({
    description: 'What is left of each, e.g. `"ip";r=599;t=42, "token";r=119;t=42` (remaining, seconds until the window restarts).',
  }),
});

const failure = (description: string, headers: z.ZodObject = rateLimitHeaders) => ({
  description,
  headers,
  content: { "application/json": { schema: errorSchema } },
});

const webhookHeaders = z.object({
  "webhook-id": z.string().meta({ description: "The batch's id: the same on every redelivery of it." }),
  "webhook-timestamp": z.string().meta({ description: "Seconds since the epoch when it was signed." }),
  "webhook-signature": z
    .string()
    .meta({ description: "`v1,<base64 HMAC-SHA256>` of `<id>.<timestamp>.<body>` under the destination's secret (Standard Webhooks)." }),
});

/** The OpenAPI 3.1 document of /api/v1, built from the schemas the routes parse and answer with. */
export function openApiDocument(appUrl: string) {
  const registry = new OpenAPIRegistry();
  const bearer = registry.registerComponent("securitySchemes", "bearer", {
    type: "http",
    scheme: "bearer",
    description: "A personal API token from the security page. Tokens are read-only: changes need a person present in a browser.",
  });
  for (const endpoint of Object.values(ENDPOINTS)) {
    registry.registerPath({
      method: "get",
      path: endpoint.path,
      summary: endpoint.summary,
      description: `${endpoint.description}\n\nScope: \`${endpoint.scope}\`.`,
      security: [{ [bearer.name]: [endpoint.scope] }],
      request: { query: endpoint.query },
      responses: {
        200: { description: "OK", headers: rateLimitHeaders, content: { "application/json": { schema: endpoint.response } } },
        400: failure("A query parameter is not valid (`invalid_request`)."),
        401: failure("The token is missing, malformed, unknown, expired or revoked (`invalid_token`): one answer for all."),
        403: failure(`The token lacks the \`${endpoint.scope}\` scope (\`insufficient_scope\`).`),
        429: failure(
          "Too many requests (`rate_limited`); Retry-After says when to try again.",
          rateLimitHeaders.extend({ "Retry-After": z.string() }),
        ),
        // The database may be what failed, so the limits may not have been counted.
        500: failure("Something went wrong on our side (`internal_error`).", z.object({})),
        503: failure("The service is briefly unavailable (`unavailable`).", z.object({ "Retry-After": z.string() })),
      },
    });
  }
  registry.registerWebhook({
    method: "post",
    path: "auditEvents",
    summary: "Audit events pushed to a stream destination",
    description:
      "Every audit event, at least once and in order, in batches: one AuditEvent per line (JSON Lines). De-duplicate on `event.id`. Answer 2xx to accept the batch; anything else (or no answer in 10 s) is retried with exponential backoff.",
    request: { headers: webhookHeaders, body: { content: { "application/x-ndjson": { schema: auditFeedEventSchema } } } },
    responses: { 200: { description: "Accepted: the next batch follows." } },
  });
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: "3.1.0",
    info: {
      title: "Account security API",
      version: "1.0.0",
      description: 'Read-only access to your account, and for admins to the audit trail. See the README\'s "API and audit feed".',
    },
    servers: [{ url: appUrl }],
  });
}
