import { randomBytes } from "node:crypto";
import { Client } from "pg";
import { inject } from "vitest";

export const TEMPLATE_DATABASE = "app_template";

/** URL of `database` on the test cluster (default: the `postgres` maintenance database). */
function adminUrl(database = "postgres"): string {
  const url = new URL(inject("testPostgresUrl"));
  url.pathname = `/${database}`;
  return url.toString();
}

/** The migrated database this test file got from the template (set by test/setup/per-file.ts). */
export function testDatabaseUrl(): string {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error("DATABASE_URL is not set: is test/setup/per-file.ts in vitest setupFiles?");
  return url;
}

export type IsolatedDatabase = { name: string; url: string; drop: () => Promise<void> };

/** A new database on the test cluster: empty by default, or a copy of `template`. */
export async function createIsolatedDatabase(options: { template?: string } = {}): Promise<IsolatedDatabase> {
  const name = `test_${randomBytes(6).toString("hex")}`;
  await withClient(adminUrl(), (client) =>
    client.query(`CREATE DATABASE "${name}"${options.template ? ` TEMPLATE "${options.template}"` : ""}`),
  );
  return {
    name,
    url: adminUrl(name),
    drop: () => withClient(adminUrl(), (client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => {}),
  };
}

export async function withClient<T>(url: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
