import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { createIsolatedDatabase, TEMPLATE_DATABASE, testDatabaseUrl, withClient, type IsolatedDatabase } from "@/test/helpers/db";
import {
  describeDatabase,
  findSchemaDrift,
  readSchemaSnapshot,
  type DatabaseSchema,
  type SchemaSnapshot,
} from "@/test/helpers/schema-drift";

const snapshot = readSchemaSnapshot();

function describeAt(url: string): Promise<DatabaseSchema> {
  return withClient(url, describeDatabase);
}

function changed(edit: (copy: SchemaSnapshot) => void): SchemaSnapshot {
  const copy = structuredClone(snapshot);
  edit(copy);
  return copy;
}

function modelNamed(copy: SchemaSnapshot, name: string) {
  const model = copy.models.find((candidate) => candidate.name === name);
  if (!model) throw new Error(`no model ${name} in the snapshot`);
  return model;
}

function fieldNamed(copy: SchemaSnapshot, modelName: string, fieldName: string) {
  const field = modelNamed(copy, modelName).fields.find((candidate) => candidate.name === fieldName);
  if (!field) throw new Error(`no field ${modelName}.${fieldName} in the snapshot`);
  return field;
}

describe("schema.prisma and the migrations", () => {
  test("the snapshot was generated from the current prisma/schema.prisma (run `npm run db:generate` if not)", () => {
    const schemaFile = path.join(process.cwd(), "prisma", "schema.prisma");
    expect(snapshot.schemaSha256).toBe(createHash("sha256").update(readFileSync(schemaFile)).digest("hex"));
  });

  test("the migrated database has exactly the tables, columns, types, nullability, keys, indexes and enums of the schema", async () => {
    expect(snapshot.models.length).toBeGreaterThan(0);
    expect(findSchemaDrift(snapshot, await describeAt(testDatabaseUrl()))).toEqual([]);
  });
});

describe("the drift check", () => {
  let database: DatabaseSchema | undefined;
  const databases: IsolatedDatabase[] = [];
  afterAll(async () => {
    for (const isolated of databases) await isolated.drop();
  });

  async function migratedDatabase(): Promise<DatabaseSchema> {
    database ??= await describeAt(testDatabaseUrl());
    return database;
  }

  test("reports a column the schema no longer has", async () => {
    const drifted = changed((copy) => {
      const user = modelNamed(copy, "User");
      user.fields = user.fields.filter((field) => field.name !== "passwordHash");
    });
    expect(findSchemaDrift(drifted, await migratedDatabase())).toContain('column "users"."password_hash" is not in model User');
  });

  test("reports a field whose nullability differs", async () => {
    const drifted = changed((copy) => {
      fieldNamed(copy, "Session", "expiresAt").isRequired = false;
      fieldNamed(copy, "Session", "revokedAt").isRequired = true;
    });
    expect(findSchemaDrift(drifted, await migratedDatabase())).toEqual([
      'column "sessions"."expires_at" (Session.expiresAt) is NOT NULL but the schema says optional',
      'column "sessions"."revoked_at" (Session.revokedAt) is nullable but the schema says required',
    ]);
  });

  test("reports a missing unique index, a missing table and a missing enum value", async () => {
    const drifted = changed((copy) => {
      fieldNamed(copy, "Session", "ip").isUnique = true;
      const model = structuredClone(modelNamed(copy, "RateLimit"));
      copy.models.push({ ...model, name: "Extra", dbName: "extras" });
      copy.enums.find((entry) => entry.name === "Role")?.values.push({ name: "OWNER", dbName: null });
    });
    expect(findSchemaDrift(drifted, await migratedDatabase())).toEqual([
      'unique index on "sessions"(ip) is missing',
      'table "extras" (model Extra) is missing',
      'enum type "Role" lacks values OWNER',
    ]);
  });

  test("reports drift made directly in a database", async () => {
    const isolated = await createIsolatedDatabase({ template: TEMPLATE_DATABASE });
    databases.push(isolated);
    await withClient(isolated.url, async (client) => {
      await client.query('ALTER TABLE "sessions" ALTER COLUMN "expires_at" DROP NOT NULL');
      await client.query('DROP INDEX "users_email_key"');
      await client.query('ALTER TABLE "users" ADD COLUMN "nickname" TEXT');
      await client.query('ALTER TABLE "audit_events" ALTER COLUMN "metadata" TYPE JSON');
      await client.query(`ALTER TYPE "Role" ADD VALUE 'OWNER'`);
      await client.query('ALTER TABLE "sessions" DROP CONSTRAINT "sessions_user_id_fkey"');
      await client.query('ALTER TABLE "sessions" ADD CONSTRAINT "sessions_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id")');
    });

    expect(findSchemaDrift(snapshot, await describeAt(isolated.url)).sort()).toEqual(
      [
        'column "sessions"."expires_at" (Session.expiresAt) is nullable but the schema says required',
        'unique index on "users"(email) is missing',
        'column "users"."nickname" is not in model User',
        'column "audit_events"."metadata" (AuditEvent.metadata) has type json, expected jsonb',
        'enum type "Role" has values not in the schema: OWNER',
        'foreign key "sessions"(user_id) -> "users"(id) is ON DELETE NoAction ON UPDATE NoAction, expected ON DELETE Cascade ON UPDATE Cascade',
      ].sort(),
    );
  });
});
