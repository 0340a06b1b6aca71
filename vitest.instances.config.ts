import { configDefaults, defineConfig } from "vitest/config";
import base from "./vitest.config.ts";

// `npm run test:instances`: real `next start` servers against one Postgres (test/instances/).
// Same aliases as the main config, but no per-file database: the stack brings its own.
export default defineConfig({
  ...base,
  test: {
    ...base.test,
    // One project of its own, not the main config's split of the Vitest files.
    projects: undefined,
    include: ["test/instances/**/*.test.ts"],
    exclude: configDefaults.exclude,
    globalSetup: ["test/instances/build.ts"],
    setupFiles: [],
    fileParallelism: false,
    testTimeout: 60_000,
    // Starting Postgres and two production servers on a 2-core machine.
    hookTimeout: 180_000,
    teardownTimeout: 60_000,
  },
});
