import "server-only";
import { randomUUID } from "node:crypto";
import type { z } from "zod";
import { generateStreamSecret, openStreamSecret, postBatch, sealStreamSecret, type PostOutcome } from "@/lib/audit-stream/post-batch";
import { FEED_ORIGIN, feedLag, type FeedPosition } from "@/lib/audit/query";
import { recordAuditEvent, recordStandaloneEvent } from "@/lib/audit/record";
import { db, type Tx } from "@/lib/db";
import { getEnv } from "@/lib/env";
import type { RequestContext } from "@/lib/http/context";
import { withStepUp } from "@/lib/step-up/with-step-up";
import type { AuditFeedEvent } from "@/shared/audit-feed";
import {
  addStreamDestinationSchemaFor,
  endpointOf,
  updateStreamDestinationSchemaFor,
  type AddStreamDestinationInput,
  type StreamDestinationDto,
  type StreamDestinationIdInput,
  type UpdateStreamDestinationInput,
} from "@/shared/audit-stream";
import { AppError } from "@/shared/errors";

/**
 * Audit stream destinations, for admins (/admin/streaming). Every change is behind the admin's own
 * step-up and writes its audit row in its transaction; the signing secret leaves the server once,
 * in what `addStreamDestination` returns. Delivery itself is lib/audit-stream/deliver.ts.
 */

/** What audit rows and notices name a destination by. */
export const DESTINATION_TARGET = "audit_stream_destination";

type DestinationRow = Awaited<ReturnType<typeof findDestination>>;

/** Every destination, oldest first, with how far behind the feed each one is. */
export async function listStreamDestinations(): Promise<StreamDestinationDto[]> {
  const rows = await db.auditStreamDestination.findMany({ orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
  return Promise.all(rows.map(toDto));
}

export async function addStreamDestination(
  context: RequestContext,
  input: AddStreamDestinationInput,
): Promise<{ destination: StreamDestinationDto; secret: string }> {
  requireAdminRole(context);
  const { name, url, batchSize, start } = parseOnServer(addStreamDestinationSchemaFor(urlRule()), input);
  const { row, secret } = await withStepUp(context, "admin.stream.add", { name, url, batchSize, start }, async (tx) => {
    const id = randomUUID();
    const secret = generateStreamSecret();
    const position = start === "all" ? FEED_ORIGIN : await feedHeadIn(tx);
    const row = await tx.auditStreamDestination.create({
      data: {
        id,
        name,
        url,
        batchSize,
        secretSealed: sealStreamSecret(id, secret),
        positionTxId: position.txId,
        positionEventId: position.id,
        createdById: context.session.user.id,
      },
    });
    await recordAuditEvent(tx, {
      type: "audit_stream.created",
      actor: context.session.user,
      target: { type: DESTINATION_TARGET, id },
      meta: context.meta,
      metadata: { name, endpoint: endpointOf(url), batchSize, start },
    });
    return { row, secret };
  });
  return { destination: await toDto(row), secret };
}

export async function updateStreamDestination(context: RequestContext, input: UpdateStreamDestinationInput): Promise<StreamDestinationDto> {
  requireAdminRole(context);
  const { destinationId, name, url, batchSize } = parseOnServer(updateStreamDestinationSchemaFor(urlRule()), input);
  const existing = await findDestination(destinationId);
  const row = await withStepUp(context, "admin.stream.update", { destinationId, name, url, batchSize }, async (tx) => {
    const urlChanged = existing.url !== url;
    const [updated] = await tx.auditStreamDestination.updateManyAndReturn({
      where: { id: destinationId },
      // A new endpoint starts with a clean record: the old one's failures say nothing about it.
      data: { name, url, batchSize, ...(urlChanged && { failingSince: null, consecutiveFailures: 0, nextAttemptAt: new Date() }) },
    });
    if (!updated) throw new AppError("NOT_FOUND");
    const previous = {
      ...(existing.name !== name && { name: existing.name }),
      ...(urlChanged && { endpoint: endpointOf(existing.url) }),
      ...(existing.batchSize !== batchSize && { batchSize: existing.batchSize }),
    };
    await recordAuditEvent(tx, {
      type: "audit_stream.updated",
      actor: context.session.user,
      target: { type: DESTINATION_TARGET, id: destinationId },
      meta: context.meta,
      metadata: { name, endpoint: endpointOf(url), batchSize, previous },
    });
    return updated;
  });
  return toDto(row);
}

/** Stops delivery until resumed; new events wait in the audit log. Already paused: nothing to confirm. */
export async function pauseStreamDestination(
  context: RequestContext,
  { destinationId }: StreamDestinationIdInput,
): Promise<StreamDestinationDto> {
  requireAdminRole(context);
  const existing = await findDestination(destinationId);
  if (existing.pausedAt) return toDto(existing);
  const row = await withStepUp(context, "admin.stream.pause", { destinationId, name: existing.name }, async (tx) => {
    const [paused] = await tx.auditStreamDestination.updateManyAndReturn({
      where: { id: destinationId, pausedAt: null },
      data: { pausedAt: new Date(), pausedReason: "admin" },
    });
    // Another admin (or the deliverer, auto-pausing) was first: nothing changed, nothing to record.
    if (!paused) return null;
    await recordAuditEvent(tx, {
      type: "audit_stream.paused",
      actor: context.session.user,
      target: { type: DESTINATION_TARGET, id: destinationId },
      meta: context.meta,
      metadata: { name: paused.name, endpoint: endpointOf(paused.url) },
    });
    return paused;
  });
  return toDto(row ?? (await findDestination(destinationId)));
}

/** Delivery picks up where it stopped (the oldest event not yet accepted), with a clean failure record. */
export async function resumeStreamDestination(
  context: RequestContext,
  { destinationId }: StreamDestinationIdInput,
): Promise<StreamDestinationDto> {
  requireAdminRole(context);
  const existing = await findDestination(destinationId);
  if (!existing.pausedAt) return toDto(existing);
  const row = await withStepUp(context, "admin.stream.resume", { destinationId, name: existing.name }, async (tx) => {
    const [resumed] = await tx.auditStreamDestination.updateManyAndReturn({
      where: { id: destinationId, pausedAt: { not: null } },
      data: { pausedAt: null, pausedReason: null, failingSince: null, consecutiveFailures: 0, nextAttemptAt: new Date() },
    });
    if (!resumed) return null;
    await recordAuditEvent(tx, {
      type: "audit_stream.resumed",
      actor: context.session.user,
      target: { type: DESTINATION_TARGET, id: destinationId },
      meta: context.meta,
      metadata: { name: resumed.name, endpoint: endpointOf(resumed.url), wasAutoPaused: existing.pausedReason === "failing" },
    });
    return resumed;
  });
  return toDto(row ?? (await findDestination(destinationId)));
}

/** Nothing more is sent to it; a deliverer mid-batch loses its lease with the row and stops. */
export async function deleteStreamDestination(context: RequestContext, { destinationId }: StreamDestinationIdInput): Promise<void> {
  requireAdminRole(context);
  const existing = await findDestination(destinationId);
  await withStepUp(context, "admin.stream.delete", { destinationId, name: existing.name }, async (tx) => {
    const { count } = await tx.auditStreamDestination.deleteMany({ where: { id: destinationId } });
    if (count === 0) throw new AppError("NOT_FOUND");
    await recordAuditEvent(tx, {
      type: "audit_stream.deleted",
      actor: context.session.user,
      target: { type: DESTINATION_TARGET, id: destinationId },
      meta: context.meta,
      metadata: { name: existing.name, endpoint: endpointOf(existing.url), deliveredEvents: Number(existing.deliveredEvents) },
    });
  });
}

/**
 * One signed line, sent now, whatever the destination's state: a synthetic event (`event.action`
 * `audit_stream.test`, `event.id` "0", never part of the feed) with its own webhook-id. Not a
 * change, so no step-up; recorded with what came of it.
 */
export async function sendStreamTestEvent(context: RequestContext, { destinationId }: StreamDestinationIdInput): Promise<PostOutcome> {
  requireAdminRole(context);
  const destination = await db.auditStreamDestination.findUnique({ where: { id: destinationId }, omit: { secretSealed: false } });
  if (!destination) throw new AppError("NOT_FOUND");
  const event = testEvent(context, destination);
  const outcome = await postBatch({
    url: destination.url,
    secret: openStreamSecret(destination.id, destination.secretSealed),
    messageId: `msg_test_${randomUUID().replaceAll("-", "")}`,
    lines: [JSON.stringify(event)],
  });
  await recordStandaloneEvent({
    type: "audit_stream.test_sent",
    outcome: outcome.ok ? "SUCCESS" : "FAILURE",
    actor: context.session.user,
    target: { type: DESTINATION_TARGET, id: destination.id },
    ...(outcome.error && { reason: outcome.error }),
    meta: context.meta,
    metadata: { name: destination.name, endpoint: endpointOf(destination.url), status: outcome.status },
  });
  return outcome;
}

// Admin pages and actions check the role already (adminAction); the domain refuses anyone else too.
function requireAdminRole(context: RequestContext): void {
  if (context.session.user.role !== "ADMIN") throw new AppError("NOT_FOUND");
}

function urlRule(): { allowLoopbackHttp: boolean } {
  return { allowLoopbackHttp: !getEnv().isProduction };
}

/** The input again, under this deployment's URL rule: the forms' schema allows loopback http everywhere. */
function parseOnServer<Schema extends z.ZodType>(schema: Schema, input: unknown): z.output<Schema> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const fieldErrors: Record<string, string[]> = {};
  for (const issue of parsed.error.issues) {
    const field = String(issue.path[0] ?? "form");
    (fieldErrors[field] ??= []).push(issue.message);
  }
  throw new AppError("VALIDATION_FAILED", { fieldErrors });
}

async function findDestination(id: string) {
  const row = await db.auditStreamDestination.findUnique({ where: { id } });
  if (!row) throw new AppError("NOT_FOUND");
  return row;
}

/** "From now on", as this transaction sees it: its own rows (the creation's audit row) come after it. */
async function feedHeadIn(tx: Tx): Promise<FeedPosition> {
  const [row] = await tx.$queryRaw<[{ xmin: bigint }]>`SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint AS xmin`;
  return { txId: row.xmin, id: 0n };
}

async function toDto(row: DestinationRow): Promise<StreamDestinationDto> {
  const lag = await feedLag({ txId: row.positionTxId, id: row.positionEventId });
  return {
    id: row.id,
    name: row.name,
    url: row.url,
    batchSize: row.batchSize,
    state: row.pausedAt === null ? "active" : row.pausedReason === "failing" ? "auto_paused" : "paused",
    pausedAt: iso(row.pausedAt),
    failingSince: iso(row.failingSince),
    lastSuccessAt: iso(row.lastSuccessAt),
    lastFailureAt: iso(row.lastFailureAt),
    lastError: row.lastError,
    consecutiveFailures: row.consecutiveFailures,
    totalFailures: row.totalFailures,
    deliveredEvents: Number(row.deliveredEvents),
    lagEvents: lag.events,
    lagSeconds: lag.seconds,
    createdAt: row.createdAt.toISOString(),
  };
}

function iso(date: Date | null): string | null {
  return date ? date.toISOString() : null;
}

function testEvent(context: RequestContext, destination: { id: string; name: string }): AuditFeedEvent {
  const { user } = context.session;
  return {
    "@timestamp": new Date().toISOString(),
    event: {
      id: "0",
      action: "audit_stream.test",
      category: ["configuration"],
      outcome: "success",
      kind: "event",
      dataset: "stepup.audit",
      reason: null,
    },
    message: `Test event for the audit stream destination "${destination.name}", sent by ${user.email}`,
    user: { id: user.id, email: user.email },
    source: context.meta.ip ? { ip: context.meta.ip } : null,
    user_agent: context.meta.userAgent ? { original: context.meta.userAgent } : null,
    stepup: {
      outcome: "SUCCESS",
      category: "admin",
      target: { type: DESTINATION_TARGET, id: destination.id, name: destination.name },
      metadata: { test: true },
    },
  };
}
