import { readFileSync } from "node:fs";
import path from "node:path";
import { hash } from "@node-rs/argon2";
import pg from "pg";

/** Direct access to the e2e database (written by e2e/server.ts), to arrange state and assert on it. */

let pool: pg.Pool | undefined;

function databaseUrl(): string {
  const file = path.join(process.cwd(), ".data", "e2e-database-url");
  try {
    return readFileSync(file, "utf8").trim();
  } catch {
    throw new Error(`${file} is missing: is the e2e server (e2e/server.ts) running?`);
  }
}

function db(): pg.Pool {
  pool ??= new pg.Pool({ connectionString: databaseUrl(), max: 2 });
  return pool;
}

export async function query<Row extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<Row[]> {
  return (await db().query<Row>(sql, params)).rows;
}

export async function closeDb(): Promise<void> {
  await pool?.end();
  pool = undefined;
}

// The app's parameters (lib/auth/password.ts); verify() reads them back from the hash string anyway.
const ARGON2_OPTIONS = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export type TestUser = { id: string; email: string; password: string };

/** A verified account, created in the database so tests not about sign-up skip that flow. */
export async function createUser(user: { email: string; password: string }): Promise<TestUser> {
  const rows = await query<{ id: string }>(
    `INSERT INTO users (id, email, password_hash, email_verified_at, updated_at)
     VALUES (gen_random_uuid(), $1, $2, now(), now()) RETURNING id`,
    [user.email, await hash(user.password, ARGON2_OPTIONS)],
  );
  const id = rows[0]?.id;
  if (!id) throw new Error("user insert returned no row");
  return { id, ...user };
}

export type AuditRow = {
  type: string;
  outcome: string;
  actor_id: string | null;
  actor_email: string | null;
  reason: string | null;
  ip: string | null;
  user_agent: string | null;
};

export function auditEventsFor(email: string): Promise<AuditRow[]> {
  return query<AuditRow>(
    `SELECT type, outcome, actor_id, actor_email, reason, ip, user_agent FROM audit_events
     WHERE lower(actor_email) = lower($1) ORDER BY id`,
    [email],
  );
}

export function sessionsFor(userId: string): Promise<{ id: string; revoked_at: Date | null }[]> {
  return query(`SELECT id, revoked_at FROM sessions WHERE user_id = $1 ORDER BY created_at`, [userId]);
}

/**
 * Every test browses from the same loopback address, so the per-IP limits (sign-in 30 per 15 min,
 * sign-up 20 per hour) would trip when the suite is re-run against a reused server. Per-account
 * limits, which the tests exercise, are untouched.
 */
export async function clearPerIpRateLimits(): Promise<void> {
  await query(
    `DELETE FROM rate_limits WHERE key LIKE 'sign-in:ip:%' OR key LIKE 'sign-up:ip:%' OR key LIKE 'passkey-options:ip:%' OR key LIKE 'passkey-sign-in:ip:%' OR key LIKE 'password-reset:ip:%'`,
  );
}
