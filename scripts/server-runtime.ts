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

/** How `npm start`, `npm run dev` and the test and benchmark stacks start the app's server process (server/main.ts). */
export function serverCommand(): { command: string; args: string[] } {
  return { command: process.execPath, args: ["--import", "tsx/esm", "--import", "./scripts/server-only-hook.mjs", "server/main.ts"] };
}
