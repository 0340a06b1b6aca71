// A Prisma generator that writes the schema's data model (tables, columns, nullability, unique
// indexes, enums) to JSON for the drift test; the generated client's runtime model omits those facts.
// It speaks Prisma's generator protocol directly: JSON-RPC requests arrive as lines on stdin,
// answers go to stderr (stdout belongs to the user's terminal).
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import readline from "node:readline";

const MODEL_KEYS = ["name", "dbName", "schema", "primaryKey", "uniqueFields", "uniqueIndexes"];
const FIELD_KEYS = [
  "name",
  "kind",
  "type",
  "nativeType",
  "isList",
  "isRequired",
  "isUnique",
  "isId",
  "isReadOnly",
  "isUpdatedAt",
  "hasDefaultValue",
  "default",
  "relationName",
  "relationFromFields",
  "relationToFields",
  "relationOnDelete",
  "relationOnUpdate",
];

function pick(source, keys) {
  return Object.fromEntries(keys.filter((key) => source[key] !== undefined).map((key) => [key, source[key]]));
}

// Lets the drift test notice a snapshot older than the schema file it should describe.
function schemaFileSha256(schemaPath) {
  if (!schemaPath || !statSync(schemaPath, { throwIfNoEntry: false })?.isFile()) return null;
  return createHash("sha256").update(readFileSync(schemaPath)).digest("hex");
}

function snapshotOf(datamodel, schemaPath) {
  return {
    schemaSha256: schemaFileSha256(schemaPath),
    models: datamodel.models.map((model) => ({
      ...pick(model, MODEL_KEYS),
      fields: model.fields.map((field) => ({ ...pick(field, FIELD_KEYS), dbName: field.dbName ?? null })),
    })),
    enums: datamodel.enums.map((entry) => ({
      name: entry.name,
      dbName: entry.dbName ?? null,
      values: entry.values.map((value) => ({ name: value.name, dbName: value.dbName ?? null })),
    })),
    indexes: (datamodel.indexes ?? []).map((index) => ({
      ...pick(index, ["model", "type", "isDefinedOnField", "name", "fields"]),
      dbName: index.dbName ?? null,
    })),
  };
}

function handle(request) {
  switch (request.method) {
    case "getManifest":
      return { manifest: { prettyName: "Schema snapshot", defaultOutput: "../generated/schema-snapshot.json", requiresEngines: [] } };
    case "generate": {
      const output = request.params.generator.output?.value;
      if (!output) throw new Error("schemaSnapshot generator needs an `output` file path");
      mkdirSync(path.dirname(output), { recursive: true });
      writeFileSync(output, JSON.stringify(snapshotOf(request.params.dmmf.datamodel, request.params.schemaPath), null, 2) + "\n");
      return null;
    }
    default:
      throw new Error(`Unknown generator method ${request.method}`);
  }
}

function reply(message) {
  process.stderr.write(JSON.stringify({ jsonrpc: "2.0", ...message }) + "\n");
}

if (process.env.PRISMA_GENERATOR_INVOCATION) {
  readline.createInterface({ input: process.stdin, crlfDelay: Infinity }).on("line", (line) => {
    if (!line.trim()) return;
    const request = JSON.parse(line);
    try {
      reply({ id: request.id, result: handle(request) });
    } catch (error) {
      reply({ id: request.id, error: { code: -32000, message: error instanceof Error ? error.message : String(error), data: null } });
    }
  });
}
