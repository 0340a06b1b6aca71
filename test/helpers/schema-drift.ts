import { readFileSync } from "node:fs";
import path from "node:path";
import type { Client } from "pg";
import { z } from "zod";

/**
 * Compares the data model in generated/schema-snapshot.json (written by
 * prisma/generators/schema-snapshot.mjs on `npm run db:generate`) with a live database.
 */

const nameList = z.array(z.string());

const fieldSchema = z.object({
  name: z.string(),
  dbName: z.string().nullable(),
  kind: z.enum(["scalar", "enum", "object", "unsupported"]),
  type: z.string(),
  nativeType: z
    .tuple([z.string(), z.array(z.string())])
    .nullable()
    .optional(),
  isList: z.boolean(),
  isRequired: z.boolean(),
  isUnique: z.boolean(),
  isId: z.boolean(),
  isUpdatedAt: z.boolean().optional(),
  hasDefaultValue: z.boolean(),
  default: z.unknown().optional(),
  relationFromFields: nameList.optional(),
  relationToFields: nameList.optional(),
  relationOnDelete: z.string().optional(),
  relationOnUpdate: z.string().optional(),
});

const modelSchema = z.object({
  name: z.string(),
  dbName: z.string().nullable(),
  fields: z.array(fieldSchema),
  primaryKey: z.object({ name: z.string().nullable(), fields: nameList }).nullable(),
  uniqueIndexes: z.array(z.object({ name: z.string().nullable(), fields: nameList })),
});

const snapshotSchema = z.object({
  schemaSha256: z.string().nullable(),
  models: z.array(modelSchema),
  enums: z.array(
    z.object({
      name: z.string(),
      dbName: z.string().nullable(),
      values: z.array(z.object({ name: z.string(), dbName: z.string().nullable() })),
    }),
  ),
  indexes: z.array(
    z.object({
      model: z.string(),
      type: z.enum(["id", "unique", "normal", "fulltext"]),
      dbName: z.string().nullable(),
      fields: z.array(z.object({ name: z.string() })),
    }),
  ),
});

export type SchemaSnapshot = z.infer<typeof snapshotSchema>;
type Model = z.infer<typeof modelSchema>;
type Field = z.infer<typeof fieldSchema>;

const SNAPSHOT_FILE = path.join(process.cwd(), "generated", "schema-snapshot.json");

export function readSchemaSnapshot(file = SNAPSHOT_FILE): SchemaSnapshot {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    throw new Error(`${file} is missing: run \`npm run db:generate\``);
  }
  return snapshotSchema.parse(JSON.parse(text));
}

type ReferentialAction = "Cascade" | "Restrict" | "NoAction" | "SetNull" | "SetDefault";

type DatabaseColumn = {
  udtName: string;
  nullable: boolean;
  hasDefault: boolean;
  datetimePrecision: number | null;
  maxLength: number | null;
};

export type DatabaseSchema = {
  tables: Record<string, Record<string, DatabaseColumn>>;
  enums: Record<string, string[]>;
  indexes: { table: string; name: string; columns: string[]; unique: boolean; primary: boolean }[];
  foreignKeys: {
    table: string;
    name: string;
    columns: string[];
    referencedTable: string;
    referencedColumns: string[];
    onDelete: ReferentialAction;
    onUpdate: ReferentialAction;
  }[];
};

// Bookkeeping table that is not part of the data model.
const IGNORED_TABLES = new Set(["_prisma_migrations"]);

const ACTIONS: Record<string, ReferentialAction> = { a: "NoAction", r: "Restrict", c: "Cascade", n: "SetNull", d: "SetDefault" };

/** Reads the current schema (search_path) of a database through information_schema and pg_catalog. */
export async function describeDatabase(client: Client): Promise<DatabaseSchema> {
  const tables = await client.query<{ table_name: string }>(
    // A partition (audit_events' months) is part of its parent's model, not a table of its own.
    `SELECT table_name FROM information_schema.tables t WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'
       AND NOT EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                       WHERE n.nspname = t.table_schema AND c.relname = t.table_name AND c.relispartition)`,
  );
  const columns = await client.query<{
    table_name: string;
    column_name: string;
    is_nullable: "YES" | "NO";
    udt_name: string;
    column_default: string | null;
    datetime_precision: number | null;
    character_maximum_length: number | null;
  }>(
    `SELECT table_name, column_name, is_nullable, udt_name, column_default, datetime_precision, character_maximum_length
     FROM information_schema.columns WHERE table_schema = current_schema()`,
  );
  const enums = await client.query<{ name: string; value: string }>(
    `SELECT t.typname AS name, e.enumlabel AS value
     FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace
     WHERE n.nspname = current_schema() ORDER BY t.typname, e.enumsortorder`,
  );
  const indexes = await client.query<{ table: string; name: string; columns: string[]; unique: boolean; primary: boolean }>(
    `SELECT t.relname AS table, i.relname AS name, ix.indisunique AS unique, ix.indisprimary AS primary,
            ARRAY(SELECT a.attname FROM unnest(ix.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
                  JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum ORDER BY k.ord)::text[] AS columns
     FROM pg_index ix JOIN pg_class t ON t.oid = ix.indrelid JOIN pg_class i ON i.oid = ix.indexrelid
     JOIN pg_namespace n ON n.oid = t.relnamespace
     WHERE n.nspname = current_schema() AND t.relkind IN ('r', 'p') AND NOT t.relispartition`,
  );
  const foreignKeys = await client.query<{
    table: string;
    name: string;
    columns: string[];
    referenced_table: string;
    referenced_columns: string[];
    on_delete: string;
    on_update: string;
  }>(
    `SELECT c.conname AS name, t.relname AS table, r.relname AS referenced_table,
            ARRAY(SELECT a.attname FROM unnest(c.conkey) WITH ORDINALITY AS k(attnum, ord)
                  JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum ORDER BY k.ord)::text[] AS columns,
            ARRAY(SELECT a.attname FROM unnest(c.confkey) WITH ORDINALITY AS k(attnum, ord)
                  JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.attnum ORDER BY k.ord)::text[] AS referenced_columns,
            c.confdeltype::text AS on_delete, c.confupdtype::text AS on_update
     FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid JOIN pg_class r ON r.oid = c.confrelid
     JOIN pg_namespace n ON n.oid = t.relnamespace
     WHERE c.contype = 'f' AND n.nspname = current_schema()`,
  );

  const schema: DatabaseSchema = { tables: {}, enums: {}, indexes: [], foreignKeys: [] };
  for (const { table_name } of tables.rows) if (!IGNORED_TABLES.has(table_name)) schema.tables[table_name] = {};
  for (const row of columns.rows) {
    const table = schema.tables[row.table_name];
    if (!table) continue;
    table[row.column_name] = {
      udtName: row.udt_name,
      nullable: row.is_nullable === "YES",
      hasDefault: row.column_default !== null,
      datetimePrecision: row.datetime_precision,
      maxLength: row.character_maximum_length,
    };
  }
  for (const row of enums.rows) (schema.enums[row.name] ??= []).push(row.value);
  schema.indexes = indexes.rows.filter((row) => !IGNORED_TABLES.has(row.table));
  schema.foreignKeys = foreignKeys.rows.map((row) => ({
    table: row.table,
    name: row.name,
    columns: row.columns,
    referencedTable: row.referenced_table,
    referencedColumns: row.referenced_columns,
    onDelete: ACTIONS[row.on_delete] ?? "NoAction",
    onUpdate: ACTIONS[row.on_update] ?? "NoAction",
  }));
  return schema;
}

// Postgres type names (udt_name) Prisma uses for each scalar and @db native type.
const SCALAR_TYPES: Record<string, string> = {
  String: "text",
  Boolean: "bool",
  Int: "int4",
  BigInt: "int8",
  Float: "float8",
  Decimal: "numeric",
  DateTime: "timestamp",
  Json: "jsonb",
  Bytes: "bytea",
};
const NATIVE_TYPES: Record<string, string> = {
  Text: "text",
  VarChar: "varchar",
  Char: "bpchar",
  Uuid: "uuid",
  Citext: "citext",
  Inet: "inet",
  Xml: "xml",
  Bit: "bit",
  VarBit: "varbit",
  SmallInt: "int2",
  Integer: "int4",
  BigInt: "int8",
  Oid: "oid",
  Real: "float4",
  DoublePrecision: "float8",
  Decimal: "numeric",
  Money: "money",
  Boolean: "bool",
  Json: "json",
  JsonB: "jsonb",
  ByteA: "bytea",
  Date: "date",
  Time: "time",
  Timetz: "timetz",
  Timestamp: "timestamp",
  Timestamptz: "timestamptz",
};
const TIME_TYPES = new Set(["time", "timetz", "timestamp", "timestamptz"]);
// Defaults Prisma fills in on the client; the column itself has none.
const CLIENT_SIDE_DEFAULTS = new Set(["uuid", "cuid", "nanoid", "ulid"]);

const tableOf = (model: Model) => model.dbName ?? model.name;
const columnOf = (field: Field) => field.dbName ?? field.name;
const columnNamed = (model: Model, fieldName: string) => {
  const field = model.fields.find((candidate) => candidate.name === fieldName);
  return field ? columnOf(field) : fieldName;
};
const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((item, i) => item === b[i]);
const show = (columns: readonly string[]) => `(${columns.join(", ")})`;

function expectedType(
  field: Field,
  snapshot: SchemaSnapshot,
): { udtName: string | undefined; precision: number | null; maxLength: number | null } {
  const [nativeName, nativeArgs] = field.nativeType ?? [undefined, []];
  let udtName: string | undefined;
  if (field.kind === "enum") {
    const entry = snapshot.enums.find((candidate) => candidate.name === field.type);
    udtName = entry?.dbName ?? entry?.name;
  } else {
    udtName = nativeName ? NATIVE_TYPES[nativeName] : SCALAR_TYPES[field.type];
  }
  const firstArg = nativeArgs[0] === undefined ? null : Number(nativeArgs[0]);
  const precision = udtName && TIME_TYPES.has(udtName) ? (firstArg ?? (nativeName ? 6 : 3)) : null;
  const maxLength = udtName === "varchar" || udtName === "bpchar" ? firstArg : null;
  return { udtName: udtName && field.isList ? `_${udtName}` : udtName, precision, maxLength };
}

function expectsDatabaseDefault(field: Field): boolean {
  if (!field.hasDefaultValue) return false;
  const value = field.default;
  if (typeof value === "object" && value !== null && "name" in value && typeof value.name === "string")
    return !CLIENT_SIDE_DEFAULTS.has(value.name);
  return true;
}

// Prisma's default constraint names: <table>_<columns>_<suffix>, longer names are not checked here.
function defaultIndexName(table: string, columns: string[], suffix: "pkey" | "key" | "idx"): string | undefined {
  const name = suffix === "pkey" ? `${table}_pkey` : `${table}_${columns.join("_")}_${suffix}`;
  return name.length <= 63 ? name : undefined;
}

type ExpectedIndex = { kind: "primary key" | "unique index" | "index"; columns: string[]; name: string | undefined };

function expectedIndexes(model: Model, snapshot: SchemaSnapshot): ExpectedIndex[] {
  const table = tableOf(model);
  const columnsOf = (fieldNames: string[]) => fieldNames.map((name) => columnNamed(model, name));
  const mappedName = (type: "id" | "unique" | "normal", fieldNames: string[]) =>
    snapshot.indexes.find(
      (index) =>
        index.model === model.name &&
        index.type === type &&
        sameList(
          index.fields.map((field) => field.name),
          fieldNames,
        ),
    )?.dbName ?? null;

  const result: ExpectedIndex[] = [];
  const idFields = model.primaryKey?.fields ?? model.fields.filter((field) => field.isId).map((field) => field.name);
  if (idFields.length > 0) {
    const columns = columnsOf(idFields);
    result.push({ kind: "primary key", columns, name: mappedName("id", idFields) ?? defaultIndexName(table, columns, "pkey") });
  }
  const uniques = [
    ...model.fields.filter((field) => field.isUnique).map((field) => [field.name]),
    ...model.uniqueIndexes.map((index) => index.fields),
  ];
  for (const fieldNames of uniques) {
    const columns = columnsOf(fieldNames);
    result.push({ kind: "unique index", columns, name: mappedName("unique", fieldNames) ?? defaultIndexName(table, columns, "key") });
  }
  for (const index of snapshot.indexes.filter((candidate) => candidate.model === model.name && candidate.type === "normal")) {
    const columns = columnsOf(index.fields.map((field) => field.name));
    result.push({ kind: "index", columns, name: index.dbName ?? defaultIndexName(table, columns, "idx") });
  }
  return result;
}

/** Every difference between the Prisma data model and the database, as readable lines; empty when they agree. */
export function findSchemaDrift(snapshot: SchemaSnapshot, database: DatabaseSchema): string[] {
  const problems: string[] = [];
  const modelTables = new Set(snapshot.models.map(tableOf));

  for (const model of snapshot.models) {
    const table = tableOf(model);
    const columns = database.tables[table];
    if (!columns) {
      problems.push(`table "${table}" (model ${model.name}) is missing`);
      continue;
    }

    const expectedColumns = new Set<string>();
    for (const field of model.fields) {
      if (field.kind === "object") continue;
      const column = columnOf(field);
      expectedColumns.add(column);
      const actual = columns[column];
      const where = `column "${table}"."${column}" (${model.name}.${field.name})`;
      if (!actual) {
        problems.push(`${where} is missing`);
        continue;
      }
      // Prisma leaves scalar list columns nullable whatever the schema says.
      if (!field.isList && actual.nullable === field.isRequired) {
        problems.push(
          `${where} is ${actual.nullable ? "nullable" : "NOT NULL"} but the schema says ${field.isRequired ? "required" : "optional"}`,
        );
      }
      if (field.kind !== "unsupported") {
        const expected = expectedType(field, snapshot);
        if (!expected.udtName) problems.push(`${where} has a type this check does not know: ${field.type} ${field.nativeType?.[0] ?? ""}`);
        else if (expected.udtName !== actual.udtName) problems.push(`${where} has type ${actual.udtName}, expected ${expected.udtName}`);
        else if (expected.precision !== null && expected.precision !== actual.datetimePrecision) {
          problems.push(`${where} has precision ${actual.datetimePrecision}, expected ${expected.precision}`);
        } else if (expected.maxLength !== null && expected.maxLength !== actual.maxLength) {
          problems.push(`${where} has length ${actual.maxLength}, expected ${expected.maxLength}`);
        }
      }
      const wantsDefault = expectsDatabaseDefault(field);
      if (wantsDefault !== actual.hasDefault)
        problems.push(`${where} ${actual.hasDefault ? "has a database default the schema does not declare" : "has no database default"}`);
    }
    for (const column of Object.keys(columns)) {
      if (!expectedColumns.has(column)) problems.push(`column "${table}"."${column}" is not in model ${model.name}`);
    }

    const tableIndexes = database.indexes.filter((index) => index.table === table);
    const matched = new Set<string>();
    for (const expected of expectedIndexes(model, snapshot)) {
      const found = tableIndexes.find(
        (index) =>
          sameList(index.columns, expected.columns) &&
          (expected.kind === "primary key"
            ? index.primary
            : expected.kind === "unique index"
              ? index.unique && !index.primary
              : !index.unique),
      );
      if (!found) {
        problems.push(`${expected.kind} on "${table}"${show(expected.columns)} is missing`);
        continue;
      }
      matched.add(found.name);
      if (expected.name && found.name !== expected.name)
        problems.push(`${expected.kind} on "${table}"${show(expected.columns)} is named "${found.name}", expected "${expected.name}"`);
    }
    for (const index of tableIndexes) {
      if (!matched.has(index.name)) problems.push(`index "${index.name}" on "${table}"${show(index.columns)} is not in the schema`);
    }

    const tableForeignKeys = database.foreignKeys.filter((foreignKey) => foreignKey.table === table);
    const matchedKeys = new Set<string>();
    for (const field of model.fields) {
      if (field.kind !== "object" || !field.relationFromFields?.length) continue;
      const target = snapshot.models.find((candidate) => candidate.name === field.type);
      if (!target) continue;
      const columnsFrom = field.relationFromFields.map((name) => columnNamed(model, name));
      const columnsTo = (field.relationToFields ?? []).map((name) => columnNamed(target, name));
      // Prisma's defaults when the relation does not say.
      const required = field.relationFromFields.every((name) => model.fields.find((candidate) => candidate.name === name)?.isRequired);
      const onDelete = field.relationOnDelete ?? (required ? "Restrict" : "SetNull");
      const onUpdate = field.relationOnUpdate ?? "Cascade";
      const where = `foreign key "${table}"${show(columnsFrom)} -> "${tableOf(target)}"${show(columnsTo)}`;
      const found = tableForeignKeys.find(
        (foreignKey) =>
          sameList(foreignKey.columns, columnsFrom) &&
          foreignKey.referencedTable === tableOf(target) &&
          sameList(foreignKey.referencedColumns, columnsTo),
      );
      if (!found) {
        problems.push(`${where} is missing`);
        continue;
      }
      matchedKeys.add(found.name);
      if (found.onDelete !== onDelete || found.onUpdate !== onUpdate) {
        problems.push(
          `${where} is ON DELETE ${found.onDelete} ON UPDATE ${found.onUpdate}, expected ON DELETE ${onDelete} ON UPDATE ${onUpdate}`,
        );
      }
    }
    for (const foreignKey of tableForeignKeys) {
      if (!matchedKeys.has(foreignKey.name)) problems.push(`foreign key "${foreignKey.name}" on "${table}" is not in the schema`);
    }
  }

  for (const table of Object.keys(database.tables)) {
    if (!modelTables.has(table)) problems.push(`table "${table}" is not in the schema`);
  }

  const enumTypes = new Set<string>();
  for (const entry of snapshot.enums) {
    const type = entry.dbName ?? entry.name;
    enumTypes.add(type);
    const actual = database.enums[type];
    if (!actual) {
      problems.push(`enum type "${type}" is missing`);
      continue;
    }
    const expected = entry.values.map((value) => value.dbName ?? value.name);
    const missing = expected.filter((value) => !actual.includes(value));
    const extra = actual.filter((value) => !expected.includes(value));
    if (missing.length > 0) problems.push(`enum type "${type}" lacks values ${missing.join(", ")}`);
    if (extra.length > 0) problems.push(`enum type "${type}" has values not in the schema: ${extra.join(", ")}`);
  }
  for (const type of Object.keys(database.enums)) {
    if (!enumTypes.has(type)) problems.push(`enum type "${type}" is not in the schema`);
  }

  return problems;
}
