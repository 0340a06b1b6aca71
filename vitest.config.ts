import path from "node:path";
import { fileURLToPath } from "node:url";
import { configDefaults, defineConfig } from "vitest/config";

const root = path.dirname(fileURLToPath(import.meta.url));

// Readers of the audit feed only see events behind every transaction still running on the whole
// Postgres server (pg_snapshot_xmin), so other files' transactions — several hold one open on
// purpose — would stall them for seconds. They run after everything else, one file at a time.
const FEED_READERS = ["test/integration/audit-feed.test.ts", "test/integration/audit-stream*.test.ts"];

export default defineConfig({
  resolve: {
    alias: [
      { find: /^server-only$/, replacement: path.join(root, "test/setup/empty.ts") },
      { find: /^@\//, replacement: `${root}/` },
    ],
  },
  test: {
    environment: "node",
    // Node alone cannot resolve next-auth's extensionless `next/server` import; through Vite it can.
    server: { deps: { inline: ["next-auth"] } },
    projects: [
      {
        extends: true,
        test: {
          name: "main",
          include: ["test/**/*.test.ts"],
          // test/instances is run by vitest.instances.config.ts (`npm run test:instances`) against production servers.
          exclude: [...configDefaults.exclude, "test/instances/**", ...FEED_READERS],
          sequence: { groupOrder: 0 },
        },
      },
      { extends: true, test: { name: "feed", include: FEED_READERS, fileParallelism: false, sequence: { groupOrder: 1 } } },
    ],
    globalSetup: ["test/setup/global.ts"],
    setupFiles: ["test/setup/per-file.ts", "test/setup/next-request.ts"],
    pool: "forks",
    testTimeout: 30_000,
    hookTimeout: 60_000,
    teardownTimeout: 30_000,
  },
});
