import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { authenticateBearer } from "@/lib/api-tokens/authenticate";
import { EXPIRY_REMINDER_DAYS, revokeUnusedTokens, sendTokenExpiryNotices } from "@/lib/api-tokens/expiry";
import { displayPrefix, generateToken } from "@/lib/api-tokens/format";
import { sha256Hex } from "@/lib/crypto";
import { db } from "@/lib/db";
import { listMailboxMessages } from "@/lib/email/mailbox";
import { deliverAllDueEmails } from "@/lib/email/outbox";
import { JOB_NAMES, jobDefinitions } from "@/lib/jobs/schedule";
import { listJobQueues } from "@/lib/jobs/status";
import { formatDateTime } from "@/shared/format";
import { newUser, type TestUser } from "@/test/helpers/step-up";

afterAll(async () => {
  const { disconnectDb } = await import("@/lib/db");
  await disconnectDb();
});

// The sweeps look at every token in the database: each test starts from none.
beforeEach(async () => {
  await db.apiToken.deleteMany();
});

const REMINDER = "An API token expires soon";
const EXPIRED = "An API token has expired";
const AUTO_REVOKED = "An unused API token was revoked";
const DAY = 86_400;

type Seeded = { id: string; token: string; name: string; prefix: string };

/**
 * A token made directly in the database, placed in time by database time: made `ageDays` ago,
 * expiring `expiresInDays` from now (negative: already expired), last used `lastUsedDaysAgo` ago.
 */
async function seedToken(
  user: TestUser,
  name: string,
  timing: { ageDays: number; expiresInDays: number; lastUsedDaysAgo?: number; revoked?: boolean },
): Promise<Seeded> {
  const token = generateToken();
  const { id } = await db.apiToken.create({
    data: {
      userId: user.id,
      name,
      displayPrefix: displayPrefix(token),
      tokenHash: sha256Hex(token),
      scopes: ["profile:read"],
      expiresAt: new Date(),
      revokedAt: timing.revoked ? new Date() : null,
    },
    select: { id: true },
  });
  await db.$executeRaw`UPDATE api_tokens SET created_at = now() - make_interval(secs => ${timing.ageDays * DAY}),
    expires_at = now() + make_interval(secs => ${timing.expiresInDays * DAY}) WHERE id = ${id}::uuid`;
  if (timing.lastUsedDaysAgo !== undefined)
    await db.$executeRaw`UPDATE api_tokens SET last_used_at = now() - make_interval(secs => ${timing.lastUsedDaysAgo * DAY}) WHERE id = ${id}::uuid`;
  return { id, token, name, prefix: displayPrefix(token) };
}

/** The notices queued for `user` with `subject`, as the token each names ("name (prefix…)"). */
async function noticesAbout(user: TestUser, subject: string): Promise<string[]> {
  const rows = await db.emailOutbox.findMany({ where: { to: user.email, subject }, select: { data: true } });
  return rows.map((row) => (row.data as { facts: [string, string][] }).facts.find(([label]) => label === "token")?.[1] ?? "").sort();
}

const tokenFact = (token: Seeded) => `${token.name} (${token.prefix}…)`;

async function auditsOf(type: string, user: TestUser) {
  return db.auditEvent.findMany({ where: { type, targetId: user.id }, orderBy: { id: "asc" } });
}

async function storedExpiry(token: Seeded): Promise<Date> {
  return (await db.apiToken.findUniqueOrThrow({ where: { id: token.id }, select: { expiresAt: true } })).expiresAt;
}

const bearer = (token: Seeded) => authenticateBearer(`Bearer ${token.token}`, "profile:read", "192.0.2.10");

describe("token expiry reminders", () => {
  it("reminds once, a week ahead, and only tokens meant to last longer than a week", async () => {
    const user = await newUser("reminder");
    const due = await seedToken(user, "due", { ageDays: 25, expiresInDays: 5 });
    const justDue = await seedToken(user, "just-due", { ageDays: 20, expiresInDays: EXPIRY_REMINDER_DAYS - 0.05 });
    await seedToken(user, "not-yet", { ageDays: 20, expiresInDays: EXPIRY_REMINDER_DAYS + 0.05 });
    await seedToken(user, "five-day", { ageDays: 0, expiresInDays: 5 });
    await seedToken(user, "revoked", { ageDays: 25, expiresInDays: 5, revoked: true });
    await seedToken(user, "expired-long-ago", { ageDays: 100, expiresInDays: -40 });

    expect(await sendTokenExpiryNotices()).toEqual({ reminded: 2, expired: 0 });
    expect(await sendTokenExpiryNotices()).toEqual({ reminded: 0, expired: 0 });

    expect(await noticesAbout(user, REMINDER)).toEqual([tokenFact(due), tokenFact(justDue)].sort());
    const audits = await auditsOf("api_token.expiring_soon", user);
    expect(audits).toHaveLength(2);
    const dueAudit = audits.find((event) => (event.metadata as { name?: string }).name === "due");
    expect(dueAudit).toMatchObject({
      outcome: "SUCCESS",
      actorId: null,
      actorEmail: "maintenance",
      targetType: "user",
      targetId: user.id,
      ip: null,
      userAgent: null,
      metadata: { name: "due", prefix: due.prefix, expiresAt: (await storedExpiry(due)).toISOString() },
    });
    const marked = await db.apiToken.findMany({ where: { userId: user.id, expiryReminderSentAt: { not: null } }, select: { name: true } });
    expect(marked.map((token) => token.name).sort()).toEqual(["due", "just-due"]);

    // As delivered: the reminder names the token and its expiry.
    await deliverAllDueEmails();
    const delivered = (await listMailboxMessages({ to: user.email })).filter((message) => message.subject === REMINDER);
    expect(delivered).toHaveLength(2);
    const dueMessage = delivered.find((message) => message.text.includes(tokenFact(due)));
    expect(dueMessage?.text).toContain(formatDateTime(await storedExpiry(due)));
  });

  it("four sweeps side by side over 60 due and 55 expired tokens announce each token once", async () => {
    const owners = [await newUser("sweep-a"), await newUser("sweep-b"), await newUser("sweep-c")];
    const due: { owner: TestUser; token: Seeded }[] = [];
    const expired: { owner: TestUser; token: Seeded }[] = [];
    for (let i = 0; i < 60; i++) {
      const owner = owners[i % owners.length] as TestUser;
      due.push({ owner, token: await seedToken(owner, `due-${i}`, { ageDays: 20, expiresInDays: 1 + (i % 5) }) });
    }
    for (let i = 0; i < 55; i++) {
      const owner = owners[i % owners.length] as TestUser;
      expired.push({ owner, token: await seedToken(owner, `gone-${i}`, { ageDays: 60, expiresInDays: -1 - (i % 20) }) });
    }

    const results = await Promise.all(Array.from({ length: 4 }, () => sendTokenExpiryNotices()));
    expect(results.reduce((sum, result) => sum + result.reminded, 0)).toBe(60);
    expect(results.reduce((sum, result) => sum + result.expired, 0)).toBe(55);
    expect(await sendTokenExpiryNotices()).toEqual({ reminded: 0, expired: 0 });

    for (const owner of owners) {
      expect(await noticesAbout(owner, REMINDER)).toEqual(
        due
          .filter((entry) => entry.owner === owner)
          .map((entry) => tokenFact(entry.token))
          .sort(),
      );
      expect(await noticesAbout(owner, EXPIRED)).toEqual(
        expired
          .filter((entry) => entry.owner === owner)
          .map((entry) => tokenFact(entry.token))
          .sort(),
      );
    }
    const reminderAudits = await db.auditEvent.findMany({
      where: { type: "api_token.expiring_soon", targetId: { in: owners.map((o) => o.id) } },
    });
    expect(reminderAudits.map((event) => (event.metadata as { name: string }).name).sort()).toEqual(
      due.map((entry) => entry.token.name).sort(),
    );
    const expiredAudits = await db.auditEvent.findMany({ where: { type: "api_token.expired", targetId: { in: owners.map((o) => o.id) } } });
    expect(expiredAudits.map((event) => (event.metadata as { name: string }).name).sort()).toEqual(
      expired.map((entry) => entry.token.name).sort(),
    );
  });
});

describe("expired-token notices", () => {
  it("tells the owner once when a token has expired, not for one expired 40 days ago, nor for a revoked one", async () => {
    const user = await newUser("expired");
    const recent = await seedToken(user, "recent", { ageDays: 31, expiresInDays: -1 });
    const shortLived = await seedToken(user, "short-lived", { ageDays: 6, expiresInDays: -1 });
    await seedToken(user, "forty-days", { ageDays: 70, expiresInDays: -40 });
    await seedToken(user, "revoked", { ageDays: 31, expiresInDays: -1, revoked: true });

    expect(await sendTokenExpiryNotices()).toEqual({ reminded: 0, expired: 2 });
    expect(await sendTokenExpiryNotices()).toEqual({ reminded: 0, expired: 0 });

    expect(await noticesAbout(user, EXPIRED)).toEqual([tokenFact(recent), tokenFact(shortLived)].sort());
    expect(await noticesAbout(user, REMINDER)).toEqual([]);
    const audits = await auditsOf("api_token.expired", user);
    expect(audits).toHaveLength(2);
    expect(audits.find((event) => (event.metadata as { name?: string }).name === "recent")).toMatchObject({
      actorId: null,
      actorEmail: "maintenance",
      targetType: "user",
      targetId: user.id,
      metadata: { name: "recent", prefix: recent.prefix, expiresAt: (await storedExpiry(recent)).toISOString() },
    });
  });

  it("a reminded token gets its expired notice too when it runs out: one of each", async () => {
    const user = await newUser("lifecycle");
    const token = await seedToken(user, "lifecycle", { ageDays: 25, expiresInDays: 3 });
    expect(await sendTokenExpiryNotices()).toEqual({ reminded: 1, expired: 0 });
    await db.$executeRaw`UPDATE api_tokens SET expires_at = now() - interval '1 hour' WHERE id = ${token.id}::uuid`;
    expect(await sendTokenExpiryNotices()).toEqual({ reminded: 0, expired: 1 });
    expect(await sendTokenExpiryNotices()).toEqual({ reminded: 0, expired: 0 });
    expect(await noticesAbout(user, REMINDER)).toEqual([tokenFact(token)]);
    expect(await noticesAbout(user, EXPIRED)).toEqual([tokenFact(token)]);
  });

  it("a disabled or deleted owner gets nothing, and is not marked as told", async () => {
    const disabled = await newUser("disabled-owner");
    const deleted = await newUser("deleted-owner");
    for (const owner of [disabled, deleted]) {
      await seedToken(owner, "due", { ageDays: 25, expiresInDays: 5 });
      await seedToken(owner, "gone", { ageDays: 31, expiresInDays: -1 });
    }
    await db.user.update({ where: { id: disabled.id }, data: { disabledAt: new Date() } });
    await db.user.update({ where: { id: deleted.id }, data: { deletedAt: new Date() } });

    expect(await sendTokenExpiryNotices()).toEqual({ reminded: 0, expired: 0 });
    expect(await db.emailOutbox.count({ where: { to: { in: [disabled.email, deleted.email] } } })).toBe(0);
    expect(await db.auditEvent.count({ where: { targetId: { in: [disabled.id, deleted.id] } } })).toBe(0);
    expect(
      await db.apiToken.count({ where: { OR: [{ expiryReminderSentAt: { not: null } }, { expiredNoticeSentAt: { not: null } }] } }),
    ).toBe(0);

    // Enabled again, the owner is told after all.
    await db.user.update({ where: { id: disabled.id }, data: { disabledAt: null } });
    expect(await sendTokenExpiryNotices()).toEqual({ reminded: 1, expired: 1 });
  });
});

describe("revoking unused tokens", () => {
  it("revokes only tokens unused for the given days, audits and announces each, and the API then refuses them", async () => {
    const user = await newUser("auto-revoke");
    const neverUsed = await seedToken(user, "never-used", { ageDays: 100, expiresInDays: 265 });
    const longUnused = await seedToken(user, "long-unused", { ageDays: 300, expiresInDays: 65, lastUsedDaysAgo: 200 });
    const recentlyUsed = await seedToken(user, "recently-used", { ageDays: 300, expiresInDays: 65, lastUsedDaysAgo: 1 });
    const young = await seedToken(user, "young", { ageDays: 10, expiresInDays: 20 });
    const revoked = await seedToken(user, "already-revoked", { ageDays: 300, expiresInDays: 65, revoked: true });
    await seedToken(user, "expired", { ageDays: 300, expiresInDays: -5 });

    // The never-used token works until it is revoked (its use is then forgotten again).
    expect(await bearer(neverUsed)).toMatchObject({ ok: true, tokenId: neverUsed.id });
    await db.$executeRaw`UPDATE api_tokens SET last_used_at = NULL, last_used_ip = NULL WHERE id = ${neverUsed.id}::uuid`;
    const revokedBefore = await db.apiToken.findUniqueOrThrow({ where: { id: revoked.id }, select: { revokedAt: true } });

    expect(await revokeUnusedTokens(90)).toEqual({ revoked: 2 });
    expect(await revokeUnusedTokens(90)).toEqual({ revoked: 0 });

    const state = await db.apiToken.findMany({ where: { userId: user.id }, select: { name: true, revokedAt: true } });
    expect(Object.fromEntries(state.map((token) => [token.name, token.revokedAt !== null]))).toEqual({
      "never-used": true,
      "long-unused": true,
      "recently-used": false,
      young: false,
      "already-revoked": true,
      expired: false,
    });
    expect(await db.apiToken.findUniqueOrThrow({ where: { id: revoked.id }, select: { revokedAt: true } })).toEqual(revokedBefore);

    expect(await noticesAbout(user, AUTO_REVOKED)).toEqual([tokenFact(neverUsed), tokenFact(longUnused)].sort());
    const audits = await auditsOf("api_token.auto_revoked", user);
    expect(audits).toHaveLength(2);
    expect(audits.find((event) => (event.metadata as { name?: string }).name === "long-unused")).toMatchObject({
      actorId: null,
      actorEmail: "maintenance",
      targetType: "user",
      targetId: user.id,
      metadata: {
        name: "long-unused",
        prefix: longUnused.prefix,
        expiresAt: (await storedExpiry(longUnused)).toISOString(),
        unusedDays: 90,
      },
    });

    for (const token of [neverUsed, longUnused]) expect(await bearer(token)).toEqual({ ok: false, status: 401, error: "invalid_token" });
    expect(await bearer(recentlyUsed)).toMatchObject({ ok: true, tokenId: recentlyUsed.id });
    expect(await bearer(young)).toMatchObject({ ok: true, tokenId: young.id });
  });

  it("revokes a disabled account's stale tokens without writing to its owner", async () => {
    const owner = await newUser("disabled-stale");
    const stale = await seedToken(owner, "stale", { ageDays: 200, expiresInDays: 100 });
    await db.user.update({ where: { id: owner.id }, data: { disabledAt: new Date() } });

    expect(await revokeUnusedTokens(90)).toEqual({ revoked: 1 });
    expect(await db.apiToken.findUniqueOrThrow({ where: { id: stale.id }, select: { revokedAt: true } })).not.toEqual({ revokedAt: null });
    expect(await db.emailOutbox.count({ where: { to: owner.email } })).toBe(0);
    expect(await auditsOf("api_token.auto_revoked", owner)).toHaveLength(1);
  });

  it("four runs side by side revoke each of 60 stale tokens once", async () => {
    const owners = [await newUser("revoke-a"), await newUser("revoke-b")];
    const stale: Seeded[] = [];
    for (let i = 0; i < 60; i++)
      stale.push(
        await seedToken(owners[i % 2] as TestUser, `stale-${i}`, {
          ageDays: 60,
          expiresInDays: 300,
          lastUsedDaysAgo: i % 3 === 0 ? undefined : 45,
        }),
      );
    const fresh = await seedToken(owners[0] as TestUser, "fresh", { ageDays: 60, expiresInDays: 300, lastUsedDaysAgo: 2 });

    const results = await Promise.all(Array.from({ length: 4 }, () => revokeUnusedTokens(30)));
    expect(results.reduce((sum, result) => sum + result.revoked, 0)).toBe(60);
    expect(await db.apiToken.count({ where: { revokedAt: { not: null } } })).toBe(60);
    expect(await db.apiToken.findUniqueOrThrow({ where: { id: fresh.id }, select: { revokedAt: true } })).toEqual({ revokedAt: null });

    const audits = await db.auditEvent.findMany({ where: { type: "api_token.auto_revoked", targetId: { in: owners.map((o) => o.id) } } });
    expect(audits.map((event) => (event.metadata as { name: string }).name).sort()).toEqual(stale.map((token) => token.name).sort());
    const notices = [
      ...(await noticesAbout(owners[0] as TestUser, AUTO_REVOKED)),
      ...(await noticesAbout(owners[1] as TestUser, AUTO_REVOKED)),
    ];
    expect(notices.sort()).toEqual(stale.map(tokenFact).sort());
  });
});

describe("job schedule", () => {
  const names = (env: Parameters<typeof jobDefinitions>[0]) => jobDefinitions(env).map((job) => job.name);

  it("the admin view says so until a worker has started (and created pg-boss's tables)", async () => {
    expect(await listJobQueues()).toBeNull();
  });

  it("lists token auto-revoke and audit retention only when configured", () => {
    expect(names({ TOKEN_AUTO_REVOKE_UNUSED_DAYS: undefined, AUDIT_RETENTION_DAYS: undefined })).toEqual([
      "email-outbox",
      "token-expiry-notices",
      "audit-stream",
      "audit-rollups",
      "audit-partitions",
    ]);
    expect(names({ TOKEN_AUTO_REVOKE_UNUSED_DAYS: 90, AUDIT_RETENTION_DAYS: undefined })).toEqual([
      "email-outbox",
      "token-expiry-notices",
      "audit-stream",
      "audit-rollups",
      "audit-partitions",
      "token-auto-revoke",
    ]);
    expect(names({ TOKEN_AUTO_REVOKE_UNUSED_DAYS: undefined, AUDIT_RETENTION_DAYS: 365 })).toEqual([
      "email-outbox",
      "token-expiry-notices",
      "audit-stream",
      "audit-rollups",
      "audit-partitions",
      "audit-retention",
    ]);
    expect(names({ TOKEN_AUTO_REVOKE_UNUSED_DAYS: 90, AUDIT_RETENTION_DAYS: 365 })).toEqual([...JOB_NAMES]);
    const jobs = jobDefinitions({ TOKEN_AUTO_REVOKE_UNUSED_DAYS: 90, AUDIT_RETENTION_DAYS: 365 });
    expect(jobs.find((job) => job.name === "token-auto-revoke")?.description).toBe("Revokes tokens unused for 90 days");
    expect(jobs.find((job) => job.name === "audit-retention")?.description).toBe("Deletes audit events older than 365 days");
  });

  it("the auto-revoke job revokes with the configured number of days", async () => {
    const user = await newUser("job-days");
    const token = await seedToken(user, "hundred-days", { ageDays: 100, expiresInDays: 100 });
    const job = (days: number) =>
      jobDefinitions({ TOKEN_AUTO_REVOKE_UNUSED_DAYS: days, AUDIT_RETENTION_DAYS: undefined }).find((j) => j.name === "token-auto-revoke");
    expect(await job(120)?.run()).toEqual({ revoked: 0 });
    expect(await bearer(token)).toMatchObject({ ok: true });
    await db.$executeRaw`UPDATE api_tokens SET last_used_at = NULL WHERE id = ${token.id}::uuid`;
    expect(await job(90)?.run()).toEqual({ revoked: 1 });
    expect(await bearer(token)).toEqual({ ok: false, status: 401, error: "invalid_token" });
  });

  it("the expiry-notice job is the sweep", async () => {
    const user = await newUser("job-notices");
    await seedToken(user, "due", { ageDays: 25, expiresInDays: 5 });
    const job = jobDefinitions({ TOKEN_AUTO_REVOKE_UNUSED_DAYS: undefined, AUDIT_RETENTION_DAYS: undefined }).find(
      (j) => j.name === "token-expiry-notices",
    );
    expect(await job?.run()).toEqual({ reminded: 1, expired: 0 });
  });
});
