import "server-only";
import { createHash } from "node:crypto";
import { AUDIT_EVENT_TYPES, type AuditEventType } from "@/shared/audit";

/**
 * Synthetic audit events for benchmarks and local load (`npm run audit:seed`, `npm run bench:audit`).
 * Rows are generated inside Postgres with `INSERT … SELECT … FROM generate_series`: a million
 * events take one statement per batch and no round trip per row.
 */

/** Anything with pg's `query(text, values)`: a `pg.Client`, `pg.Pool` or `PoolClient`. */
export type SqlClient = { query: (text: string, values?: unknown[]) => Promise<unknown> };

export type SyntheticAuditOptions = {
  /** How many events to insert. */
  count: number;
  /** Distinct actors (`user-00042@bench.example`); a few are far busier than most. Default 2,000. */
  users?: number;
  /** Events are spread evenly over this many days… Default 90. */
  days?: number;
  /** …ending this many days before now (0: the newest event is from just now). Default 0. */
  endingDaysAgo?: number;
  /** Rows per INSERT statement (each is one transaction). Default 200,000. */
  batchSize?: number;
  /** Makes the random mix repeatable (Postgres `setseed`, -1…1). Default 0.42. */
  seed?: number;
  onProgress?: (inserted: number, count: number) => void;
};

const SYNTHETIC_EMAIL_DOMAIN = "bench.example";

/** The account id of synthetic user `n` (0-based), as the generator writes it (Postgres `md5('bench-user-' || n)::uuid`). */
export function syntheticUserId(n: number): string {
  const hex = createHash("md5").update(`bench-user-${n}`).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The actor email of synthetic user `n` (0-based), as the generator writes it. */
export function syntheticEmail(n: number): string {
  return `user-${String(n).padStart(5, "0")}@${SYNTHETIC_EMAIL_DOMAIN}`;
}

type Outcome = "SUCCESS" | "FAILURE" | "BLOCKED";
type MixEntry = {
  type: AuditEventType;
  outcome: Outcome;
  /** Relative frequency. */
  weight: number;
  target?:
    | "session"
    | "user"
    | "api_token"
    | "step_up_challenge"
    | "step_up_grant"
    | "sign_in_challenge"
    | "sign_up_request"
    | "two_factor_enrolment"
    | "email_change"
    | "password_reset"
    | "passkey"
    | "device";
  reason?: string;
  /** No signed-in actor (e.g. a signed-out visitor on an admin page). */
  anonymous?: boolean;
};

const ACTIONS = ["api_token.create", "session.revoke", "email.change", "password.change", "two_factor.disable"] as const;

const perAction = (entry: Omit<MixEntry, "reason">): MixEntry[] =>
  ACTIONS.map((action, index) => ({
    ...entry,
    reason: action,
    weight: Math.max(1, Math.round((entry.weight * (ACTIONS.length - index)) / 15)),
  }));

/**
 * Roughly what the product records: mostly sign-ins, sign-outs and step-up, ~85% SUCCESS,
 * ~11% FAILURE, ~4% BLOCKED. Every event type appears.
 */
const MIX: MixEntry[] = [
  { type: "auth.sign_in", outcome: "SUCCESS", weight: 200, target: "session" },
  { type: "auth.sign_in", outcome: "SUCCESS", weight: 20, target: "session", reason: "two_factor:totp" },
  { type: "auth.sign_in", outcome: "SUCCESS", weight: 2, target: "session", reason: "two_factor:recovery_code" },
  { type: "auth.sign_out", outcome: "SUCCESS", weight: 110, target: "session" },
  { type: "auth.sign_in_failed", outcome: "FAILURE", weight: 50, reason: "wrong_password" },
  { type: "auth.sign_in_failed", outcome: "FAILURE", weight: 12, reason: "unknown_email" },
  { type: "auth.sign_in_failed", outcome: "FAILURE", weight: 6, target: "sign_in_challenge", reason: "wrong_code" },
  { type: "auth.sign_in_failed", outcome: "BLOCKED", weight: 10, reason: "rate_limited" },
  { type: "auth.sign_up", outcome: "SUCCESS", weight: 15, target: "sign_up_request", reason: "code_sent" },
  { type: "auth.email_verified", outcome: "SUCCESS", weight: 12, target: "user" },
  { type: "auth.email_verified", outcome: "FAILURE", weight: 3, reason: "expired" },
  { type: "auth.second_factor_required", outcome: "SUCCESS", weight: 24, target: "sign_in_challenge" },
  ...perAction({ type: "step_up.challenge_sent", outcome: "SUCCESS", weight: 80, target: "step_up_challenge" }),
  ...perAction({ type: "step_up.challenge_resent", outcome: "SUCCESS", weight: 10, target: "step_up_challenge" }),
  { type: "step_up.verify_failed", outcome: "FAILURE", weight: 30, target: "step_up_challenge", reason: "wrong_code" },
  { type: "step_up.verify_failed", outcome: "BLOCKED", weight: 3, target: "step_up_challenge", reason: "too_many_attempts" },
  { type: "step_up.expired", outcome: "FAILURE", weight: 8, target: "step_up_challenge", reason: "expired" },
  { type: "step_up.locked", outcome: "BLOCKED", weight: 4, target: "step_up_challenge", reason: "5_failures" },
  ...perAction({ type: "step_up.rate_limited", outcome: "BLOCKED", weight: 6 }),
  { type: "step_up.verified", outcome: "SUCCESS", weight: 70, target: "step_up_challenge" },
  ...perAction({ type: "step_up.grant_used", outcome: "SUCCESS", weight: 60, target: "step_up_grant" }),
  { type: "step_up.cancelled", outcome: "SUCCESS", weight: 10, target: "step_up_challenge", reason: "dismissed" },
  ...perAction({ type: "step_up.reported", outcome: "BLOCKED", weight: 1, target: "session" }),
  { type: "api_token.created", outcome: "SUCCESS", weight: 25, target: "api_token" },
  { type: "api_token.revoked", outcome: "SUCCESS", weight: 10, target: "api_token" },
  { type: "api_token.expiring_soon", outcome: "SUCCESS", weight: 2, target: "user" },
  { type: "api_token.expired", outcome: "SUCCESS", weight: 2, target: "user" },
  { type: "api_token.auto_revoked", outcome: "SUCCESS", weight: 1, target: "user" },
  { type: "session.revoked", outcome: "SUCCESS", weight: 20, target: "session", reason: "signed_out_by_user" },
  { type: "device.forgotten", outcome: "SUCCESS", weight: 1, target: "device" },
  { type: "two_factor.enrolment_started", outcome: "SUCCESS", weight: 8, target: "two_factor_enrolment" },
  { type: "two_factor.enrolment_failed", outcome: "FAILURE", weight: 3, target: "two_factor_enrolment", reason: "code_invalid" },
  { type: "two_factor.enabled", outcome: "SUCCESS", weight: 6, target: "user" },
  { type: "two_factor.disabled", outcome: "SUCCESS", weight: 2, target: "user" },
  { type: "recovery_codes.regenerated", outcome: "SUCCESS", weight: 2, target: "user" },
  { type: "recovery_code.used", outcome: "SUCCESS", weight: 2, reason: "sign_in" },
  { type: "passkey.added", outcome: "SUCCESS", weight: 3, target: "passkey" },
  { type: "passkey.renamed", outcome: "SUCCESS", weight: 1, target: "passkey" },
  { type: "passkey.removed", outcome: "SUCCESS", weight: 1, target: "passkey" },
  { type: "passkey.assertion_refused", outcome: "BLOCKED", weight: 1, target: "passkey", reason: "counter_regressed" },
  { type: "email.change_requested", outcome: "SUCCESS", weight: 6, target: "email_change" },
  { type: "email.change_requested", outcome: "SUCCESS", weight: 1, target: "email_change", reason: "address_taken" },
  { type: "email.change_failed", outcome: "FAILURE", weight: 2, target: "email_change", reason: "expired" },
  { type: "email.change_cancelled", outcome: "SUCCESS", weight: 1, target: "email_change" },
  { type: "email.changed", outcome: "SUCCESS", weight: 4, target: "user" },
  { type: "email.change_reported", outcome: "BLOCKED", weight: 1, target: "user", reason: "reported_by_old_address" },
  { type: "password.change_failed", outcome: "FAILURE", weight: 3, reason: "wrong_password" },
  { type: "password.change_failed", outcome: "BLOCKED", weight: 1, reason: "rate_limited" },
  { type: "password.changed", outcome: "SUCCESS", weight: 5, target: "user" },
  { type: "password.reset_requested", outcome: "SUCCESS", weight: 4, target: "password_reset", reason: "code_sent" },
  { type: "password.reset_requested", outcome: "SUCCESS", weight: 1, target: "password_reset", reason: "no_account" },
  { type: "password.reset_failed", outcome: "FAILURE", weight: 1, target: "password_reset", reason: "code_invalid" },
  { type: "password.reset", outcome: "SUCCESS", weight: 3, target: "user" },
  { type: "password.reset_reported", outcome: "BLOCKED", weight: 1, target: "user", reason: "reported_by_owner" },
  { type: "account.recovery_hold_blocked", outcome: "BLOCKED", weight: 1, target: "user", reason: "email.change" },
  { type: "account.deleted", outcome: "SUCCESS", weight: 1, target: "user" },
  { type: "account.delete_failed", outcome: "FAILURE", weight: 1, target: "user", reason: "email_mismatch" },
  { type: "account.secured", outcome: "BLOCKED", weight: 1, target: "user", reason: "activity_report" },
  { type: "admin.audit_viewed", outcome: "SUCCESS", weight: 4 },
  { type: "admin.audit_exported", outcome: "SUCCESS", weight: 1 },
  { type: "admin.access_denied", outcome: "BLOCKED", weight: 1, reason: "audit" },
  { type: "admin.users_viewed", outcome: "SUCCESS", weight: 2 },
  { type: "admin.user_signed_out", outcome: "SUCCESS", weight: 1, target: "user" },
  { type: "admin.user_tokens_revoked", outcome: "SUCCESS", weight: 1, target: "user" },
  { type: "admin.user_locks_cleared", outcome: "SUCCESS", weight: 1, target: "user" },
  { type: "admin.user_two_factor_reset", outcome: "SUCCESS", weight: 1, target: "user", reason: "lost phone" },
  { type: "admin.user_disabled", outcome: "SUCCESS", weight: 1, target: "user", reason: "reported compromised" },
  { type: "admin.user_enabled", outcome: "SUCCESS", weight: 1, target: "user" },
  { type: "admin.user_email_changed", outcome: "SUCCESS", weight: 1, target: "user", reason: "lost inbox" },
  { type: "admin.token_revoked", outcome: "SUCCESS", weight: 1, target: "user" },
  { type: "admin.access_denied", outcome: "BLOCKED", weight: 1, reason: "audit", anonymous: true },
  { type: "audit.pruned", outcome: "SUCCESS", weight: 1, reason: "older_than_365_days", anonymous: true },
  { type: "audit_stream.created", outcome: "SUCCESS", weight: 1 },
  { type: "audit_stream.updated", outcome: "SUCCESS", weight: 1 },
  { type: "audit_stream.paused", outcome: "SUCCESS", weight: 1 },
  { type: "audit_stream.resumed", outcome: "SUCCESS", weight: 1 },
  { type: "audit_stream.deleted", outcome: "SUCCESS", weight: 1 },
  { type: "audit_stream.test_sent", outcome: "SUCCESS", weight: 1 },
  { type: "audit_stream.test_sent", outcome: "FAILURE", weight: 1, reason: "HTTP 500" },
  { type: "audit_stream.auto_paused", outcome: "SUCCESS", weight: 1, reason: "failing", anonymous: true },
];

const USER_AGENTS = [
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36",
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
  "Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0",
  "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
  "Mozilla/5.0 (Linux; Android 15; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Mobile Safari/537.36",
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 Edg/130.0.0.0",
  "curl/8.10.1",
];

/** The mix as parallel arrays, one slot per unit of weight, for the SQL to index at random. */
function mixSlots() {
  const slots = MIX.flatMap((entry) => Array.from({ length: entry.weight }, () => entry));
  return {
    types: slots.map((entry) => entry.type),
    outcomes: slots.map((entry) => entry.outcome),
    targets: slots.map((entry) => entry.target ?? null),
    reasons: slots.map((entry) => entry.reason ?? null),
    anonymous: slots.map((entry) => entry.anonymous ?? false),
  };
}

// One batch: `$count` rows whose created_at fall, in order, between $start and $end (epoch ms).
// Each row draws a mix slot, an actor (skewed: a few busy accounts, a long tail), an IP and a
// user agent; target ids look like the real ones (uuids, `sk_…` token prefixes).
const INSERT_BATCH = `
  WITH mix AS (
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::boolean[]) WITH ORDINALITY
      AS m(type, outcome, target_type, reason, anonymous, slot)
  ),
  g AS (
    SELECT i,
      1 + floor(random() * $6::int)::int AS slot,
      floor($7::int * power(random(), 1.5))::int AS actor,
      random() AS r
    FROM generate_series(1, $8::int) AS i
  )
  INSERT INTO audit_events (type, outcome, actor_id, actor_email, target_type, target_id, reason, ip, user_agent, created_at)
  SELECT m.type, m.outcome::"AuditOutcome",
    CASE WHEN m.anonymous THEN NULL ELSE md5('bench-user-' || g.actor)::uuid END,
    CASE WHEN m.anonymous THEN NULL ELSE 'user-' || lpad(g.actor::text, 5, '0') || '@${SYNTHETIC_EMAIL_DOMAIN}' END,
    m.target_type,
    CASE
      WHEN m.target_type IS NULL THEN NULL
      WHEN m.target_type = 'api_token' THEN 'sk_' || substr(md5(g.i::text || g.r::text), 1, 8)
      WHEN m.target_type = 'user' THEN md5('bench-user-' || g.actor)::uuid::text
      ELSE md5(g.i::text || g.r::text)::uuid::text
    END,
    m.reason,
    (CASE WHEN g.r < 0.08
      THEN '2001:db8:' || to_hex(g.actor % 65536) || '::' || to_hex(1 + (g.r * 1e6)::int % 65535)
      ELSE (ARRAY['198.51.100.', '203.0.113.', '192.0.2.'])[1 + g.actor % 3] || (1 + (g.actor * 7 + (g.r * 20)::int) % 254)
    END)::inet,
    CASE WHEN g.r > 0.995 THEN NULL ELSE ($9::text[])[1 + (g.actor + (g.r * 3)::int) % cardinality($9::text[])] END,
    to_timestamp(($10::float8 + (g.i - 1 + g.r) * ($11::float8 - $10::float8) / $8::int) / 1000)
  FROM g JOIN mix m ON m.slot = g.slot
  ORDER BY g.i`;

/**
 * Inserts `count` synthetic events spread over `days` days ending `endingDaysAgo` days ago, in
 * time order (as a real log grows). Returns how many rows it inserted.
 */
export async function seedSyntheticAuditEvents(client: SqlClient, options: SyntheticAuditOptions): Promise<number> {
  const { count, users = 2_000, days = 90, endingDaysAgo = 0, batchSize = 200_000, seed = 0.42, onProgress } = options;
  if (!Number.isInteger(count) || count < 0) throw new Error("count must be a non-negative integer");
  if (!Number.isInteger(users) || users < 1 || users > 99_999) throw new Error("users must be 1…99,999");
  if (!(days > 0) || !(endingDaysAgo >= 0)) throw new Error("days must be > 0 and endingDaysAgo ≥ 0");
  const slots = mixSlots();
  const end = Date.now() - endingDaysAgo * 86_400_000;
  const start = end - days * 86_400_000;
  // The months the events fall in, as the job would have created them while the log grew
  // (lib/audit/partitions.ts); otherwise they would all land in the default partition.
  await client.query(
    `SELECT audit_events_create_month(m::date)
     FROM generate_series(date_trunc('month', to_timestamp($1 / 1000.0) AT TIME ZONE 'UTC'), to_timestamp($2 / 1000.0) AT TIME ZONE 'UTC', interval '1 month') AS m`,
    [start, end],
  );
  await client.query("SELECT setseed($1)", [seed]);
  let inserted = 0;
  while (inserted < count) {
    const size = Math.min(batchSize, count - inserted);
    const batchStart = start + ((end - start) * inserted) / count;
    const batchEnd = start + ((end - start) * (inserted + size)) / count;
    await client.query(INSERT_BATCH, [
      slots.types,
      slots.outcomes,
      slots.targets,
      slots.reasons,
      slots.anonymous,
      slots.types.length,
      users,
      size,
      USER_AGENTS,
      batchStart,
      batchEnd,
    ]);
    inserted += size;
    onProgress?.(inserted, count);
  }
  return inserted;
}

/** Share of each outcome in the mix (for reports). */
export function syntheticOutcomeMix(): Record<Outcome, number> {
  const total = MIX.reduce((sum, entry) => sum + entry.weight, 0);
  const share = (outcome: Outcome) =>
    Math.round((1000 * MIX.filter((entry) => entry.outcome === outcome).reduce((sum, entry) => sum + entry.weight, 0)) / total) / 1000;
  return { SUCCESS: share("SUCCESS"), FAILURE: share("FAILURE"), BLOCKED: share("BLOCKED") };
}

/** Event types the mix never produces (should be none). */
export function typesMissingFromMix(): AuditEventType[] {
  return AUDIT_EVENT_TYPES.filter((type) => !MIX.some((entry) => entry.type === type));
}
