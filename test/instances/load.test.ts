import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { db, disconnectDb } from "@/lib/db";
import type { AuditFeedEvent } from "@/shared/audit-feed";
import { CODE_EMAIL_SUBJECT, emailsTo } from "@/tooling/app-client";
import { prepareLoad, runLoad, type LoadReport, type PreparedLoad } from "@/tooling/load";
import { startProdStack, type ProdStack } from "@/tooling/prod-stack";

// Issue 6 "Load", with issue 19's passkeys and streaming: 200 users at once against one production
// server, each making a protected change and answering its step-up, every second user with a
// passkey added beforehand and the rest with the emailed code, while an audit stream destination
// receives every event. Correctness only; how long it takes is measured by `npm run bench`.
const USERS = 200;
const TAG = "load-test";
const PASSKEY_USERS = USERS / 2;

let stack: ProdStack;
let prepared: PreparedLoad;
let report: LoadReport;

const indexOf = (email: string | null) => Number(/^load-test-(\d+)@example\.test$/.exec(email ?? "")?.[1] ?? Number.NaN);
const expectedProof = (index: number) => (index % 2 === 1 ? "passkey" : "email_code");
/** Every event the receiver accepted, in arrival order. */
const streamed = (): AuditFeedEvent[] => prepared.stream.receiver.accepted().flatMap((batch) => batch.events);

beforeAll(async () => {
  stack = await startProdStack({ instances: 1, basePort: 3310, name: "load" });
  prepared = await prepareLoad(stack, { users: USERS, tag: TAG });
  report = await runLoad(stack, prepared, { timeoutMs: 240_000, streamTimeoutMs: 150_000 });
}, 600_000);

afterAll(async () => {
  try {
    await disconnectDb();
  } finally {
    await stack?.stop();
  }
});

describe(`${USERS} users at once: a protected change with its step-up answered by the emailed code or a passkey`, () => {
  test("every flow succeeds: no errors, none of them a connection-pool timeout; half the users answered with a passkey", () => {
    expect(report.errorSamples).toEqual([]);
    expect(report).toMatchObject({
      errors: 0,
      poolExhaustionErrors: 0,
      stepUps: { email_code: USERS - PASSKEY_USERS, passkey: PASSKEY_USERS },
    });
    expect(report.flowMs).toHaveLength(USERS);
    expect(report.flowMsByProof.passkey).toHaveLength(PASSKEY_USERS);
    expect(report.flowMsByProof.email_code).toHaveLength(USERS - PASSKEY_USERS);
  });

  test("each user's token landed on their own account exactly once, and nobody else's", async () => {
    expect(report).toMatchObject({ tokensOnOwnAccountExactlyOnce: USERS, crossUserMixUps: 0 });
    const tokens = await db.apiToken.findMany({
      where: { name: { startsWith: `${TAG}-token-` } },
      select: { name: true, user: { select: { email: true } } },
    });
    expect(tokens).toHaveLength(USERS);
    for (const token of tokens) expect(token.user.email).toBe(`${TAG}-${token.name.slice(`${TAG}-token-`.length)}@example.test`);
  });

  test("each change was verified with the proof its user gave: a passkey for the passkey users, the emailed code for the rest", async () => {
    expect(report.verifiedWithTheirProof).toBe(USERS);
    const verified = await db.auditEvent.findMany({
      where: {
        type: "step_up.verified",
        actorEmail: { startsWith: `${TAG}-` },
        metadata: { path: ["action"], equals: "api_token.create" },
      },
      select: { actorEmail: true, metadata: true },
    });
    expect(verified).toHaveLength(USERS);
    for (const event of verified) expect(event.metadata).toMatchObject({ proofs: [expectedProof(indexOf(event.actorEmail))] });
  });

  test("each user was emailed one code (the passkey users only to add their passkey), and each change has its own audit row and one notice", async () => {
    const [challenges, created, notices] = await Promise.all([
      db.auditEvent.findMany({
        where: { type: "step_up.challenge_sent", actorEmail: { startsWith: `${TAG}-` } },
        select: { actorEmail: true, reason: true },
      }),
      db.auditEvent.findMany({
        where: { type: "api_token.created", actorEmail: { startsWith: `${TAG}-` } },
        select: { actorEmail: true, metadata: true },
      }),
      db.emailOutbox.groupBy({
        by: ["to"],
        where: { to: { startsWith: `${TAG}-` }, subject: "A new API token was created" },
        _count: true,
      }),
    ]);
    for (let index = 0; index < USERS; index++) {
      const email = `${TAG}-${index}@example.test`;
      const reasons = challenges.filter((event) => event.actorEmail === email).map((event) => event.reason);
      expect(reasons.sort()).toEqual(expectedProof(index) === "passkey" ? ["api_token.create", "passkey.add"] : ["api_token.create"]);
      expect(emailsTo(stack.resend, email, CODE_EMAIL_SUBJECT), email).toHaveLength(1);
    }
    expect(created).toHaveLength(USERS);
    for (const event of created)
      expect(event.actorEmail).toBe(
        `${TAG}-${String((event.metadata as { name: string }).name).slice(`${TAG}-token-`.length)}@example.test`,
      );
    expect(notices).toHaveLength(USERS);
    expect(notices.every((row) => row._count === 1)).toBe(true);
  });
});

describe("the audit stream destination added before the load", () => {
  test("received every event from its start exactly once, in feed order, each request signed per Standard Webhooks", () => {
    expect(report.stream).toMatchObject({ missing: 0, duplicates: 0, badSignatures: 0, inFeedOrder: true, ok: true });
    // At least each user's sign-in, challenge, verification, grant use and token; more for the passkey users.
    expect(report.stream.expectedEvents).toBeGreaterThanOrEqual(USERS * 5 + PASSKEY_USERS * 3);
    expect(report.stream.receivedEvents).toBe(report.stream.expectedEvents);
    expect(prepared.stream.receiver.received.every((batch) => batch.status === 200 && batch.verified === true)).toBe(true);
    expect(report.ok).toBe(true);
  });

  test("what it received tells each user's story as the database does: their token, and their change verified with their proof", () => {
    const events = streamed().filter((event) => indexOf(event.user.email) >= 0);
    const tokens = events.filter((event) => event.event.action === "api_token.created");
    const verified = events.filter(
      (event) => event.event.action === "step_up.verified" && event.stepup.metadata?.action === "api_token.create",
    );
    const passkeys = events.filter((event) => event.event.action === "passkey.added");
    expect(tokens).toHaveLength(USERS);
    expect(verified).toHaveLength(USERS);
    expect(passkeys).toHaveLength(PASSKEY_USERS);
    for (const event of tokens) expect(event.stepup.metadata?.name).toBe(`${TAG}-token-${indexOf(event.user.email)}`);
    for (const event of verified) expect(event.stepup.metadata?.proofs).toEqual([expectedProof(indexOf(event.user.email))]);
    for (const event of passkeys) expect(expectedProof(indexOf(event.user.email))).toBe("passkey");
  });
});
