import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDatabaseUrl, withClient } from "@/test/helpers/db";

// A database whose default time zone is far from UTC, set before the app opens a connection.
beforeAll(async () => {
  const name = new URL(testDatabaseUrl()).pathname.slice(1);
  await withClient(testDatabaseUrl(), (client) => client.query(`ALTER DATABASE "${name}" SET timezone TO 'Pacific/Kiritimati'`));
});

afterAll(async () => {
  const { disconnectDb } = await import("@/lib/db");
  await disconnectDb();
});

describe("timestamps on a database whose default time zone is not UTC", () => {
  it("round-trip exactly, and database time agrees with the app's", async () => {
    const { db } = await import("@/lib/db");
    const expiresAt = new Date(Date.now() + 3_600_000);
    const user = await db.user.create({ data: { email: "tz@example.test", passwordHash: "unused", emailVerifiedAt: new Date() } });
    const session = await db.session.create({ data: { userId: user.id, expiresAt }, select: { id: true } });

    expect((await db.session.findUniqueOrThrow({ where: { id: session.id } })).expiresAt.toISOString()).toBe(expiresAt.toISOString());
    const [row] = await db.$queryRaw<{ later: boolean; zone: string }[]>`
      SELECT expires_at > now() + interval '59 minutes' AND expires_at < now() + interval '61 minutes' AS later, current_setting('TimeZone') AS zone
      FROM sessions WHERE id = ${session.id}::uuid`;
    expect(row).toEqual({ later: true, zone: "UTC" });
  });
});
