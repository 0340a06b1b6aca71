// `prisma generate` needs no native engine (the client runs on bundled WebAssembly), but every
// Prisma 7 CLI command first tries to download the schema-engine binary, which fails offline.
// Where no engine is installed we point PRISMA_SCHEMA_ENGINE_BINARY at a stub that is never run.
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";

const root = path.dirname(path.dirname(new URL(import.meta.url).pathname));
const env = { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: "1", CHECKPOINT_DISABLE: "1" };

const enginesDir = path.join(root, "node_modules", "@prisma", "engines");
const hasRealEngine = existsSync(enginesDir) && readdirSync(enginesDir).some((name) => name.startsWith("schema-engine"));
if (!hasRealEngine && !env.PRISMA_SCHEMA_ENGINE_BINARY) {
  const stubDir = path.join(root, "node_modules", ".cache", "prisma-stub");
  mkdirSync(stubDir, { recursive: true });
  const stub = path.join(stubDir, "schema-engine");
  writeFileSync(stub, "#!/bin/sh\necho 'schema-engine stub: migrations are applied by npm run db:migrate' >&2\nexit 1\n");
  chmodSync(stub, 0o755);
  env.PRISMA_SCHEMA_ENGINE_BINARY = stub;
}

const prisma = path.join(root, "node_modules", ".bin", "prisma");
const result = spawnSync(prisma, ["generate"], { cwd: root, env, stdio: "inherit" });
process.exit(result.status ?? 1);
