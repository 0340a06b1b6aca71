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

describe("audit_events partitioned by month", () => {
  const PARTITIONS_MIGRATION = "20261209000000_audit_monthly_partitions";

  test("the migration keeps every row, id and transaction id, puts each in its month, and the sequence goes on", async () => {
    const database = await createIsolatedDatabase();
    cleanups.push(database.drop);
    await migrate({ databaseUrl: database.url, migrationsDir: migrationsUpTo(PARTITIONS_MIGRATION, false) });
    const dates = ["2025-03-31T23:59:59.999Z", "2025-04-01T00:00:00.000Z", "2026-01-15T08:00:00.000Z", new Date().toISOString()];
    const before = await withClient(database.url, async (client) => {
      for (const at of dates)
        await client.query(
          "INSERT INTO audit_events (type, outcome, actor_email, created_at) VALUES ('auth.sign_in', 'SUCCESS', 'a@example.test', $1)",
          [at],
        );
      return (await client.query("SELECT id::text, tx_id::text, created_at FROM audit_events ORDER BY id")).rows;
    });

    expect(await migrate({ databaseUrl: database.url, migrationsDir: defaultMigrationsDir() })).toEqual({
      applied: [PARTITIONS_MIGRATION],
    });

    await withClient(database.url, async (client) => {
      const after = await client.query(
        "SELECT id::text, tx_id::text, created_at, tableoid::regclass::text AS month FROM audit_events ORDER BY id",
      );
      expect(after.rows.map(({ month: _month, ...row }) => row)).toEqual(before);
      const now = new Date();
      const thisMonth = `audit_events_${now.getUTCFullYear()}_${String(now.getUTCMonth() + 1).padStart(2, "0")}`;
      expect(after.rows.map((row) => row.month)).toEqual([
        "audit_events_2025_03",
        "audit_events_2025_04",
        "audit_events_2026_01",
        thisMonth,
      ]);
      // From the oldest event's month to three months ahead, each month once.
      const { rows: months } = await client.query<{ name: string }>("SELECT name FROM audit_event_months()");
      expect(months[0]?.name).toBe("audit_events_2025_03");
      expect(new Set(months.map((month) => month.name)).size).toBe(months.length);
      const { rows: inserted } = await client.query<{ id: string }>(
        "INSERT INTO audit_events (type, outcome) VALUES ('auth.sign_in', 'SUCCESS') RETURNING id::text",
      );
      expect(BigInt(inserted[0]!.id)).toBeGreaterThan(BigInt(before.at(-1)!.id));
      await expect(client.query("TRUNCATE audit_events_2025_03")).rejects.toThrow(/append-only/);
      await expect(client.query("DELETE FROM audit_events")).rejects.toThrow(/append-only/);
      // Months that ended over a day ago are sealed with their highest transaction id.
      const { rows: sealed } = await client.query<{ name: string; max: string }>(
        "SELECT name, max_tx_id::text AS max FROM audit_sealed_months ORDER BY name",
      );
      expect(sealed.map((row) => row.name)).toEqual(
        expect.arrayContaining(["audit_events_2025_03", "audit_events_2025_04", "audit_events_2026_01"]),
      );
      expect(sealed.find((row) => row.name === "audit_events_2025_03")?.max).toBe(before[0]!.tx_id);
    });
  });
});
