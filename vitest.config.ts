import path from "node:path";
import { fileURLToPath } from "node:url";
import { configDefaults, defineConfig } from "vitest/config";

const root = path.dirname(fileURLToPath(import.meta.url));

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
    include: ["test/**/*.test.ts"],
    // Run by vitest.instances.config.ts (`npm run test:instances`) against production servers.
    exclude: [...configDefaults.exclude, "test/instances/**"],
    globalSetup: ["test/setup/global.ts"],
    setupFiles: ["test/setup/per-file.ts", "test/setup/next-request.ts"],
    pool: "forks",
    testTimeout: 30_000,
    hookTimeout: 60_000,
    teardownTimeout: 30_000,
  },
});
