import "server-only";
import { createHash, randomUUID } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { Client, DatabaseError } from "pg";

/**
 * Applies `prisma/migrations/<name>/migration.sql` in name order and records each in Prisma's own
 * `_prisma_migrations` table, so `prisma migrate deploy/status` agree wherever the native schema
 * engine is available (it cannot be downloaded here).
 */

// The key Prisma Migrate itself locks on, so this migrator and `prisma migrate deploy` never overlap.
const ADVISORY_LOCK_KEY = 72707369;

// Prisma's exact DDL (schema-engine, postgres flavour).
const CREATE_MIGRATIONS_TABLE = `CREATE TABLE _prisma_migrations (
    id                      VARCHAR(36) PRIMARY KEY NOT NULL,
    checksum                VARCHAR(64) NOT NULL,
    finished_at             TIMESTAMPTZ,
    migration_name          VARCHAR(255) NOT NULL,
    logs                    TEXT,
    rolled_back_at          TIMESTAMPTZ,
    started_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
    applied_steps_count     INTEGER NOT NULL DEFAULT 0
);`;

export class MigrationError extends Error {
  override name = "MigrationError";
}

export type MigrateOptions = {
  databaseUrl: string;
  migrationsDir?: string;
  log?: (line: string) => void;
};

type LocalMigration = { name: string; script: string; checksum: string };

type MigrationRow = {
  migration_name: string;
  checksum: string;
  started_at: Date;
  finished_at: Date | null;
  rolled_back_at: Date | null;
};

export function defaultMigrationsDir(): string {
  return path.join(process.cwd(), "prisma", "migrations");
}

/** Prisma's checksum: sha256 of the script, lowercase hex. */
function migrationChecksum(script: string | Buffer): string {
  return createHash("sha256").update(script).digest("hex");
}

export async function migrate(options: MigrateOptions): Promise<{ applied: string[] }> {
  const log = options.log ?? (() => {});
  const migrations = readMigrations(options.migrationsDir ?? defaultMigrationsDir());
  const client = new Client({ connectionString: options.databaseUrl, application_name: "migrate" });
  // A dropped connection surfaces as a rejected query; without a listener it would crash the process.
  client.on("error", () => {});
  try {
    await client.connect();
  } catch (error) {
    throw new MigrationError(`Cannot connect to the database: ${messageOf(error)}`);
  }
  let locked = false;
  try {
    await client.query("SELECT pg_advisory_lock($1)", [ADVISORY_LOCK_KEY]);
    locked = true;
    await ensureMigrationsTable(client);
    const pending = pendingMigrations(migrations, await readHistory(client), log);
    const applied: string[] = [];
    for (const migration of pending) {
      await applyMigration(client, migration);
      applied.push(migration.name);
      log(`Applied migration ${migration.name}`);
    }
    return { applied };
  } finally {
    if (locked) await client.query("SELECT pg_advisory_unlock($1)", [ADVISORY_LOCK_KEY]).catch(() => {});
    await client.end().catch(() => {});
  }
}

function readMigrations(dir: string): LocalMigration[] {
  if (!existsSync(dir)) throw new MigrationError(`Migrations directory not found: ${dir}`);
  return readdirSync(dir)
    .filter((name) => statSync(path.join(dir, name)).isDirectory())
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((name) => {
      const file = path.join(dir, name, "migration.sql");
      if (!existsSync(file)) throw new MigrationError(`Migration "${name}" has no migration.sql file (${file})`);
      const bytes = readFileSync(file);
      return { name, script: bytes.toString("utf8"), checksum: migrationChecksum(bytes) };
    });
}

async function ensureMigrationsTable(client: Client): Promise<void> {
  const { rows } = await client.query<{ exists: boolean }>("SELECT to_regclass('_prisma_migrations') IS NOT NULL AS exists");
  if (!rows[0]?.exists) await client.query(CREATE_MIGRATIONS_TABLE);
}

async function readHistory(client: Client): Promise<MigrationRow[]> {
  const { rows } = await client.query<MigrationRow>(
    "SELECT migration_name, checksum, started_at, finished_at, rolled_back_at FROM _prisma_migrations ORDER BY started_at",
  );
  return rows;
}

function pendingMigrations(migrations: LocalMigration[], history: MigrationRow[], log: (line: string) => void): LocalMigration[] {
  // Rows marked rolled back (`prisma migrate resolve --rolled-back`) no longer count, as in Prisma.
  const live = history.filter((row) => row.rolled_back_at === null);
  const failed = live.find((row) => row.finished_at === null);
  if (failed) {
    throw new MigrationError(
      `Migration "${failed.migration_name}" started at ${failed.started_at.toISOString()} but never finished, so no new migrations will be applied. ` +
        `Check what it changed, repair the database, then mark it with \`prisma migrate resolve --rolled-back ${failed.migration_name}\` ` +
        `(or delete its row from _prisma_migrations) and run the migrations again.`,
    );
  }

  const local = new Set(migrations.map((migration) => migration.name));
  for (const row of live) {
    if (!local.has(row.migration_name))
      log(`Warning: migration ${row.migration_name} is applied in the database but missing from the migrations directory`);
  }

  const appliedChecksums = new Map(live.map((row) => [row.migration_name, row.checksum]));
  return migrations.filter((migration) => {
    const checksum = appliedChecksums.get(migration.name);
    if (checksum === undefined) return true;
    if (!matchesChecksum(migration, checksum)) {
      throw new MigrationError(
        `Migration "${migration.name}" was modified after it was applied (checksum ${checksum} in the database, ${migration.checksum} on disk). ` +
          `Do not edit applied migrations: restore the original file and put the change in a new migration.`,
      );
    }
    return false;
  });
}

// Like Prisma, accept a script whose line endings git converted after it was applied.
function matchesChecksum(migration: LocalMigration, checksum: string): boolean {
  if (migration.checksum === checksum) return true;
  const script = migration.script;
  const variants = [script.replaceAll("\r\n", "\n"), script.replaceAll("\n", "\r\n")];
  return variants.some((variant) => migrationChecksum(variant) === checksum);
}

async function applyMigration(client: Client, migration: LocalMigration): Promise<void> {
  const id = randomUUID();
  await client.query("BEGIN");
  try {
    await client.query("INSERT INTO _prisma_migrations (id, checksum, migration_name, started_at) VALUES ($1, $2, $3, now())", [
      id,
      migration.checksum,
      migration.name,
    ]);
    await client.query(migration.script).catch((error: unknown) => {
      throw new MigrationError(`Migration "${migration.name}" failed and was rolled back: ${describeSqlError(error, migration.script)}`);
    });
    await client.query("UPDATE _prisma_migrations SET finished_at = clock_timestamp(), applied_steps_count = 1 WHERE id = $1", [id]);
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    if (error instanceof MigrationError) throw error;
    throw new MigrationError(`Migration "${migration.name}" failed and was rolled back: ${messageOf(error)}`);
  }
}

function messageOf(error: unknown): string {
  // Node reports a failed dual-stack connect as an AggregateError with an empty message.
  if (error instanceof AggregateError && !error.message) return error.errors.map(messageOf).join("; ");
  return error instanceof Error ? error.message : String(error);
}

function describeSqlError(error: unknown, script: string): string {
  if (!(error instanceof DatabaseError)) return messageOf(error);
  const position = Number(error.position);
  const line = Number.isInteger(position) && position > 0 ? script.slice(0, position - 1).split("\n").length : undefined;
  const code = error.code ? ` (SQLSTATE ${error.code})` : "";
  return `${error.message}${code}${line ? ` at line ${line} of migration.sql` : ""}`;
}
