import { z } from "zod";
import { AUDIT_OUTCOMES } from "@/shared/audit";
import { EVENT_CATEGORIES, type EventCategory } from "@/shared/audit-events";

/**
 * One audit event as it leaves the app: the same document from `GET /api/v1/audit-events` and in
 * every batch pushed to a stream destination. Fields are named as the Elastic Common Schema names
 * them (`@timestamp`, `event.*`, `user.*`, `source.ip`, `user_agent.original`, `message`), so
 * Elastic, Splunk and Datadog pipelines ingest it as is; what ECS has no field for is under `stepup`.
 */

/** ECS `event.category` (an allowed value of that field) for each of the app's categories. */
export const ECS_CATEGORY: Record<EventCategory, "authentication" | "iam" | "session" | "configuration"> = {
  sign_in: "authentication",
  step_up: "authentication",
  tokens: "iam",
  two_step: "iam",
  passkeys: "iam",
  account: "iam",
  sessions: "session",
  admin: "configuration",
};

/** ECS `event.outcome`: a refusal (rate limit, lockout) is a failure to ECS; `stepup.outcome` keeps the app's word. */
export const ECS_OUTCOME = { SUCCESS: "success", FAILURE: "failure", BLOCKED: "failure" } as const;

const categories = Object.keys(EVENT_CATEGORIES) as [EventCategory, ...EventCategory[]];

export const auditFeedEventSchema = z
  .strictObject({
    "@timestamp": z.iso.datetime({ offset: false }).meta({ description: "When it happened (ECS `@timestamp`), UTC." }),
    event: z.strictObject({
      id: z
        .string()
        .regex(/^\d+$/)
        .meta({ description: "Stable and unique: de-duplicate on it. A redelivered event carries the same id." }),
      action: z
        .string()
        .meta({ description: "The event type, e.g. `api_token.created` (ECS `event.action`).", example: "api_token.created" }),
      category: z.array(z.enum(["authentication", "iam", "session", "configuration"])).meta({ description: "ECS `event.category`." }),
      outcome: z.enum(["success", "failure"]).meta({ description: "ECS `event.outcome`; a refusal (BLOCKED) is a failure." }),
      kind: z.literal("event"),
      dataset: z.literal("stepup.audit"),
      reason: z.string().nullable().meta({ description: "Why, when the app records a reason (ECS `event.reason`)." }),
    }),
    message: z.string().meta({ description: "What happened, in words (the admin audit page's sentence)." }),
    user: z.strictObject({
      id: z.uuid().nullable().meta({ description: "The acting account (ECS `user.id`); null for the app's own maintenance." }),
      email: z.string().nullable().meta({ description: "The acting account's address at the time; null once that account is deleted." }),
    }),
    source: z.strictObject({ ip: z.string() }).nullable().meta({ description: "ECS `source.ip`." }),
    user_agent: z.strictObject({ original: z.string() }).nullable().meta({ description: "ECS `user_agent.original`." }),
    stepup: z.strictObject({
      outcome: z.enum(AUDIT_OUTCOMES),
      category: z.enum(categories),
      target: z
        .object({ type: z.string(), id: z.string().nullable(), name: z.string().nullable() })
        .nullable()
        .meta({ description: "What was acted on (a token, a session, an account…), with its current name when known." }),
      metadata: z.record(z.string(), z.unknown()).nullable().meta({ description: "The event's details; never a secret." }),
    }),
  })
  .meta({ id: "AuditEvent", description: "One audit event, with Elastic Common Schema field names." });

export type AuditFeedEvent = z.infer<typeof auditFeedEventSchema>;

/**
 * A place in the feed as callers hold it: opaque to them, exact to us. `origin` and `latest` are
 * the two named places (before the oldest event kept; after the last one written).
 */
export type FeedCursor = { txId: bigint; id: bigint };
const FEED_START_NAMES = ["origin", "latest"] as const;

const FEED_CURSOR = /^f1:(\d{1,19}):(\d{1,19})$/;
const MAX_BIGINT = 2n ** 63n - 1n;

export function encodeFeedCursor(position: FeedCursor): string {
  return Buffer.from(`f1:${position.txId}:${position.id}`).toString("base64url");
}

/** Exactly what encodeFeedCursor writes, else null. */
export function decodeFeedCursor(cursor: string): FeedCursor | null {
  const match = FEED_CURSOR.exec(Buffer.from(cursor, "base64url").toString("utf8"));
  if (!match?.[1] || !match[2]) return null;
  const position = { txId: BigInt(match[1]), id: BigInt(match[2]) };
  return position.txId > MAX_BIGINT || position.id > MAX_BIGINT ? null : position;
}

export function isFeedStart(value: string): boolean {
  return (FEED_START_NAMES as readonly string[]).includes(value) || decodeFeedCursor(value) !== null;
}
