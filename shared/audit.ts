import { z } from "zod";
import { EVENT_CATEGORIES, type EventCategory } from "@/shared/audit-events";
import { isUuid } from "@/shared/format";

/**
 * Event-type groups the admin page filters by: the event categories of shared/audit-events.ts,
 * whose map says which types each holds (`typesInCategory`).
 */
export const AUDIT_GROUPS = Object.fromEntries(Object.entries(EVENT_CATEGORIES).map(([category, label]) => [category, { label }])) as {
  [Category in EventCategory]: { label: (typeof EVENT_CATEGORIES)[Category] };
};
export type AuditGroup = EventCategory;

export const AUDIT_OUTCOMES = ["SUCCESS", "FAILURE", "BLOCKED"] as const;

// A real calendar day, as Postgres reads it: Date.parse rolls 2026-02-31 over into March (Postgres
// refuses it), and there is no year 0.
export const calendarDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .refine((value) => {
    const time = Date.parse(`${value}T00:00:00Z`);
    return !Number.isNaN(time) && value >= "0001" && new Date(time).toISOString().slice(0, 10) === value;
  });

// Filters come from the URL: anything malformed is dropped rather than failing the page.
export const optionalParam = <T extends z.ZodType>(schema: T) => schema.optional().catch(undefined);

const auditFilterSchema = z.object({
  email: optionalParam(z.string().trim().toLowerCase().min(1).max(254)),
  /** One account's events: what it did (actor) and what was done to it (target user). */
  account: optionalParam(z.string().trim().toLowerCase().refine(isUuid)),
  group: optionalParam(z.enum(Object.keys(AUDIT_GROUPS) as [AuditGroup, ...AuditGroup[]])),
  outcome: optionalParam(z.enum(AUDIT_OUTCOMES)),
  from: optionalParam(calendarDay),
  to: optionalParam(calendarDay),
  cursor: optionalParam(z.string().max(100)),
});
export type AuditFilter = z.infer<typeof auditFilterSchema>;

type SearchParams = Record<string, string | string[] | undefined>;

/** Search params with repeated keys reduced to their first value. */
export function firstValues(params: SearchParams): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(params).map(([key, value]) => [key, Array.isArray(value) ? value[0] : value]));
}

export function parseAuditFilter(params: SearchParams): AuditFilter {
  return auditFilterSchema.parse(firstValues(params));
}

/** The URL query for a filter (empty values left out), for links, paging and export. */
export function auditFilterQuery(filter: Partial<AuditFilter>): string {
  const params = new URLSearchParams();
  for (const key of ["email", "account", "group", "outcome", "from", "to", "cursor"] as const) {
    const value = filter[key];
    if (value) params.set(key, value);
  }
  const query = params.toString();
  return query ? `?${query}` : "";
}

export const adminTokenFilterSchema = z.object({
  owner: optionalParam(z.string().trim().toLowerCase().min(1).max(254)),
  /** `expiring` and `stale` are active tokens too (shared/api-tokens.ts says when). */
  status: optionalParam(z.enum(["active", "expiring", "stale", "expired", "revoked"])),
});
export type AdminTokenFilter = z.infer<typeof adminTokenFilterSchema>;

/** Every audit event type the product records. Dot names: `<area>.<what happened>`. */
export const AUDIT_EVENT_TYPES = [
  "auth.sign_up",
  "auth.email_verified",
  "auth.sign_in",
  "auth.sign_in_failed",
  "auth.sign_out",
  "auth.second_factor_required",
  "step_up.challenge_sent",
  "step_up.challenge_resent",
  "step_up.verify_failed",
  "step_up.expired",
  "step_up.locked",
  "step_up.rate_limited",
  "step_up.verified",
  "step_up.grant_used",
  "step_up.cancelled",
  "step_up.reported",
  "api_token.created",
  "api_token.revoked",
  "api_token.expiring_soon",
  "api_token.expired",
  "api_token.auto_revoked",
  "session.revoked",
  "device.forgotten",
  "two_factor.enrolment_started",
  "two_factor.enrolment_failed",
  "two_factor.enabled",
  "two_factor.disabled",
  "recovery_codes.regenerated",
  "recovery_code.used",
  "passkey.added",
  "passkey.renamed",
  "passkey.removed",
  "passkey.assertion_refused",
  "email.change_requested",
  "email.change_failed",
  "email.change_cancelled",
  "email.changed",
  "email.change_reported",
  "password.change_failed",
  "password.changed",
  "password.reset_requested",
  "password.reset_failed",
  "password.reset",
  "password.reset_reported",
  "account.recovery_hold_blocked",
  "account.deleted",
  "account.delete_failed",
  "account.secured",
  "admin.audit_viewed",
  "admin.audit_exported",
  "admin.access_denied",
  "admin.users_viewed",
  "admin.user_signed_out",
  "admin.user_tokens_revoked",
  "admin.user_locks_cleared",
  "admin.user_two_factor_reset",
  "admin.user_disabled",
  "admin.user_enabled",
  "admin.user_email_changed",
  "admin.token_revoked",
  "audit.pruned",
  "audit_stream.created",
  "audit_stream.updated",
  "audit_stream.paused",
  "audit_stream.resumed",
  "audit_stream.deleted",
  "audit_stream.test_sent",
  "audit_stream.auto_paused",
] as const;

export type AuditEventType = (typeof AUDIT_EVENT_TYPES)[number];

/** One row of the admin audit page. */
export type AuditEventDto = {
  id: string;
  createdAt: string;
  type: string;
  outcome: "SUCCESS" | "FAILURE" | "BLOCKED";
  actorEmail: string | null;
  /** Set when the actor's account has since been deleted: shown as "deleted account" and this id, never the stored email. */
  deletedActorId: string | null;
  /** The raw target, `type: id`. */
  target: string | null;
  /** The target's name (the token's, the passkey's, the account's email…), when known. */
  targetName: string | null;
  /** What happened, in words, for an admin (shared/audit-events.ts). */
  sentence: string;
  reason: string | null;
  ip: string | null;
  device: string;
};

/** Who did it, as the admin pages and the export show it. */
export function actorLabel(event: Pick<AuditEventDto, "actorEmail" | "deletedActorId">): string | null {
  return event.deletedActorId ? `deleted account ${event.deletedActorId}` : event.actorEmail;
}

export type DailyCount = { day: string; success: number; failure: number; blocked: number };

export type AttentionAccount = { email: string; failedVerifications: number; lockouts: number; rateLimited: number };
