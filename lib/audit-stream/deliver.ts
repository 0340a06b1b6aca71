import "server-only";
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { isLocale } from "@/i18n/locales";
import { DESTINATION_TARGET } from "@/lib/audit-stream/destinations";
import { batchMessageId, openStreamSecret, postBatch } from "@/lib/audit-stream/post-batch";
import { readAuditFeed, type FeedPosition } from "@/lib/audit/query";
import { recordAuditEvent } from "@/lib/audit/record";
import { db, type Tx } from "@/lib/db";
import { queueSecurityNotice } from "@/lib/email/account-notice";
import { getEnv } from "@/lib/env";
import type { RequestMeta } from "@/lib/http/request-meta";
import { errorName, log } from "@/lib/log";
import { MAINTENANCE_ACTOR } from "@/shared/audit-events";
import { endpointOf } from "@/shared/audit-stream";

/**
 * The `audit-stream` job: pushes the audit feed to every active destination, each from its own
 * position, batch after batch, for up to a run's budget, then returns (the next run is a minute
 * later, on whichever instance pg-boss hands it to).
 *
 * - One deliverer per destination, across instances: a lease (lease_owner, lease_expires_at) taken
 *   by a conditional UPDATE, renewed with every accepted batch and while polling; the position and
 *   counters only move `WHERE lease_owner = me`, so a deliverer that lost its lease changes nothing.
 * - No transaction or row lock is held across a request: an open transaction would hold back
 *   pg_snapshot_xmin, and with it the feed itself.
 * - The position moves only after a 2xx. A crash between the receiver's 2xx and that UPDATE
 *   redelivers the batch (same events, same webhook-id): at least once, never loss.
 */

/** How long a claimed destination stays ours without a renewal: a request (10 s) plus margin. */
const LEASE_SECONDS = 30;
/** A run's default budget: a little under the one-minute schedule, so runs hardly overlap. */
const RUN_BUDGET_MS = 50_000;
/** When caught up (or waiting for a retry), the feed and the list of due destinations are read again this often. */
const POLL_MS = 1_000;
/** Backoff after a failure: 1 s, doubling, at most 5 minutes, each delay jittered ±25 %. */
const FIRST_BACKOFF_SECONDS = 1;
const MAX_BACKOFF_SECONDS = 300;

const NO_REQUEST: RequestMeta = { ip: null, userAgent: null };

export type DeliverOptions = {
  /** Aborts the run at once, requests in flight included (a shutting-down worker). */
  signal?: AbortSignal;
  /** No new batch starts after this many milliseconds; one in flight still finishes. Default 50 s. */
  budgetMs?: number;
  /** This deliverer's lease owner id (a uuid); a fresh one per run by default. */
  instanceId?: string;
  /** Called after each accepted batch (tests and the bench watch progress with it). */
  onBatch?: (batch: { destinationId: string; events: number }) => void;
};

export type DeliverySummary = { batches: number; events: number; failures: number; autoPaused: number };

type Leased = {
  id: string;
  name: string;
  url: string;
  batch_size: number;
  secret_sealed: string;
  position_tx_id: bigint;
  position_event_id: bigint;
};

type Config = { url: string; batch_size: number; paused: boolean };

export async function deliverAuditStreams(options: DeliverOptions = {}): Promise<DeliverySummary> {
  const owner = options.instanceId ?? randomUUID();
  const deadline = Date.now() + (options.budgetMs ?? RUN_BUDGET_MS);
  const run: Run = {
    owner,
    signal: options.signal,
    onBatch: options.onBatch,
    going: () => Date.now() < deadline && !options.signal?.aborted,
    summary: { batches: 0, events: 0, failures: 0, autoPaused: 0 },
  };
  const workers = new Map<string, Promise<void>>();
  try {
    while (run.going()) {
      for (const leased of await claimDue(owner, [...workers.keys()])) {
        const worker = drain(run, leased)
          .catch((error: unknown) => log("error", "audit_stream.worker_failed", { destination: leased.id, error: errorName(error) }))
          .finally(() => workers.delete(leased.id));
        workers.set(leased.id, worker);
      }
      if (workers.size === 0 && !(await anyActive())) break;
      await pause(POLL_MS, options.signal);
    }
  } finally {
    await Promise.allSettled(workers.values());
    // What this run still holds is free for the next deliverer at once, not after the lease runs out.
    await db.$executeRaw`
      UPDATE audit_stream_destinations SET lease_owner = NULL, lease_expires_at = NULL WHERE lease_owner = ${owner}::uuid`;
  }
  return run.summary;
}

type Run = {
  owner: string;
  signal: AbortSignal | undefined;
  onBatch: DeliverOptions["onBatch"];
  going: () => boolean;
  summary: DeliverySummary;
};

/** Every active destination that is due and whose lease is free (or has run out), now leased to `owner`. */
function claimDue(owner: string, busy: string[]): Promise<Leased[]> {
  return db.$queryRaw<Leased[]>`
    UPDATE audit_stream_destinations
    SET lease_owner = ${owner}::uuid, lease_expires_at = now() + make_interval(secs => ${LEASE_SECONDS})
    WHERE paused_at IS NULL AND next_attempt_at <= now()
      AND (lease_owner IS NULL OR lease_expires_at < now())
      AND NOT (id = ANY(${busy}::uuid[]))
    RETURNING id::text, name, url, batch_size, secret_sealed, position_tx_id, position_event_id`;
}

async function anyActive(): Promise<boolean> {
  const [row] = await db.$queryRaw<[{ any: boolean }]>`
    SELECT EXISTS (SELECT 1 FROM audit_stream_destinations WHERE paused_at IS NULL) AS any`;
  return row.any;
}

/** Batches to one destination until the run ends, the lease is lost, it is paused or deleted, or a request fails. */
async function drain(run: Run, leased: Leased): Promise<void> {
  const secret = openStreamSecret(leased.id, leased.secret_sealed);
  let config: Config = { url: leased.url, batch_size: leased.batch_size, paused: false };
  let position: FeedPosition = { txId: leased.position_tx_id, id: leased.position_event_id };
  while (run.going()) {
    const { events, position: next } = await readAuditFeed(position, config.batch_size);
    const first = events[0];
    const last = events.at(-1);
    if (!first || !last) {
      await pause(POLL_MS, run.signal);
      const renewed = await renew(run.owner, leased.id);
      if (!renewed || renewed.paused) return;
      config = renewed;
      continue;
    }
    const outcome = await postBatch({
      url: config.url,
      secret,
      messageId: batchMessageId(leased.id, first.event.id, last.event.id),
      lines: events.map((event) => JSON.stringify(event)),
      signal: run.signal,
    });
    // Shutting down: the batch may or may not have arrived; it is sent again next time (same webhook-id).
    if (run.signal?.aborted) return;
    if (!outcome.ok) {
      await recordFailure(run, leased, outcome.error ?? "failed");
      return;
    }
    const advanced = await advance(run.owner, leased.id, next, events.length);
    if (!advanced) {
      log("warn", "audit_stream.lease_lost", { destination: leased.id });
      return;
    }
    run.summary.batches += 1;
    run.summary.events += events.length;
    run.onBatch?.({ destinationId: leased.id, events: events.length });
    position = next;
    config = advanced;
    if (advanced.paused) return;
  }
}

/** The receiver accepted the batch: the position moves past it, and the lease is renewed. */
async function advance(owner: string, id: string, next: FeedPosition, count: number): Promise<Config | null> {
  const [row] = await db.$queryRaw<Config[]>`
    UPDATE audit_stream_destinations
    SET position_tx_id = ${next.txId}, position_event_id = ${next.id},
      delivered_events = delivered_events + ${count},
      last_success_at = now(), failing_since = NULL, consecutive_failures = 0, next_attempt_at = now(),
      lease_expires_at = now() + make_interval(secs => ${LEASE_SECONDS})
    WHERE id = ${id}::uuid AND lease_owner = ${owner}::uuid
    RETURNING url, batch_size, paused_at IS NOT NULL AS paused`;
  return row ?? null;
}

/** Still ours while caught up: the lease renewed, and the settings an admin may have changed since read again. */
async function renew(owner: string, id: string): Promise<Config | null> {
  const [row] = await db.$queryRaw<Config[]>`
    UPDATE audit_stream_destinations SET lease_expires_at = now() + make_interval(secs => ${LEASE_SECONDS})
    WHERE id = ${id}::uuid AND lease_owner = ${owner}::uuid
    RETURNING url, batch_size, paused_at IS NOT NULL AS paused`;
  return row ?? null;
}

type Failed = { consecutive_failures: number; failing_since: Date };
type AutoPaused = { name: string; url: string; failing_since: Date; last_error: string | null };

/**
 * A failed request: counted, its description kept, the next attempt put off (backoff) and the
 * lease given up. A destination failing for AUDIT_STREAM_PAUSE_AFTER_MINUTES is paused in the same
 * short transaction, audited, and every active admin emailed: the conditional UPDATE makes that once.
 */
async function recordFailure(run: Run, leased: Leased, error: string): Promise<void> {
  run.summary.failures += 1;
  log("warn", "audit_stream.delivery_failed", { destination: leased.id, error });
  const pauseAfterMinutes = getEnv().AUDIT_STREAM_PAUSE_AFTER_MINUTES;
  const paused = await db.$transaction(async (tx) => {
    const [failed] = await tx.$queryRaw<Failed[]>`
      UPDATE audit_stream_destinations
      SET consecutive_failures = consecutive_failures + 1, total_failures = total_failures + 1,
        failing_since = COALESCE(failing_since, now()), last_failure_at = now(), last_error = ${error},
        next_attempt_at = now() + make_interval(secs => LEAST(${MAX_BACKOFF_SECONDS},
          ${FIRST_BACKOFF_SECONDS} * power(2, LEAST(consecutive_failures, 20)) * (0.75 + random() / 2))),
        lease_owner = NULL, lease_expires_at = NULL
      WHERE id = ${leased.id}::uuid AND lease_owner = ${run.owner}::uuid
      RETURNING consecutive_failures, failing_since`;
    if (!failed) return null;
    const [row] = await tx.$queryRaw<AutoPaused[]>`
      UPDATE audit_stream_destinations SET paused_at = now(), paused_reason = 'failing'
      WHERE id = ${leased.id}::uuid AND paused_at IS NULL
        AND failing_since <= now() - make_interval(mins => ${pauseAfterMinutes})
      RETURNING name, url, failing_since, last_error`;
    if (!row) return null;
    await announceAutoPause(tx, leased.id, row);
    return row;
  });
  if (paused) {
    run.summary.autoPaused += 1;
    log("warn", "audit_stream.auto_paused", { destination: leased.id, error });
  }
}

async function announceAutoPause(tx: Tx, id: string, row: AutoPaused): Promise<void> {
  const failingMinutes = Math.max(1, Math.round((Date.now() - row.failing_since.getTime()) / 60_000));
  const endpoint = endpointOf(row.url);
  await recordAuditEvent(tx, {
    type: "audit_stream.auto_paused",
    actor: { email: MAINTENANCE_ACTOR },
    target: { type: DESTINATION_TARGET, id },
    reason: "failing",
    meta: NO_REQUEST,
    metadata: { name: row.name, endpoint, failingSince: row.failing_since.toISOString(), failingMinutes, lastError: row.last_error },
  });
  const admins = await tx.user.findMany({
    where: { role: "ADMIN", disabledAt: null, deletedAt: null },
    select: { email: true, locale: true },
    orderBy: { email: "asc" },
  });
  for (const admin of admins)
    await queueSecurityNotice(
      tx,
      admin.email,
      NO_REQUEST,
      {
        notice: "streamPaused",
        values: { name: row.name, failingSince: { date: row.failing_since.toISOString() }, url: `${getEnv().APP_URL}/admin/streaming` },
        facts: { destination: row.name, endpoint, lastError: row.last_error },
        closing: "resumeStream",
      },
      { locale: isLocale(admin.locale) ? admin.locale : null },
    );
}

/** Waits `ms`, or less when the run is aborted. */
async function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  await sleep(ms, undefined, { signal }).catch(() => undefined);
}
