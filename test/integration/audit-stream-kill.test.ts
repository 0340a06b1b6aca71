import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { deliverAuditStreams } from "@/lib/audit-stream/deliver";
import { addStreamDestination, listStreamDestinations } from "@/lib/audit-stream/destinations";
import { recordStandaloneEvent } from "@/lib/audit/record";
import { db, disconnectDb } from "@/lib/db";
import { completeStepUp, newContext, newUser } from "@/test/helpers/step-up";
import { startStreamReceiver, verifyBatch, type StreamReceiver } from "@/tooling/stream-receiver";

// The deliverer runs in a child process (the job as a worker runs it); this process plays the
// receiver and the restarted instance.
const children = new Set<ChildProcess>();
let receiver: StreamReceiver | undefined;

afterEach(async () => {
  for (const child of children) child.kill("SIGKILL");
  children.clear();
  await receiver?.close();
});

afterAll(async () => {
  await disconnectDb();
});

function startDeliverer(budgetMs: number): { child: ChildProcess; exited: Promise<NodeJS.Signals | null> } {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "--import", "./scripts/server-only-hook.mjs", "test/fixtures/stream-deliverer.ts", String(budgetMs)],
    { env: { ...process.env, LOG_LEVEL: "silent" }, stdio: ["ignore", "pipe", "pipe"] },
  );
  children.add(child);
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once("exit", (_code, signal) => resolve(signal)));
  return { child, exited };
}

describe("the deliverer SIGKILLed mid-batch", () => {
  it("loses nothing: after a restart every event arrives, and only the killed batch arrives twice (with the same webhook-id)", async () => {
    const user = await newUser("stream-kill");
    await db.user.update({ where: { id: user.id }, data: { role: "ADMIN" } });
    const context = await newContext(user);
    await completeStepUp(context, "admin.stream.pause", { destinationId: randomUUID(), name: "window" });
    // Accept three batches, then hold the fourth open: the process is killed while it waits for the answer.
    receiver = await startStreamReceiver((index) => (index === 3 ? "hold" : 200));
    const { destination, secret } = await addStreamDestination(context, { name: "Kill", url: receiver.url, batchSize: 10, start: "new" });
    const start = await db.auditStreamDestination.findUniqueOrThrow({ where: { id: destination.id } });
    for (let index = 0; index < 95; index++)
      await recordStandaloneEvent({
        type: "admin.audit_viewed",
        actor: user,
        reason: `kill-${index}`,
        meta: { ip: null, userAgent: null },
      });

    const { child, exited } = startDeliverer(30_000);
    const held = await receiver.holding();
    child.kill("SIGKILL");
    expect(await exited).toBe("SIGKILL");
    expect(receiver.accepted()).toHaveLength(3);
    const afterKill = await db.auditStreamDestination.findUniqueOrThrow({ where: { id: destination.id } });
    // The position is after the third batch: the held one was never acknowledged, so it is not past it.
    const acceptedSoFar = receiver.acceptedIds();
    expect(afterKill.positionEventId.toString()).toBe(acceptedSoFar.at(-1));
    expect(afterKill.deliveredEvents).toBe(30n);
    // The dead process still holds the lease; it would run out within 30 s. (Tests may move the clock.)
    expect(afterKill.leaseOwner).not.toBeNull();
    await deliverAuditStreams({ budgetMs: 300 });
    expect(receiver.accepted()).toHaveLength(3);
    await db.$executeRaw`UPDATE audit_stream_destinations SET lease_expires_at = now() - interval '1 second' WHERE id = ${destination.id}::uuid`;

    // Restarted (here, in this process): the receiver is answering again.
    receiver.setAnswer(() => 200);
    const deadline = Date.now() + 30_000;
    while ((await listStreamDestinations()).some((row) => row.lagEvents > 0)) {
      if (Date.now() > deadline) throw new Error("not caught up");
      await deliverAuditStreams({ budgetMs: 1_000 });
    }

    const expected = await db.$queryRaw<{ id: bigint }[]>`
      SELECT id FROM audit_events WHERE (tx_id, id) > (${start.positionTxId}, ${start.positionEventId}) ORDER BY tx_id, id`;
    const expectedIds = expected.map((row) => row.id.toString());
    expect(receiver.acceptedIds()).toEqual(expectedIds);
    // Everything that arrived, accepted or not: duplicates are exactly the killed batch's events.
    const arrived = receiver.received.flatMap((batch) => batch.events.map((event) => event.event.id));
    const heldIds = held.events.map((event) => event.event.id);
    const counts = new Map<string, number>();
    for (const id of arrived) counts.set(id, (counts.get(id) ?? 0) + 1);
    expect([...counts].filter(([, count]) => count > 1).map(([id]) => id)).toEqual(heldIds);
    expect([...counts.values()].every((count) => count <= 2)).toBe(true);
    // The redelivered batch is the same batch: a receiver that saw it half-way can tell by webhook-id.
    const redelivered = receiver.received.find((batch) => batch !== held && batch.events[0]?.event.id === heldIds[0]);
    expect(redelivered?.headers["webhook-id"]).toBe(held.headers["webhook-id"]);
    expect(redelivered?.body).toBe(held.body);
    for (const batch of receiver.received) expect(() => verifyBatch(secret, batch)).not.toThrow();
  }, 120_000);
});
