import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { issue } from "@/i18n/issues";
import { deliverAuditStreams, type DeliverOptions } from "@/lib/audit-stream/deliver";
import {
  addStreamDestination,
  deleteStreamDestination,
  listStreamDestinations,
  pauseStreamDestination,
  resumeStreamDestination,
  sendStreamTestEvent,
  updateStreamDestination,
} from "@/lib/audit-stream/destinations";
import { batchMessageId } from "@/lib/audit-stream/post-batch";
import type { FeedPosition } from "@/lib/audit/query";
import { recordAuditEvent, recordStandaloneEvent } from "@/lib/audit/record";
import { db, disconnectDb } from "@/lib/db";
import type { RequestContext } from "@/lib/http/context";
import { MAINTENANCE_ACTOR } from "@/shared/audit-events";
import { addStreamDestinationSchemaFor, streamUrlProblem, type StreamDestinationDto } from "@/shared/audit-stream";
import { captureConsole } from "@/test/helpers/capture-console";
import { startSecondInstance } from "@/test/helpers/second-instance";
import {
  completeStepUp,
  dumpDatabase,
  expectAppError,
  expectStepUpRequired,
  newContext,
  newUser,
  stepUpEmails,
  type TestUser,
} from "@/test/helpers/step-up";
import { startStreamReceiver, verifyBatch, type StreamReceiver } from "@/tooling/stream-receiver";

const receivers: StreamReceiver[] = [];

async function receiver(...args: Parameters<typeof startStreamReceiver>): Promise<StreamReceiver> {
  const started = await startStreamReceiver(...args);
  receivers.push(started);
  return started;
}

beforeEach(async () => {
  // Each test's deliverer works every active destination: start from none.
  await db.auditStreamDestination.deleteMany({});
});

afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(receivers.splice(0).map((started) => started.close()));
});

afterAll(async () => {
  await disconnectDb();
});

async function newAdmin(label = "stream-admin"): Promise<{ user: TestUser; context: RequestContext }> {
  const user = await newUser(label);
  await db.user.update({ where: { id: user.id }, data: { role: "ADMIN" } });
  return { user, context: await newContext(user) };
}

/** Opens the admin's sudo window (shared by every admin.* action) with a real emailed code. */
async function openAdminWindow(context: RequestContext): Promise<void> {
  await completeStepUp(context, "admin.stream.pause", { destinationId: randomUUID(), name: "window" });
}

/** An admin with the window open, ready to add destinations. */
async function readyAdmin(label?: string) {
  const admin = await newAdmin(label);
  await openAdminWindow(admin.context);
  return admin;
}

async function add(context: RequestContext, url: string, options: { batchSize?: number; start?: "new" | "all"; name?: string } = {}) {
  return addStreamDestination(context, {
    name: options.name ?? `SIEM ${randomUUID().slice(0, 6)}`,
    url,
    batchSize: options.batchSize ?? 100,
    start: options.start ?? "new",
  });
}

async function positionOf(destinationId: string): Promise<FeedPosition> {
  const row = await db.auditStreamDestination.findUniqueOrThrow({
    where: { id: destinationId },
    select: { positionTxId: true, positionEventId: true },
  });
  return { txId: row.positionTxId, id: row.positionEventId };
}

/** Every event id after `position`, in feed order: what a destination starting there must receive. */
async function feedIdsAfter(position: FeedPosition): Promise<string[]> {
  const rows = await db.$queryRaw<{ id: bigint }[]>`
    SELECT id FROM audit_events WHERE (tx_id, id) > (${position.txId}, ${position.id}) ORDER BY tx_id, id`;
  return rows.map((row) => row.id.toString());
}

async function writeEvents(count: number, label: string, user: TestUser): Promise<void> {
  for (let index = 0; index < count; index++)
    await recordStandaloneEvent({
      type: "admin.audit_viewed",
      actor: user,
      reason: `${label}-${index}`,
      meta: { ip: "203.0.113.5", userAgent: "stream-test" },
    });
}

/** Short delivery runs until every active destination has nothing left to send. */
async function deliverUntilCaughtUp(options: DeliverOptions = {}, timeoutMs = 45_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await deliverAuditStreams({ budgetMs: 1_500, ...options });
    const active = (await listStreamDestinations()).filter((destination) => destination.state === "active");
    if (active.every((destination) => destination.lagEvents === 0)) return;
    if (Date.now() > deadline) throw new Error(`not caught up: ${JSON.stringify(active.map((d) => d.lagEvents))}`);
  }
}

async function destinationRow(id: string) {
  return db.auditStreamDestination.findUniqueOrThrow({ where: { id } });
}

describe("delivery: signed JSON lines, in order, each event once", () => {
  it("signs every batch per Standard Webhooks and delivers every event in feed order while writers race, a long transaction included", async () => {
    const { user, context } = await readyAdmin();
    const small = await receiver();
    const large = await receiver();
    const a = await add(context, small.url, { batchSize: 7 });
    const b = await add(context, large.url, { batchSize: 1000 });
    const startA = await positionOf(a.destination.id);
    const startB = await positionOf(b.destination.id);

    const delivering = deliverAuditStreams({ budgetMs: 5_000 });
    // A transaction that writes early and commits last: its event has the lowest tx_id of the
    // lot, so a reader that did not wait for it would pass it by for good.
    const longTransaction = db.$transaction(
      async (tx) => {
        await recordAuditEvent(tx, { type: "admin.audit_viewed", actor: user, reason: "long-tx", meta: { ip: null, userAgent: null } });
        await new Promise((resolve) => setTimeout(resolve, 1_500));
      },
      { timeout: 10_000 },
    );
    await Promise.all([...Array.from({ length: 6 }, (_, writer) => writeEvents(25, `w${writer}`, user)), longTransaction]);
    await delivering;
    await deliverUntilCaughtUp();

    for (const [destination, seen, start, batchSize] of [
      [a, small, startA, 7],
      [b, large, startB, 1000],
    ] as const) {
      const expected = await feedIdsAfter(start);
      expect(expected.length).toBeGreaterThan(150);
      expect(seen.acceptedIds()).toEqual(expected);
      expect(seen.received.every((batch) => batch.status === 200)).toBe(true);
      for (const batch of seen.received) {
        expect(() => verifyBatch(destination.secret, batch)).not.toThrow();
        expect(batch.headers["content-type"]).toBe("application/x-ndjson");
        expect(batch.events.length).toBeGreaterThan(0);
        expect(batch.events.length).toBeLessThanOrEqual(batchSize);
        expect(batch.body.endsWith("\n")).toBe(true);
        const first = batch.events[0]?.event.id ?? "";
        const last = batch.events.at(-1)?.event.id ?? "";
        expect(batch.headers["webhook-id"]).toBe(batchMessageId(destination.destination.id, first, last));
      }
    }
    expect(small.received.length).toBeGreaterThan(large.received.length);
    // The long transaction's event reached both, and the ECS document is what the feed reader makes.
    const longTxEvent = small
      .accepted()
      .flatMap((batch) => batch.events)
      .find((event) => event.event.reason === "long-tx");
    expect(longTxEvent).toMatchObject({ event: { action: "admin.audit_viewed", dataset: "stepup.audit" }, user: { id: user.id } });

    // A signature proves the secret and the body: another destination's secret, or one changed byte, fails.
    const [firstBatch] = small.received;
    if (!firstBatch) throw new Error("nothing arrived");
    expect(() => verifyBatch(b.secret, firstBatch)).toThrow();
    expect(() => verifyBatch(a.secret, { ...firstBatch, body: `${firstBatch.body} ` })).toThrow();
    expect(() => verifyBatch(a.secret, { ...firstBatch, body: firstBatch.body.replace('"event"', '"evenT"') })).toThrow();

    const [dtoA] = (await listStreamDestinations()).filter((destination) => destination.id === a.destination.id);
    expect(dtoA).toMatchObject({ state: "active", lagEvents: 0, deliveredEvents: (await feedIdsAfter(startA)).length, totalFailures: 0 });
  }, 90_000);

  it("a receiver answering 500 for a while: retried with growing backoff, the same batch (same webhook-id) until accepted, then every event exactly once", async () => {
    const { user, context } = await readyAdmin();
    const seen = await receiver((index) => (index < 3 ? 500 : 200));
    const { destination } = await add(context, seen.url, { batchSize: 500 });
    const start = await positionOf(destination.id);
    await writeEvents(40, "outage", user);

    // The first attempt fails at once: the page shows it failing.
    await deliverAuditStreams({ budgetMs: 300 });
    expect(seen.received).toHaveLength(1);
    const failing = (await listStreamDestinations()).find((row) => row.id === destination.id);
    expect(failing).toMatchObject({
      state: "active",
      consecutiveFailures: 1,
      totalFailures: 1,
      lastError: "HTTP 500",
      lastSuccessAt: null,
    });
    expect(failing?.failingSince).not.toBeNull();
    expect(failing?.lagEvents).toBeGreaterThan(40);

    await deliverUntilCaughtUp();
    const expected = await feedIdsAfter(start);
    expect(seen.acceptedIds()).toEqual(expected);
    expect(new Set(seen.acceptedIds()).size).toBe(expected.length);
    // The failed attempts carried the very batch that was accepted after them.
    const [f1, f2, f3, ok] = seen.received;
    if (!f1 || !f2 || !f3 || !ok) throw new Error("expected four requests");
    expect([f1, f2, f3].map((batch) => batch.status)).toEqual([500, 500, 500]);
    for (const failed of [f1, f2, f3]) {
      expect(failed.headers["webhook-id"]).toBe(ok.headers["webhook-id"]);
      expect(failed.body).toBe(ok.body);
    }
    // Backoff: 1 s, 2 s, 4 s (each ±25 %).
    const gaps = [f2.at - f1.at, f3.at - f2.at, ok.at - f3.at];
    expect(gaps[0]).toBeGreaterThanOrEqual(700);
    expect(gaps[1]).toBeGreaterThanOrEqual(1_450);
    expect(gaps[2]).toBeGreaterThanOrEqual(2_950);
    const row = await destinationRow(destination.id);
    expect(row).toMatchObject({ consecutiveFailures: 0, totalFailures: 3, failingSince: null, lastError: "HTTP 500", pausedAt: null });
    expect(row.lastSuccessAt).not.toBeNull();
    expect(row.lastError).not.toContain("secret-looking");
  }, 60_000);

  it("a redirect is a failure, not followed; a refused connection is described as such", async () => {
    const { user, context } = await readyAdmin();
    const redirecting = await receiver(() => 302);
    const { destination } = await add(context, redirecting.url);
    await writeEvents(3, "redirect", user);
    await deliverAuditStreams({ budgetMs: 300 });
    expect(redirecting.received).toHaveLength(1);
    expect(await destinationRow(destination.id)).toMatchObject({ lastError: "redirect (HTTP 302)", consecutiveFailures: 1 });

    const closed = await receiver();
    const closedUrl = closed.url;
    await closed.close();
    receivers.splice(receivers.indexOf(closed), 1);
    await updateStreamDestination(context, { destinationId: destination.id, name: destination.name, url: closedUrl, batchSize: 100 });
    await deliverAuditStreams({ budgetMs: 300 });
    expect(await destinationRow(destination.id)).toMatchObject({ lastError: "connection refused", consecutiveFailures: 1 });
  });

  it("a paused destination gets nothing; resumed, it carries on from where it stopped", async () => {
    const { user, context } = await readyAdmin();
    const seen = await receiver();
    const { destination } = await add(context, seen.url, { batchSize: 10 });
    const start = await positionOf(destination.id);
    await writeEvents(5, "before-pause", user);
    await deliverUntilCaughtUp();
    const before = seen.acceptedIds().length;

    await pauseStreamDestination(context, { destinationId: destination.id });
    await writeEvents(15, "while-paused", user);
    await deliverAuditStreams({ budgetMs: 1_200 });
    expect(seen.acceptedIds()).toHaveLength(before);
    expect((await listStreamDestinations()).find((row) => row.id === destination.id)).toMatchObject({ state: "paused" });

    await resumeStreamDestination(context, { destinationId: destination.id });
    await deliverUntilCaughtUp();
    expect(seen.acceptedIds()).toEqual(await feedIdsAfter(start));
  }, 60_000);
});

describe("delivery from two instances at once", () => {
  it("hands destinations between instances by lease, and no event is sent twice", async () => {
    const { user, context } = await readyAdmin();
    const first = await receiver();
    const second = await receiver();
    const a = await add(context, first.url, { batchSize: 5 });
    const b = await add(context, second.url, { batchSize: 9 });
    const starts = [await positionOf(a.destination.id), await positionOf(b.destination.id)] as const;

    const other = await startSecondInstance(() => import("@/lib/audit-stream/deliver"));
    try {
      const batchesBy = { one: 0, two: 0 };
      const until = Date.now() + 12_000;
      // Each instance runs short rounds with pauses between them, as two workers' job runs fall:
      // whichever holds a destination's lease sends to it, and in the first one's pauses (longer than the
      // second's poll interval) the second takes over.
      const rounds = async (name: "one" | "two", deliver: typeof deliverAuditStreams, gapMs: () => number) => {
        while (Date.now() < until) {
          await deliver({
            budgetMs: 1_500,
            onBatch: () => {
              batchesBy[name] += 1;
            },
          });
          await new Promise((resolve) => setTimeout(resolve, gapMs()));
        }
      };
      await Promise.all([
        rounds("one", deliverAuditStreams, () => 1_200 + Math.random() * 300),
        other.run(() => rounds("two", other.modules.deliverAuditStreams, () => Math.random() * 400)),
        // Writers all along, so that whichever instance holds a lease has something to send.
        ...Array.from({ length: 3 }, async (_, writer) => {
          for (let index = 0; Date.now() < until - 1_000; index++) {
            await writeEvents(1, `two-instances-${writer}-${index}`, user);
            await new Promise((resolve) => setTimeout(resolve, 25));
          }
        }),
      ]);
      expect(other.hasOwnClient()).toBe(true);
      await deliverUntilCaughtUp();
      expect(batchesBy.one).toBeGreaterThan(0);
      expect(batchesBy.two).toBeGreaterThan(0);
    } finally {
      await other.close();
    }

    for (const [seen, start] of [
      [first, starts[0]],
      [second, starts[1]],
    ] as const) {
      const ids = seen.acceptedIds();
      expect(ids.length - new Set(ids).size).toBe(0);
      expect(ids).toEqual(await feedIdsAfter(start));
      expect(seen.received.every((batch) => batch.status === 200)).toBe(true);
    }
  }, 90_000);
});

describe("automatic pause", () => {
  it("a destination failing for AUDIT_STREAM_PAUSE_AFTER_MINUTES is paused, audited by maintenance, and every active admin emailed once", async () => {
    const { context, user } = await readyAdmin("stream-owner");
    const other = await newAdmin("stream-other-admin");
    const disabled = await newAdmin("stream-disabled-admin");
    await db.user.update({ where: { id: disabled.user.id }, data: { disabledAt: new Date() } });
    const plain = await newUser("stream-plain-user");
    const seen = await receiver(() => 503);
    const { destination, secret } = await add(context, seen.url, { name: "Failing SIEM" });
    await writeEvents(3, "auto-pause", user);

    await deliverAuditStreams({ budgetMs: 300 });
    // Failing, but not yet for a day less a minute: still active.
    await db.$executeRaw`UPDATE audit_stream_destinations
      SET failing_since = now() - interval '1439 minutes', next_attempt_at = now() WHERE id = ${destination.id}::uuid`;
    await deliverAuditStreams({ budgetMs: 300 });
    expect(seen.received).toHaveLength(2);
    expect(await destinationRow(destination.id)).toMatchObject({ pausedAt: null, consecutiveFailures: 2 });

    await db.$executeRaw`UPDATE audit_stream_destinations
      SET failing_since = now() - interval '1441 minutes', next_attempt_at = now() WHERE id = ${destination.id}::uuid`;
    await deliverAuditStreams({ budgetMs: 300 });
    expect(seen.received).toHaveLength(3);
    const row = await destinationRow(destination.id);
    expect(row.pausedAt).not.toBeNull();
    expect(row.pausedReason).toBe("failing");
    expect((await listStreamDestinations()).find((dto) => dto.id === destination.id)?.state).toBe("auto_paused");

    const audits = await db.auditEvent.findMany({ where: { type: "audit_stream.auto_paused", targetId: destination.id } });
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({ actorId: null, actorEmail: MAINTENANCE_ACTOR, targetType: "audit_stream_destination" });
    expect(audits[0]?.metadata).toMatchObject({ name: "Failing SIEM", lastError: "HTTP 503", failingMinutes: 1441 });

    const notices = async () =>
      db.emailOutbox.findMany({ where: { subject: "An audit stream destination was paused" }, select: { to: true, data: true } });
    const sent = await notices();
    const activeAdmins = await db.user.findMany({ where: { role: "ADMIN", disabledAt: null, deletedAt: null }, select: { email: true } });
    expect(sent.map((notice) => notice.to).sort()).toEqual(activeAdmins.map((admin) => admin.email).sort());
    expect(sent.map((notice) => notice.to)).toEqual(expect.arrayContaining([user.email, other.user.email]));
    expect(sent.map((notice) => notice.to)).not.toContain(disabled.user.email);
    expect(sent.map((notice) => notice.to)).not.toContain(plain.email);
    expect(JSON.stringify(sent)).toContain("Failing SIEM");
    expect(JSON.stringify(sent)).not.toContain(secret.slice(6));

    // Paused: no more requests, no second email, however often the job runs.
    await db.$executeRaw`UPDATE audit_stream_destinations SET next_attempt_at = now() WHERE id = ${destination.id}::uuid`;
    await deliverAuditStreams({ budgetMs: 500 });
    expect(seen.received).toHaveLength(3);
    expect(await notices()).toHaveLength(sent.length);

    // Resumed: a clean record, and delivery resumes.
    seen.setAnswer(() => 200);
    const resumed = await resumeStreamDestination(context, { destinationId: destination.id });
    expect(resumed).toMatchObject({ state: "active", failingSince: null, consecutiveFailures: 0 });
    await deliverUntilCaughtUp();
    expect(seen.accepted().length).toBeGreaterThan(0);
    const resumedAudit = await db.auditEvent.findFirstOrThrow({ where: { type: "audit_stream.resumed", targetId: destination.id } });
    expect(resumedAudit.metadata).toMatchObject({ wasAutoPaused: true });
  }, 60_000);
});

describe("the admin actions", () => {
  it("are refused to anyone but an admin, before any code is sent", async () => {
    const user = await newUser("stream-not-admin");
    const context = await newContext(user);
    const { context: adminContext } = await readyAdmin();
    const { destination } = await add(adminContext, "https://siem.example.test/ingest");
    const id = { destinationId: destination.id };
    await expectAppError(
      addStreamDestination(context, { name: "x", url: "https://siem.example.test/x", batchSize: 10, start: "new" }),
      "NOT_FOUND",
    );
    await expectAppError(
      updateStreamDestination(context, { ...id, name: "x", url: "https://siem.example.test/x", batchSize: 10 }),
      "NOT_FOUND",
    );
    await expectAppError(pauseStreamDestination(context, id), "NOT_FOUND");
    await expectAppError(resumeStreamDestination(context, id), "NOT_FOUND");
    await expectAppError(deleteStreamDestination(context, id), "NOT_FOUND");
    await expectAppError(sendStreamTestEvent(context, id), "NOT_FOUND");
    expect(await stepUpEmails(user.email)).toHaveLength(0);
    expect(await destinationRow(destination.id)).toMatchObject({ name: destination.name, pausedAt: null });
    expect(await db.auditStreamDestination.count()).toBe(1);
  });

  it("need the admin's step-up: without it nothing changes and a code is emailed; with it each change is audited in its transaction", async () => {
    const { user, context } = await newAdmin();
    const request = {
      name: "Splunk",
      url: "https://splunk.example.test/services/collector?token=abc",
      batchSize: 50,
      start: "all" as const,
    };
    const challenge = await expectStepUpRequired(addStreamDestination(context, request));
    expect(challenge.action).toBe("admin.stream.add");
    expect(await db.auditStreamDestination.count()).toBe(0);
    expect(await stepUpEmails(user.email)).toHaveLength(1);

    await completeStepUp(context, "admin.stream.add", request);
    const { destination } = await addStreamDestination(context, request);
    expect(destination).toMatchObject({ name: "Splunk", url: request.url, batchSize: 50, state: "active", deliveredEvents: 0 });
    // start: "all" starts before the oldest event kept.
    expect(await positionOf(destination.id)).toEqual({ txId: 0n, id: 0n });

    // Another admin, without a code of their own, changes nothing.
    const { context: otherContext } = await newAdmin("stream-other");
    const id = { destinationId: destination.id };
    await expectStepUpRequired(updateStreamDestination(otherContext, { ...id, name: "Renamed", url: request.url, batchSize: 5 }));
    await expectStepUpRequired(pauseStreamDestination(otherContext, id));
    await expectStepUpRequired(deleteStreamDestination(otherContext, id));
    expect(await destinationRow(destination.id)).toMatchObject({ name: "Splunk", batchSize: 50, pausedAt: null });

    // The admin's window is open: the rest goes through, each with its audit row.
    await updateStreamDestination(context, { ...id, name: "Splunk EU", url: request.url, batchSize: 25 });
    await pauseStreamDestination(context, id);
    await resumeStreamDestination(context, id);
    await deleteStreamDestination(context, id);
    expect(await db.auditStreamDestination.count()).toBe(0);
    const audits = await db.auditEvent.findMany({
      where: { actorId: user.id, type: { startsWith: "audit_stream." } },
      orderBy: { id: "asc" },
      select: { type: true, targetId: true, metadata: true },
    });
    expect(audits.map((audit) => audit.type)).toEqual([
      "audit_stream.created",
      "audit_stream.updated",
      "audit_stream.paused",
      "audit_stream.resumed",
      "audit_stream.deleted",
    ]);
    expect(audits.every((audit) => audit.targetId === destination.id)).toBe(true);
    expect(audits[1]?.metadata).toMatchObject({ name: "Splunk EU", batchSize: 25, previous: { name: "Splunk", batchSize: 50 } });
    // The endpoint is recorded without its query string (a receiver's key may live there).
    expect(JSON.stringify(audits)).not.toContain("token=abc");
    const grantsUsed = await db.auditEvent.findMany({
      where: { actorId: user.id, type: "step_up.grant_used" },
      orderBy: { id: "asc" },
      select: { reason: true },
    });
    expect(grantsUsed.map((grant) => grant.reason)).toEqual([
      "admin.stream.add",
      "admin.stream.update",
      "admin.stream.pause",
      "admin.stream.resume",
      "admin.stream.delete",
    ]);
  });

  it("an unknown destination is NOT_FOUND, before any code is sent", async () => {
    const { user, context } = await newAdmin();
    const id = { destinationId: randomUUID() };
    await expectAppError(pauseStreamDestination(context, id), "NOT_FOUND");
    await expectAppError(deleteStreamDestination(context, id), "NOT_FOUND");
    await expectAppError(sendStreamTestEvent(context, id), "NOT_FOUND");
    expect(await stepUpEmails(user.email)).toHaveLength(0);
  });
});

describe("destination URLs", () => {
  const allowed = ["https://siem.example.test/ingest", "http://127.0.0.1:8088/in", "http://localhost/in", "http://[::1]:9000/in"];
  const refused = [
    "http://siem.example.test/ingest",
    "http://127.0.0.2/in",
    "http://localhost.example.test/in",
    "https://user:secret@siem.example.test/ingest",
    "https://:secret@siem.example.test/ingest",
    "ftp://siem.example.test/ingest",
    "javascript:alert(1)",
    "not a url",
    `https://siem.example.test/${"a".repeat(2049)}`,
  ];

  it("outside production: https, or http to loopback; never credentials; at most 2048 characters (on the server, before any code is sent)", async () => {
    const { user, context } = await newAdmin();
    for (const url of refused) {
      const error = await expectAppError(add(context, url), "VALIDATION_FAILED");
      expect(error.details.fieldErrors?.url, url).toHaveLength(1);
    }
    expect(await stepUpEmails(user.email)).toHaveLength(0);
    for (const url of allowed) expect(streamUrlProblem(url, { allowLoopbackHttp: true }), url).toBeNull();
    await openAdminWindow(context);
    for (const url of allowed) await add(context, url);
    expect(await db.auditStreamDestination.count()).toBe(allowed.length);
    const [existing] = await listStreamDestinations();
    if (!existing) throw new Error("no destination");
    await expectAppError(
      updateStreamDestination(context, {
        destinationId: existing.id,
        name: existing.name,
        url: "http://siem.example.test/",
        batchSize: 10,
      }),
      "VALIDATION_FAILED",
    );
  });

  it("in production: https only, enforced by the server even when the form's schema let loopback http through", async () => {
    const production = addStreamDestinationSchemaFor({ allowLoopbackHttp: false });
    for (const url of allowed.slice(1))
      expect(production.safeParse({ name: "x", url, batchSize: 1, start: "new" }).success, url).toBe(false);
    expect(production.safeParse({ name: "x", url: allowed[0], batchSize: 1, start: "new" }).success).toBe(true);

    const { context } = await newAdmin();
    const saved = { ...process.env };
    Object.assign(process.env, {
      NODE_ENV: "production",
      APP_URL: "https://account.example.test",
      RESEND_API_KEY: "re_production_test",
      EMAIL_FROM: "Account Security <security@example.test>",
      TRUSTED_PROXIES: "0",
    });
    try {
      vi.resetModules();
      const fresh = await import("@/lib/audit-stream/destinations");
      // The fresh modules have their own AppError class: compare by code.
      const error = await fresh
        .addStreamDestination(context, { name: "Local", url: "http://127.0.0.1:8088/in", batchSize: 10, start: "new" })
        .then(
          () => null,
          (reason: unknown) => reason as { code?: string; details?: { fieldErrors?: Record<string, string[]> } },
        );
      expect(error?.code).toBe("VALIDATION_FAILED");
      expect(error?.details?.fieldErrors?.url).toEqual([issue("urlHttps")]);
    } finally {
      process.env = saved;
      vi.resetModules();
    }
  });
});

describe("the signing secret", () => {
  it("is returned once, as whsec_ + 32 random bytes, and appears in no audit row, DTO, email, log line or database column but sealed", async () => {
    const lines: string[] = [];
    captureConsole(lines);
    const { user, context } = await readyAdmin();
    const seen = await receiver((index) => (index === 0 ? 500 : 200));
    const added = await add(context, seen.url, { batchSize: 3 });
    expect(added.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(added.secret.slice(6), "base64")).toHaveLength(32);
    const again = await add(context, seen.url);
    expect(again.secret).not.toBe(added.secret);

    const id = { destinationId: added.destination.id };
    await writeEvents(4, "secret", user);
    await deliverUntilCaughtUp();
    await sendStreamTestEvent(context, id);
    await updateStreamDestination(context, { ...id, name: "Renamed", url: seen.url, batchSize: 10 });
    await pauseStreamDestination(context, id);
    const dtos: StreamDestinationDto[] = [added.destination, again.destination, ...(await listStreamDestinations())];
    await deleteStreamDestination(context, { destinationId: again.destination.id });

    const raw = added.secret.slice("whsec_".length);
    const key = Buffer.from(raw, "base64");
    const forms = [added.secret, raw, key.toString("hex"), key.toString("base64url")];
    const dump = await dumpDatabase();
    const everything = [
      JSON.stringify(dtos),
      ...Object.values(dump),
      lines.join("\n"),
      ...seen.received.map((batch) => JSON.stringify(batch)),
    ];
    for (const text of everything) for (const form of forms) expect(text).not.toContain(form);
    for (const dto of dtos) expect(Object.keys(dto)).not.toContain("secretSealed");
    const sealed = await db.auditStreamDestination.findUniqueOrThrow({
      where: { id: added.destination.id },
      omit: { secretSealed: false },
    });
    expect(sealed.secretSealed).toMatch(/^v1\./);
  }, 60_000);
});

describe("the test event", () => {
  it("sends one signed line now (no step-up), and records what came of it", async () => {
    const { user, context } = await newAdmin();
    const seen = await receiver();
    await openAdminWindow(context);
    const { destination, secret } = await add(context, seen.url);
    const codesBefore = (await stepUpEmails(user.email)).length;

    expect(await sendStreamTestEvent(context, { destinationId: destination.id })).toEqual({ ok: true, status: 200, error: null });
    const [batch] = seen.received;
    if (!batch) throw new Error("no request");
    expect(() => verifyBatch(secret, batch)).not.toThrow();
    expect(batch.events).toHaveLength(1);
    expect(batch.events[0]).toMatchObject({ event: { action: "audit_stream.test", id: "0" }, user: { id: user.id } });

    seen.setAnswer(() => 500);
    expect(await sendStreamTestEvent(context, { destinationId: destination.id })).toEqual({ ok: false, status: 500, error: "HTTP 500" });
    expect(await stepUpEmails(user.email)).toHaveLength(codesBefore);
    const audits = await db.auditEvent.findMany({
      where: { type: "audit_stream.test_sent", targetId: destination.id },
      orderBy: { id: "asc" },
      select: { outcome: true, reason: true, actorId: true },
    });
    expect(audits).toEqual([
      { outcome: "SUCCESS", reason: null, actorId: user.id },
      { outcome: "FAILURE", reason: "HTTP 500", actorId: user.id },
    ]);
    // The test does not count as delivery.
    expect(await destinationRow(destination.id)).toMatchObject({ deliveredEvents: 0n, totalFailures: 0 });
  });
});
