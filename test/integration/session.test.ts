import { describe, expect, it } from "vitest";
import { hashPassword } from "@/lib/auth/password";
import { db } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { createSession, endSession, resolveSession } from "@/lib/sessions/lifecycle";
import { meta, randomEmail, STRONG_PASSWORD } from "@/test/helpers/fixtures";
import { statementsOf } from "@/tooling/sql-statements";

async function newSession() {
  const user = await db.user.create({
    data: { email: randomEmail(), passwordHash: await hashPassword(STRONG_PASSWORD), emailVerifiedAt: new Date() },
  });
  const id = await db.$transaction((tx) => createSession(tx, user.id, meta()));
  return { id, user };
}

describe("server-side sessions", () => {
  it("resolve while valid", async () => {
    const { id, user } = await newSession();
    expect(await resolveSession(id)).toMatchObject({ id, user: { id: user.id, email: user.email, role: "USER" } });
  });

  it("resolve in one prepared statement while active (every signed-in request asks)", async () => {
    const { id } = await newSession();
    const { value, statements } = await statementsOf(() => resolveSession(id));
    expect(value?.id).toBe(id);
    expect(statements.map((statement) => statement.name)).toEqual(["resolve-session"]);
  });

  it("end at once when revoked, and the sign-out is recorded", async () => {
    const { id } = await newSession();
    const session = await resolveSession(id);
    if (!session) throw new Error("expected a session");
    await endSession({ session, meta: meta() }, "sign_out");
    expect(await resolveSession(id)).toBeNull();
    expect(await db.auditEvent.count({ where: { type: "auth.sign_out", targetId: id } })).toBe(1);
  });

  it("end when deleted", async () => {
    const { id } = await newSession();
    await db.session.delete({ where: { id } });
    expect(await resolveSession(id)).toBeNull();
  });

  it("end after the absolute lifetime", async () => {
    const { id } = await newSession();
    await db.$executeRaw`UPDATE sessions SET expires_at = now() - interval '1 second' WHERE id = ${id}::uuid`;
    expect(await resolveSession(id)).toBeNull();
  });

  it("end after the idle timeout, and activity keeps them alive", async () => {
    const idle = getEnv().SESSION_IDLE_TIMEOUT_MINUTES;
    const active = await newSession();
    await db.$executeRaw`UPDATE sessions SET last_seen_at = now() - make_interval(mins => ${idle - 1}) WHERE id = ${active.id}::uuid`;
    expect(await resolveSession(active.id)).not.toBeNull();
    const touched = await db.session.findUniqueOrThrow({ where: { id: active.id } });
    expect(Date.now() - touched.lastSeenAt.getTime()).toBeLessThan(60_000);

    const stale = await newSession();
    await db.$executeRaw`UPDATE sessions SET last_seen_at = now() - make_interval(mins => ${idle}) WHERE id = ${stale.id}::uuid`;
    expect(await resolveSession(stale.id)).toBeNull();
  });

  it("ignore ids that are not session ids", async () => {
    expect(await resolveSession("not-a-uuid")).toBeNull();
    expect(await resolveSession(crypto.randomUUID())).toBeNull();
  });
});
