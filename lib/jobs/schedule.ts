import "server-only";
import { revokeUnusedTokens, sendTokenExpiryNotices } from "@/lib/api-tokens/expiry";
import { deliverAuditStreams } from "@/lib/audit-stream/deliver";
import { createAuditMonths } from "@/lib/audit/partitions";
import { pruneAuditEvents } from "@/lib/audit/retention";
import { rollUpAuditEvents } from "@/lib/audit/rollups";
import { deliverAllDueEmails } from "@/lib/email/outbox";
import type { Env } from "@/lib/env";

/** A job: one queue, its handler, and when it runs on its own. */
export type JobDefinition = {
  name: string;
  description: string;
  /** Cron (UTC, minute precision); pg-boss sends it once per tick however many instances run. */
  cron: string;
  run: () => Promise<unknown>;
};

/**
 * Everything the app does in the background. Each handler is safe to run twice or side by side
 * (rows are claimed with SKIP LOCKED and marked done in the transaction that does the work), so a
 * retry after a crash never repeats an effect. A job the operator has not turned on is left out.
 */
export function jobDefinitions(env: Pick<Env, "TOKEN_AUTO_REVOKE_UNUSED_DAYS" | "AUDIT_RETENTION_DAYS">): JobDefinition[] {
  const jobs: JobDefinition[] = [
    {
      name: "email-outbox",
      description: "Retries the notices whose delivery right after their change failed",
      cron: "* * * * *",
      run: deliverAllDueEmails,
    },
    {
      name: "token-expiry-notices",
      description: "Emails token owners 7 days before a token expires, and when it has",
      cron: "*/10 * * * *",
      run: sendTokenExpiryNotices,
    },
    {
      name: "audit-stream",
      description: "Pushes new audit events to every active stream destination, in order (runs for up to 50 s)",
      cron: "* * * * *",
      run: () => deliverAuditStreams(),
    },
    {
      name: "audit-rollups",
      description: "Folds new audit events into the chart's daily counts and the attention panel's 24 hours",
      cron: "* * * * *",
      run: rollUpAuditEvents,
    },
    {
      name: "audit-partitions",
      description: "Creates the audit log's months ahead of time (this one and the next three) and seals the months that have ended",
      cron: "41 * * * *",
      run: createAuditMonths,
    },
  ];
  const unusedDays = env.TOKEN_AUTO_REVOKE_UNUSED_DAYS;
  if (unusedDays)
    jobs.push({
      name: "token-auto-revoke",
      description: `Revokes tokens unused for ${unusedDays} days`,
      cron: "17 * * * *",
      run: () => revokeUnusedTokens(unusedDays),
    });
  const retentionDays = env.AUDIT_RETENTION_DAYS;
  if (retentionDays)
    jobs.push({
      name: "audit-retention",
      description: `Deletes audit events older than ${retentionDays} days`,
      cron: "23 3 * * *",
      run: () => pruneAuditEvents(retentionDays),
    });
  return jobs;
}

/** Every queue the app has ever defined, turned on or not: the admin view lists them all. */
export const JOB_NAMES = [
  "email-outbox",
  "token-expiry-notices",
  "audit-stream",
  "audit-rollups",
  "audit-partitions",
  "token-auto-revoke",
  "audit-retention",
] as const;
