import { randomBytes, randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { getPendingEmailChange } from "@/lib/account/change-email";
import { findRecoveryHold } from "@/lib/account/recovery-hold";
import { loadSecurityOverview } from "@/lib/account/security-overview";
import { listApiTokens } from "@/lib/api-tokens/list";
import { db } from "@/lib/db";
import { listPasskeys } from "@/lib/passkeys/manage";
import { listActiveSessions } from "@/lib/sessions/other-sessions";
import { getTwoFactorStatus } from "@/lib/two-factor/manage";
import { meta } from "@/test/helpers/fixtures";
import { newSession, newUser, type TestUser } from "@/test/helpers/step-up";
import { statementsOf } from "@/tooling/sql-statements";

// The security page reads all its sections in one statement, re-rendered into every change's
// answer. Each section must still read exactly what its own list function reads.

const HOUR = 3_600_000;
const ago = (hours: number) => new Date(Date.now() - hours * HOUR);

async function addToken(user: TestUser, name: string, times: { createdAt: Date; expiresAt: Date; revokedAt?: Date; lastUsedAt?: Date }) {
  return db.apiToken.create({
    data: {
      userId: user.id,
      name,
      displayPrefix: `asec_${randomBytes(3).toString("hex")}`,
      tokenHash: randomBytes(32).toString("hex"),
      scopes: ["profile:read", "sessions:read"],
      lastUsedIp: times.lastUsedAt ? "198.51.100.9" : null,
      ...times,
    },
  });
}

async function addPasskey(user: TestUser, name: string, createdAt: Date) {
  return db.passkey.create({
    data: {
      id: randomUUID(),
      userId: user.id,
      credentialId: randomBytes(16).toString("base64url"),
      publicKey: randomBytes(32),
      aaguid: "00000000-0000-0000-0000-000000000000",
      deviceType: "multiDevice",
      backedUp: name === "phone",
      name,
      createdAt,
      lastUsedAt: name === "phone" ? ago(1) : null,
    },
  });
}

async function addEmailChange(user: TestUser, newEmail: string, code: { expiresAt: Date; consumedAt?: Date; createdAt: Date }) {
  const id = randomUUID();
  await db.oneTimeCode.create({
    data: { id, purpose: "EMAIL_CHANGE", recipient: newEmail, codeHash: randomBytes(16).toString("hex"), maxAttempts: 5, ...code },
  });
  await db.emailChange.create({ data: { id, userId: user.id, oldEmail: user.email, newEmail, createdAt: code.createdAt } });
}

/** An account with something in every section, including rows each section must leave out. */
async function busyAccount() {
  const user = await newUser("overview");
  const current = await newSession(user, meta("203.0.113.50"));
  await newSession(user, meta("198.51.100.51"));
  const signedOut = await newSession(user);
  await db.session.update({ where: { id: signedOut.id }, data: { revokedAt: new Date() } });

  await addToken(user, "revoked", { createdAt: ago(5), expiresAt: new Date(Date.now() + 100 * HOUR), revokedAt: ago(1) });
  await addToken(user, "expired", { createdAt: ago(300), expiresAt: ago(2) });
  await addToken(user, "newest", { createdAt: ago(1), expiresAt: new Date(Date.now() + 100 * HOUR), lastUsedAt: ago(0.5) });
  await addToken(user, "older", { createdAt: ago(48), expiresAt: new Date(Date.now() + 100 * HOUR) });

  await addPasskey(user, "laptop", ago(10));
  await addPasskey(user, "phone", ago(20));

  await db.user.update({
    where: { id: user.id },
    data: { twoFactorEnabledAt: ago(30), recoveryHoldUntil: new Date(Date.now() + 20 * HOUR), recoveryHoldReason: "email_change" },
  });
  await db.recoveryCode.createMany({
    data: [0, 1, 2].map((index) => ({ userId: user.id, codeHash: randomBytes(16).toString("hex"), usedAt: index === 0 ? ago(1) : null })),
  });

  await addEmailChange(user, "older-wish@example.test", { createdAt: ago(0.4), expiresAt: new Date(Date.now() + HOUR) });
  await addEmailChange(user, "used@example.test", { createdAt: ago(0.2), expiresAt: new Date(Date.now() + HOUR), consumedAt: ago(0.1) });
  await addEmailChange(user, "lapsed@example.test", { createdAt: ago(0.1), expiresAt: ago(0.05) });
  return { user, current };
}

describe("the security page's data", () => {
  it("is one statement, and each section equals what its own list function reads", async () => {
    const { user, current } = await busyAccount();
    const { value: overview, statements } = await statementsOf(() => loadSecurityOverview(user.id, current.id));
    expect(statements.map((statement) => statement.name)).toEqual(["security-overview"]);

    expect(overview).toEqual({
      tokens: await listApiTokens(user.id),
      twoFactor: await getTwoFactorStatus(user.id),
      passkeys: await listPasskeys(user.id),
      pendingEmailChange: await getPendingEmailChange(user.id),
      sessions: await listActiveSessions(user.id, current.id),
      hold: await findRecoveryHold(user.id),
    });
  });

  it("reads each section's rows, order and states", async () => {
    const { user, current } = await busyAccount();
    const overview = await loadSecurityOverview(user.id, current.id);

    expect(overview.tokens.map((token) => [token.name, token.status])).toEqual([
      ["newest", "active"],
      ["older", "active"],
      ["expired", "expired"],
      ["revoked", "revoked"],
    ]);
    expect(overview.tokens[0]).toMatchObject({ lastUsedIp: "198.51.100.9", scopes: ["profile:read", "sessions:read"] });
    expect(overview.tokens[0]?.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

    expect(overview.twoFactor).toMatchObject({ enabled: true, recoveryCodesLeft: 2 });
    expect(overview.passkeys.map((passkey) => [passkey.name, passkey.synced, passkey.lastUsedAt !== null])).toEqual([
      ["phone", true, true],
      ["laptop", false, false],
    ]);
    expect(overview.pendingEmailChange?.newEmail).toBe("older-wish@example.test");
    expect(overview.sessions).toHaveLength(2);
    expect(overview.sessions.find((session) => session.current)).toMatchObject({ id: current.id, ip: "203.0.113.50" });
    expect(overview.hold).toMatchObject({ reason: "email_change" });
  });

  it("shows a new account's empty sections", async () => {
    const user = await newUser("overview-empty");
    const current = await newSession(user);
    expect(await loadSecurityOverview(user.id, current.id)).toMatchObject({
      tokens: [],
      twoFactor: { enabled: false, enabledAt: null, recoveryCodesLeft: 0 },
      passkeys: [],
      pendingEmailChange: null,
      hold: null,
      sessions: [expect.objectContaining({ id: current.id, current: true })],
    });
  });

  it("refuses an account that does not exist", async () => {
    await expect(loadSecurityOverview(randomUUID(), randomUUID())).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});
