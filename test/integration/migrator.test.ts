import { createHash } from "node:crypto";
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { defaultMigrationsDir, migrate, MigrationError } from "@/lib/db/migrate";
import { createIsolatedDatabase, withClient, type IsolatedDatabase } from "@/test/helpers/db";

const MIGRATIONS_DIR = defaultMigrationsDir();
const MIGRATION_NAMES = readdirSync(MIGRATIONS_DIR)
  .filter((name) => statSync(path.join(MIGRATIONS_DIR, name)).isDirectory())
  .sort();
const FIRST = MIGRATION_NAMES[0] ?? "";

type HistoryRow = {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  applied_steps_count: number;
  rolled_back_at: Date | null;
};

const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
});

async function emptyDatabase(): Promise<IsolatedDatabase> {
  const database = await createIsolatedDatabase();
  cleanups.push(database.drop);
  return database;
}

/** A writable copy of the real migrations directory, so tests can tamper with it. */
function copyOfMigrations(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "migrations-"));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  cpSync(MIGRATIONS_DIR, dir, { recursive: true });
  return dir;
}

function addMigration(dir: string, name: string, sql: string): void {
  mkdirSync(path.join(dir, name));
  writeFileSync(path.join(dir, name, "migration.sql"), sql);
}

function history(url: string): Promise<HistoryRow[]> {
  return withClient(url, async (client) => {
    const { rows } = await client.query<HistoryRow>(
      "SELECT migration_name, checksum, finished_at, applied_steps_count, rolled_back_at FROM _prisma_migrations ORDER BY migration_name",
    );
    return rows;
  });
}

function tableExists(url: string, table: string): Promise<boolean> {
  return withClient(url, async (client) => {
    const { rows } = await client.query<{ exists: boolean }>("SELECT to_regclass($1) IS NOT NULL AS exists", [table]);
    return rows[0]?.exists ?? false;
  });
}

function sha256OfFile(file: string): string {
  return createHash("sha256").update(readFileSync(file)).digest("hex");
}

describe("migrate", () => {
  test("the repository has at least one migration", () => {
    expect(MIGRATION_NAMES.length).toBeGreaterThan(0);
  });

  test("applies every migration to an empty database and records each like Prisma does", async () => {
    const database = await emptyDatabase();
    const logged: string[] = [];

    const result = await migrate({ databaseUrl: database.url, log: (line) => logged.push(line) });

    expect(result.applied).toEqual(MIGRATION_NAMES);
    expect(logged).toEqual(MIGRATION_NAMES.map((name) => `Applied migration ${name}`));
    const rows = await history(database.url);
    expect(rows).toEqual(
      MIGRATION_NAMES.map((name) => ({
        migration_name: name,
        checksum: sha256OfFile(path.join(MIGRATIONS_DIR, name, "migration.sql")),
        finished_at: expect.any(Date),
        applied_steps_count: 1,
        rolled_back_at: null,
      })),
    );
    expect(await tableExists(database.url, "users")).toBe(true);
  });

  test("running again applies nothing and changes nothing", async () => {
    const database = await emptyDatabase();
    await migrate({ databaseUrl: database.url });
    const before = await history(database.url);

    const again = await migrate({ databaseUrl: database.url });

    expect(again.applied).toEqual([]);
    expect(await history(database.url)).toEqual(before);
  });

  test("instances starting together apply each migration exactly once", async () => {
    const database = await emptyDatabase();

    const results = await Promise.all(Array.from({ length: 6 }, () => migrate({ databaseUrl: database.url })));

    expect(results.flatMap((result) => result.applied).sort()).toEqual(MIGRATION_NAMES);
    const rows = await history(database.url);
    expect(rows.map((row) => row.migration_name)).toEqual(MIGRATION_NAMES);
    expect(rows.every((row) => row.finished_at !== null)).toBe(true);
  });

  test("refuses an applied migration whose file was edited, and applies nothing else", async () => {
    const dir = copyOfMigrations();
    const database = await emptyDatabase();
    await migrate({ databaseUrl: database.url, migrationsDir: dir });
    const before = await history(database.url);
    appendFileSync(path.join(dir, FIRST, "migration.sql"), '\nCREATE TABLE "tampered" ("id" INTEGER);\n');
    addMigration(dir, "29990101000000_next", 'CREATE TABLE "next_table" ("id" INTEGER);\n');

    const attempt = migrate({ databaseUrl: database.url, migrationsDir: dir });

    await expect(attempt).rejects.toThrow(MigrationError);
    await expect(attempt).rejects.toThrow(`Migration "${FIRST}" was modified after it was applied`);
    await expect(attempt).rejects.toThrow("Do not edit applied migrations");
    expect(await tableExists(database.url, "tampered")).toBe(false);
    expect(await tableExists(database.url, "next_table")).toBe(false);
    expect(await history(database.url)).toEqual(before);
  });

  test("accepts an applied migration whose only change is CRLF line endings (git autocrlf), as Prisma does", async () => {
    const dir = copyOfMigrations();
    const database = await emptyDatabase();
    await migrate({ databaseUrl: database.url, migrationsDir: dir });
    const file = path.join(dir, FIRST, "migration.sql");
    writeFileSync(file, readFileSync(file, "utf8").replaceAll("\n", "\r\n"));

    await expect(migrate({ databaseUrl: database.url, migrationsDir: dir })).resolves.toEqual({ applied: [] });
  });

  test("rolls a failing migration back completely and names it in the error", async () => {
    const dir = copyOfMigrations();
    const database = await emptyDatabase();
    const broken = "29990101000000_broken";
    addMigration(dir, broken, 'CREATE TABLE "half_done" ("id" INTEGER);\n\nSELECT * FROM "no_such_table";\n');

    const attempt = migrate({ databaseUrl: database.url, migrationsDir: dir });

    await expect(attempt).rejects.toThrow(MigrationError);
    await expect(attempt).rejects.toThrow(`Migration "${broken}" failed and was rolled back: relation "no_such_table" does not exist`);
    await expect(attempt).rejects.toThrow("at line 3 of migration.sql");
    expect(await tableExists(database.url, "half_done")).toBe(false);
    expect((await history(database.url)).map((row) => row.migration_name)).toEqual(MIGRATION_NAMES);

    writeFileSync(path.join(dir, broken, "migration.sql"), 'CREATE TABLE "half_done" ("id" INTEGER);\n');
    await expect(migrate({ databaseUrl: database.url, migrationsDir: dir })).resolves.toEqual({ applied: [broken] });
    expect(await tableExists(database.url, "half_done")).toBe(true);
  });

  test("stops at a migration that an earlier tool started but never finished", async () => {
    const database = await emptyDatabase();
    await migrate({ databaseUrl: database.url });
    await withClient(database.url, (client) =>
      client.query("INSERT INTO _prisma_migrations (id, checksum, migration_name) VALUES (gen_random_uuid()::text, $1, $2)", [
        "0".repeat(64),
        "29990101000000_half_applied",
      ]),
    );

    await expect(migrate({ databaseUrl: database.url })).rejects.toThrow(
      /Migration "29990101000000_half_applied" started at .* but never finished/,
    );
  });
});
