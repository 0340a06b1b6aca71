import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { db, disconnectDb } from "@/lib/db";
import { prepareLoad, runLoad, type LoadReport } from "@/tooling/load";
import { startProdStack, type ProdStack } from "@/tooling/prod-stack";

// Issue 6 "Load": 200 users at once against one production server, each doing send → verify →
// protected change. Correctness only; how long it takes is measured by `npm run bench`.
const USERS = 200;
const TAG = "load-test";

let stack: ProdStack;
let report: LoadReport;

beforeAll(async () => {
  stack = await startProdStack({ instances: 1, basePort: 3310, name: "load" });
  const prepared = await prepareLoad(stack, { users: USERS, tag: TAG });
  report = await runLoad(stack, prepared, { timeoutMs: 240_000 });
}, 420_000);

afterAll(async () => {
  try {
    await disconnectDb();
  } finally {
    await stack?.stop();
  }
});

describe(`${USERS} users at once: send → verify → create an API token`, () => {
  test("every flow succeeds: no errors, none of them a connection-pool timeout", () => {
    expect(report.errorSamples).toEqual([]);
    expect(report).toMatchObject({ errors: 0, poolExhaustionErrors: 0 });
    expect(report.flowMs).toHaveLength(USERS);
  });

  test("each user's token landed on their own account exactly once, and nobody else's", async () => {
    expect(report).toMatchObject({ tokensOnOwnAccountExactlyOnce: USERS, crossUserMixUps: 0, ok: true });
    const tokens = await db.apiToken.findMany({
      where: { name: { startsWith: `${TAG}-token-` } },
      select: { name: true, user: { select: { email: true } } },
    });
    expect(tokens).toHaveLength(USERS);
    for (const token of tokens) expect(token.user.email).toBe(`${TAG}-${token.name.slice(`${TAG}-token-`.length)}@example.test`);
  });

  test("each user was sent one code, and each change has its own audit row and one notice", async () => {
    const [sent, created, notices] = await Promise.all([
      db.auditEvent.groupBy({
        by: ["actorId"],
        where: { type: "step_up.challenge_sent", actorEmail: { startsWith: `${TAG}-` } },
        _count: true,
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
    expect(sent).toHaveLength(USERS);
    expect(sent.every((row) => row._count === 1)).toBe(true);
    expect(created).toHaveLength(USERS);
    for (const event of created)
      expect(event.actorEmail).toBe(
        `${TAG}-${String((event.metadata as { name: string }).name).slice(`${TAG}-token-`.length)}@example.test`,
      );
    expect(notices).toHaveLength(USERS);
    expect(notices.every((row) => row._count === 1)).toBe(true);
  });
});
