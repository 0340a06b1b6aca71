import { createIsolatedDatabase, TEMPLATE_DATABASE } from "@/test/helpers/db";

// Runs before each test file's own imports, so lib/env.ts sees these on first use.
const database = await createIsolatedDatabase({ template: TEMPLATE_DATABASE });

Object.assign(process.env, {
  DATABASE_URL: database.url,
  AUTH_SECRET: "test-auth-secret-0123456789-abcdefghijklmnop",
  TOTP_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString("base64"),
  NODE_ENV: "test",
});
