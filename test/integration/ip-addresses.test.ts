import { cpSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { defaultMigrationsDir, migrate } from "@/lib/db/migrate";
import { createIsolatedDatabase, withClient } from "@/test/helpers/db";

// Client addresses are stored as Postgres inet: the database itself refuses anything else, and
// what was stored before that and is no address was dropped on the way.

const INET_MIGRATION = "20261201000000_ip_addresses_as_inet";
const FORGED = "<svg/data-x=7/onload=alert(7)>";
const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
});

/** The migrations up to (not including) the one that made addresses inet. */
function migrationsBefore(name: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "migrations-"));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  for (const entry of readdirSync(defaultMigrationsDir())) {
    if (entry < name || !/^\d/.test(entry)) cpSync(path.join(defaultMigrationsDir(), entry), path.join(dir, entry), { recursive: true });
  }
  return dir;
}

describe("client addresses in the database", () => {
  test("the migration keeps every valid address and turns what is no address into NULL", async () => {
    const database = await createIsolatedDatabase();
    cleanups.push(database.drop);
    await migrate({ databaseUrl: database.url, migrationsDir: migrationsBefore(INET_MIGRATION) });
    await withClient(database.url, async (client) => {
      const { rows } = await client.query<{ id: string }>(
        "INSERT INTO users (id, email, password_hash, email_verified_at, updated_at) VALUES (gen_random_uuid(), 'a@example.test', 'x', now(), now()) RETURNING id",
      );
      const userId = rows[0]?.id;
      for (const ip of ["203.0.113.5", "2001:db8::1", FORGED, null]) {
        await client.query(
          "INSERT INTO sessions (id, user_id, ip, created_at, last_seen_at, expires_at) VALUES (gen_random_uuid(), $1, $2, now(), now(), now() + interval '1 day')",
          [userId, ip],
        );
        await client.query("INSERT INTO audit_events (type, outcome, ip) VALUES ('auth.sign_in', 'SUCCESS', $1)", [ip]);
      }
    });

    expect(await migrate({ databaseUrl: database.url })).toEqual({ applied: [INET_MIGRATION] });

    await withClient(database.url, async (client) => {
      for (const table of ["sessions", "audit_events"]) {
        const { rows } = await client.query<{ ip: string | null }>(`SELECT host(ip) AS ip FROM ${table}`);
        expect(rows.map((row) => row.ip).sort()).toEqual(["2001:db8::1", "203.0.113.5", null, null]);
      }
    });
  });

  test("a value that is no address cannot be stored in any address column", async () => {
    const database = await createIsolatedDatabase();
    cleanups.push(database.drop);
    await migrate({ databaseUrl: database.url });
    await withClient(database.url, async (client) => {
      for (const [table, column] of [
        ["sessions", "ip"],
        ["sign_up_requests", "ip"],
        ["audit_events", "ip"],
        ["step_up_challenges", "ip"],
        ["api_tokens", "last_used_ip"],
      ]) {
        const { rows } = await client.query<{ type: string }>(
          "SELECT data_type AS type FROM information_schema.columns WHERE table_name = $1 AND column_name = $2",
          [table, column],
        );
        expect(rows[0]?.type, `${table}.${column}`).toBe("inet");
      }
      await expect(
        client.query("INSERT INTO audit_events (type, outcome, ip) VALUES ('auth.sign_in', 'SUCCESS', $1)", [FORGED]),
      ).rejects.toThrow(/invalid input syntax for type inet/);
    });
  });
});
