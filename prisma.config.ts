import { defineConfig } from "prisma/config";

// The CLI is used only for `prisma generate`, which needs no database URL.
// Migrations are applied by scripts/migrate.ts (see docs/database.md).
export default defineConfig({
  schema: "prisma/schema.prisma",
});
