import { describe, expect, it } from "vitest";
import { recordAuditEvent } from "@/lib/audit/record";
import { db } from "@/lib/db";
import { transactionBatchingInserts } from "@/lib/db/batched-inserts";
import { enqueueEmail } from "@/lib/email/outbox";
import type { QueuedEmail } from "@/lib/email/queued";
import { meta, randomEmail, STRONG_PASSWORD } from "@/test/helpers/fixtures";
import { statementsOf } from "@/tooling/sql-statements";

const notice = (name: string): QueuedEmail => ({
  template: "securityNotice",
  data: { notice: "tokenCreated", values: { name }, facts: [], meta: { ip: null, userAgent: null } },
});

async function account(locale: string | null = null) {
  const email = randomEmail("batched");
  return db.user.create({
    data: { email, passwordHash: STRONG_PASSWORD, emailVerifiedAt: new Date(), locale },
    select: { id: true, email: true },
  });
}

const event = (user: { id: string; email: string }, reason: string) =>
  ({ type: "api_token.created", actor: user, target: { type: "api_token", id: reason }, reason, meta: meta() }) as const;

const auditReasons = (actorId: string) =>
  db.auditEvent
    .findMany({ where: { actorId }, orderBy: { id: "asc" }, select: { reason: true } })
    .then((rows) => rows.map((row) => row.reason));

describe("inserts batched until the commit", () => {
  it("are sent as one statement just before COMMIT, audit rows in the order they were recorded, each email in its recipient's language", async () => {
    const user = await account("de");
    const other = await account();
    const { statements } = await statementsOf(() =>
      transactionBatchingInserts(async (tx) => {
        await recordAuditEvent(tx, event(user, "first"));
        await enqueueEmail(tx, user.email, notice("one"), { userId: user.id });
        await recordAuditEvent(tx, event(user, "second"));
        await enqueueEmail(tx, other.email, notice("two"), { locale: "de" });
        await enqueueEmail(tx, other.email, notice("three"));
        await recordAuditEvent(tx, event(user, "third"));
      }),
    );

    expect(statements.map((statement) => statement.text.trim().split(/\s/)[0])).toEqual(["BEGIN", "WITH", "COMMIT"]);
    expect(await auditReasons(user.id)).toEqual(["first", "second", "third"]);
    const queued = await db.emailOutbox.findMany({
      where: { to: { in: [user.email, other.email] } },
      select: { to: true, locale: true, data: true },
    });
    const byName = Object.fromEntries(queued.map((row) => [(row.data as { values: { name: string } }).values.name, row]));
    // By the account's id, given outright, by the account at the address.
    expect(byName).toEqual({
      one: { to: user.email, locale: "de", data: notice("one").data },
      two: { to: other.email, locale: "de", data: notice("two").data },
      three: { to: other.email, locale: "en", data: notice("three").data },
    });
  });

  it("are written with the change or not at all: a change that fails after recording leaves no row", async () => {
    const user = await account();
    await expect(
      transactionBatchingInserts(async (tx) => {
        await recordAuditEvent(tx, event(user, "rolled back"));
        await enqueueEmail(tx, user.email, notice("rolled back"), { locale: null });
        throw new Error("the change failed");
      }),
    ).rejects.toThrow("the change failed");
    expect(await auditReasons(user.id)).toEqual([]);
    expect(await db.emailOutbox.count({ where: { to: user.email } })).toBe(0);
  });

  it("a batched insert that fails at the commit fails the whole transaction, the change included", async () => {
    const user = await account();
    const failing = { ...event(user, "bad address"), meta: { ip: "not an address", userAgent: null } };
    await expect(
      transactionBatchingInserts(async (tx) => {
        await tx.user.update({ where: { id: user.id }, data: { locale: "fr" } });
        await recordAuditEvent(tx, failing);
      }),
    ).rejects.toThrow();
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id }, select: { locale: true } })).locale).toBeNull();
  });

  it("go in at once in any other transaction, readable by the next statement", async () => {
    const user = await account();
    const seen = await db.$transaction(async (tx) => {
      await recordAuditEvent(tx, event(user, "at once"));
      await enqueueEmail(tx, user.email, notice("at once"));
      return Promise.all([tx.auditEvent.count({ where: { actorId: user.id } }), tx.emailOutbox.count({ where: { to: user.email } })]);
    });
    expect(seen).toEqual([1, 1]);
  });
});
