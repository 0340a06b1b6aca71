import { cpSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { defaultMigrationsDir, migrate } from "@/lib/db/migrate";
import { createIsolatedDatabase, withClient } from "@/test/helpers/db";

// Migrations that change data already stored: each is applied to a database that holds rows from
// before it, and what the rows become is checked.

const INET_MIGRATION = "20261201000000_ip_addresses_as_inet";
const CHALLENGE_IDENTITY_MIGRATION = "20261202000000_step_up_challenge_identity";
const FORGED = "<svg/data-x=7/onload=alert(7)>";
const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
});

/** The migrations up to `name`, including it or not. */
function migrationsUpTo(name: string, including: boolean): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "migrations-"));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  for (const entry of readdirSync(defaultMigrationsDir())) {
    if (entry < name || (including && entry === name) || !/^\d/.test(entry))
      cpSync(path.join(defaultMigrationsDir(), entry), path.join(dir, entry), { recursive: true });
  }
  return dir;
}

describe("client addresses in the database", () => {
  test("the migration keeps every valid address and turns what is no address into NULL", async () => {
    const database = await createIsolatedDatabase();
    cleanups.push(database.drop);
    await migrate({ databaseUrl: database.url, migrationsDir: migrationsUpTo(INET_MIGRATION, false) });
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

    expect(await migrate({ databaseUrl: database.url, migrationsDir: migrationsUpTo(INET_MIGRATION, true) })).toEqual({
      applied: [INET_MIGRATION],
    });

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

describe("step-up challenges with their own identity", () => {
  test("a challenge stored before keeps its code (it shared its id), its tries, its lifetime and whether it was proven; old sudo grants get their window", async () => {
    const database = await createIsolatedDatabase();
    cleanups.push(database.drop);
    await migrate({ databaseUrl: database.url, migrationsDir: migrationsUpTo(CHALLENGE_IDENTITY_MIGRATION, false) });
    const ids = await withClient(database.url, async (client) => {
      const user = (
        await client.query<{ id: string }>(
          "INSERT INTO users (id, email, password_hash, email_verified_at, updated_at) VALUES (gen_random_uuid(), 'b@example.test', 'x', now(), now()) RETURNING id",
        )
      ).rows[0]?.id;
      const session = (
        await client.query<{ id: string }>(
          "INSERT INTO sessions (id, user_id, created_at, last_seen_at, expires_at) VALUES (gen_random_uuid(), $1, now(), now(), now() + interval '1 day') RETURNING id",
          [user],
        )
      ).rows[0]?.id;
      const challenge = async (attempts: number, consumed: boolean) => {
        const id = (
          await client.query<{ id: string }>(
            `INSERT INTO one_time_codes (id, purpose, recipient, code_hash, expires_at, max_attempts, last_sent_at, attempts, consumed_at)
           VALUES (gen_random_uuid(), 'STEP_UP', 'b@example.test', 'h', now() + interval '10 minutes', 5, now(), $1, $2) RETURNING id`,
            [attempts, consumed ? new Date() : null],
          )
        ).rows[0]?.id;
        await client.query(
          "INSERT INTO step_up_challenges (id, user_id, session_id, action, payload_hash, description, details, cancel_token_hash) VALUES ($1, $2, $3, 'admin.api_token.revoke', 'p', 'd', '{}', $4)",
          [id, user, session, `hash-${id}`],
        );
        return id;
      };
      const pending = await challenge(2, false);
      const proven = await challenge(1, true);
      await client.query(
        "INSERT INTO step_up_grants (id, user_id, session_id, challenge_id, mode, action, payload_hash, expires_at) VALUES (gen_random_uuid(), $1, $2, $3, 'SUDO', 'admin.api_token.revoke', 'p', now() + interval '5 minutes')",
        [user, session, proven],
      );
      return { pending, proven };
    });

    await migrate({ databaseUrl: database.url, migrationsDir: migrationsUpTo(CHALLENGE_IDENTITY_MIGRATION, true) });

    await withClient(database.url, async (client) => {
      const rows = (
        await client.query<{ id: string; code_id: string; attempts: number; verified: boolean; expires_in: number }>(
          "SELECT id, code_id, attempts, verified_at IS NOT NULL AS verified, EXTRACT(EPOCH FROM expires_at - now())::int AS expires_in FROM step_up_challenges ORDER BY attempts DESC",
        )
      ).rows;
      expect(rows.map(({ id, code_id, attempts, verified }) => ({ same: id === code_id, attempts, verified }))).toEqual([
        { same: true, attempts: 2, verified: false },
        { same: true, attempts: 1, verified: true },
      ]);
      expect(rows.map((row) => row.id).sort()).toEqual([ids.pending, ids.proven].sort());
      for (const row of rows) expect(row.expires_in).toBeGreaterThan(500);
      expect((await client.query('SELECT "window" FROM step_up_grants')).rows).toEqual([{ window: "admin" }]);
    });
  });
});
