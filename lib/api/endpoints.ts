import "server-only";
import { z } from "zod";
import { API_TOKEN_SCOPES, type ApiTokenScope } from "@/shared/api-tokens";
import { AUDIT_GROUPS, AUDIT_OUTCOMES, calendarDay, type AuditGroup } from "@/shared/audit";
import { EVENT_CATEGORIES, type EventCategory } from "@/shared/audit-events";
import { auditFeedEventSchema, isFeedStart } from "@/shared/audit-feed";

/**
 * The bearer API's endpoints: each one's path, scope, query and answer, as zod schemas. The route
 * handlers parse with these and the OpenAPI document (lib/api/openapi.ts) is generated from them,
 * so the document describes exactly what the routes accept and answer.
 */

export type Endpoint = {
  path: `/api/v1/${string}`;
  scope: ApiTokenScope;
  summary: string;
  description: string;
  query: z.ZodObject;
  response: z.ZodType;
};

const timestamp = z.iso.datetime({ offset: false });
const cursor = z.string().min(1).max(200);

const profileSchema = z.strictObject({ id: z.uuid(), email: z.email() }).meta({ id: "Profile" });

const apiTokenSchema = z
  .strictObject({
    id: z.uuid(),
    name: z.string(),
    prefix: z
      .string()
      .meta({ description: "The token's first characters, as the security page shows them. The token itself is never returned." }),
    scopes: z.array(z.string()),
    createdAt: timestamp,
    expiresAt: timestamp,
    lastUsedAt: timestamp.nullable(),
    status: z.enum(["active", "expired", "revoked"]),
  })
  .meta({ id: "ApiToken" });

const sessionSchema = z
  .strictObject({
    id: z.uuid(),
    device: z.string().meta({ description: "Browser and operating system, in words." }),
    ip: z.string().nullable(),
    createdAt: timestamp,
    lastSeenAt: timestamp,
  })
  .meta({ id: "Session" });

const categories = Object.keys(EVENT_CATEGORIES) as [EventCategory, ...EventCategory[]];

const securityEventSchema = z
  .strictObject({
    id: z.string().regex(/^\d+$/),
    createdAt: timestamp,
    sentence: z.string().meta({ description: "What happened, in words written for the account's owner." }),
    category: z.enum(categories),
    outcome: z.enum(AUDIT_OUTCOMES),
    ip: z.string().nullable().meta({ description: "Null when an administrator did it: their address is not shown." }),
    device: z.string(),
    byAdmin: z.boolean(),
  })
  .meta({ id: "SecurityEvent" });

const page = <T extends z.ZodType>(item: T, id: string, nextCursor: string) =>
  z.strictObject({ data: z.array(item), nextCursor: z.string().nullable().meta({ description: nextCursor }) }).meta({ id });

/** The latest number of audit events one request returns, and the default. */
export const MAX_AUDIT_PAGE = 1000;
export const DEFAULT_AUDIT_PAGE = 100;

const groups = Object.keys(AUDIT_GROUPS) as [AuditGroup, ...AuditGroup[]];

const auditEventsQuerySchema = z
  .object({
    email: z
      .string()
      .trim()
      .toLowerCase()
      .min(1)
      .max(254)
      .optional()
      .meta({ description: "Events by accounts whose address starts with this." }),
    account: z.uuid().optional().meta({ description: "One account's events: what it did and what was done to it." }),
    group: z.enum(groups).optional(),
    outcome: z.enum(AUDIT_OUTCOMES).optional(),
    from: calendarDay.optional().meta({ description: "First UTC day included (YYYY-MM-DD)." }),
    to: calendarDay.optional().meta({ description: "Last UTC day included (YYYY-MM-DD)." }),
    cursor: cursor.optional().meta({ description: "Newest first: the `nextCursor` of the previous page." }),
    after: cursor.refine(isFeedStart, "Use origin, latest or the nextCursor of a previous pull").optional().meta({
      description:
        "Incremental pull, oldest first: `origin` (the oldest event kept), `latest` (only what comes next) or the `nextCursor` of the previous pull. Never skips or repeats an event, even while events are being written.",
    }),
    limit: z.coerce.number().int().min(1).max(MAX_AUDIT_PAGE).default(DEFAULT_AUDIT_PAGE),
  })
  .refine((query) => !(query.cursor && query.after), { message: "Use either cursor or after, not both", path: ["after"] });

export type AuditEventsQuery = z.output<typeof auditEventsQuerySchema>;

export const ENDPOINTS = {
  me: {
    path: "/api/v1/me",
    scope: "profile:read",
    summary: "Your profile",
    description: API_TOKEN_SCOPES["profile:read"],
    query: z.object({}),
    response: profileSchema,
  },
  tokens: {
    path: "/api/v1/tokens",
    scope: "tokens:read",
    summary: "Your API tokens",
    description: "Every token of the account, active ones first: names, prefixes, scopes and dates, never a token.",
    query: z.object({}),
    response: z.strictObject({ data: z.array(apiTokenSchema) }).meta({ id: "ApiTokenList" }),
  },
  sessions: {
    path: "/api/v1/sessions",
    scope: "sessions:read",
    summary: "Your active sessions",
    description: "The browsers signed in to the account, most recently active first.",
    query: z.object({}),
    response: z.strictObject({ data: z.array(sessionSchema) }).meta({ id: "SessionList" }),
  },
  securityEvents: {
    path: "/api/v1/security-events",
    scope: "activity:read",
    summary: "Your security activity",
    description: "What the account did and what was done to it, newest first, 50 a page: the activity page's list.",
    query: z.object({
      category: z.enum(categories).optional(),
      cursor: cursor.optional().meta({ description: "The `nextCursor` of the previous page." }),
    }),
    response: page(securityEventSchema, "SecurityEventPage", "The next (older) page; null on the last."),
  },
  auditEvents: {
    path: "/api/v1/audit-events",
    scope: "audit:read",
    summary: "Every account's audit events (admins)",
    description:
      "The admin audit page's events and filters, as Elastic Common Schema documents. Newest first with `cursor`, or an incremental pull oldest first with `after`. The token's owner must still be an admin.",
    query: auditEventsQuerySchema,
    response: page(
      auditFeedEventSchema,
      "AuditEventPage",
      "With `cursor` (or neither): the next, older page, null on the last. With `after`: where the next pull starts, never null.",
    ),
  },
} as const satisfies Record<string, Endpoint>;
