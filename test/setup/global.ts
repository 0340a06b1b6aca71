import { randomBytes } from "node:crypto";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { migrate } from "@/lib/db/migrate";
import { TEMPLATE_DATABASE, withClient } from "@/test/helpers/db";
import { startEmbeddedPostgres } from "@/tooling/embedded-postgres";

declare module "vitest" {
  export interface ProvidedContext {
    /** Superuser URL of the throwaway test cluster's `postgres` database. */
    testPostgresUrl: string;
  }
}

/** One real Postgres for the whole run; each test file copies the migrated template database. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dataDir = path.join(process.cwd(), ".data", `test-pg-${randomBytes(4).toString("hex")}`);
  const postgres = await startEmbeddedPostgres({ dataDir, persistent: false });
  try {
    await withClient(postgres.url(), (client) => client.query(`CREATE DATABASE "${TEMPLATE_DATABASE}"`));
    await migrate({ databaseUrl: postgres.url(TEMPLATE_DATABASE) });
  } catch (error) {
    await postgres.stop();
    throw error;
  }
  project.provide("testPostgresUrl", postgres.url());
  return () => postgres.stop();
}
