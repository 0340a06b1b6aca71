import path from "node:path";

// Memory settings for the production server process, used by `npm start` and by the production
// stack that `npm run bench` measures (tooling/prod-stack.ts). An operator's own
// NODE_OPTIONS flag or MALLOC_MMAP_THRESHOLD_ wins over each default.
//
// Without them V8 grows its heap lazily to ~400 MB under a burst of requests although what is live
// stays far smaller (measured by `npm run bench`; docs/performance.md); a smaller young generation
// (8 MB semi-spaces instead of 16) trims another ~20 MB at a few percent of throughput.
export const SERVER_NODE_FLAGS = { "--max-old-space-size": "160", "--max-semi-space-size": "8" };
// glibc's default threshold slides up to 32 MiB after the first large free, so argon2id's 19 MiB
// buffers (one per concurrent sign-in) then come from the heap arenas and stay resident; a fixed
// threshold keeps them mmapped and returns them to the OS when the hash is done.
const MMAP_THRESHOLD_BYTES = "131072";

export function serverRuntimeEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const given = env.NODE_OPTIONS?.trim() ?? "";
  const missing = Object.entries(SERVER_NODE_FLAGS).filter(([flag]) => !given.includes(flag));
  return {
    ...env,
    NODE_OPTIONS: [given, ...missing.map(([flag, value]) => `${flag}=${value}`)].filter(Boolean).join(" "),
    MALLOC_MMAP_THRESHOLD_: env.MALLOC_MMAP_THRESHOLD_ ?? MMAP_THRESHOLD_BYTES,
  };
}

/** The production server's bundle in the build's directory (scripts/build-server.ts). */
export const SERVER_BUNDLE = "app-server.mjs";

/**
 * How `npm start`, `npm run dev` and the test and benchmark stacks start the app's server process
 * (server/main.ts): in production the bundle `npm run build` made of it (scripts/build-server.ts),
 * with plain Node; in development the source, through tsx.
 */
export function serverCommand(mode: { production: true; distDir: string } | { production: false }): { command: string; args: string[] } {
  if (mode.production) return { command: process.execPath, args: [path.join(mode.distDir, SERVER_BUNDLE)] };
  return { command: process.execPath, args: ["--import", "tsx/esm", "--import", "./scripts/server-only-hook.mjs", "server/main.ts"] };
}
