// Memory settings for the production server process, used by `npm start` and by the production
// stack that `npm run bench` measures (test/fixtures/prod-stack.ts). An operator's own
// NODE_OPTIONS heap size or MALLOC_MMAP_THRESHOLD_ wins.
export const SERVER_MAX_OLD_SPACE_MB = 160;
// glibc's default threshold slides up to 32 MiB after the first large free, so argon2id's 19 MiB
// buffers (one per concurrent sign-in) then come from the heap arenas and stay resident; a fixed
// threshold keeps them mmapped and returns them to the OS when the hash is done.
const MMAP_THRESHOLD_BYTES = "131072";

export function serverRuntimeEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const nodeOptions = env.NODE_OPTIONS?.trim() ?? "";
  return {
    ...env,
    // Without a limit V8 lets the heap grow to ~400 MB under a burst of requests although what is
    // live stays far below this (measured by `npm run bench`; README "Performance").
    NODE_OPTIONS: /--max-old-space-size/.test(nodeOptions) ? nodeOptions : `${nodeOptions} --max-old-space-size=${SERVER_MAX_OLD_SPACE_MB}`.trim(),
    MALLOC_MMAP_THRESHOLD_: env.MALLOC_MMAP_THRESHOLD_ ?? MMAP_THRESHOLD_BYTES,
  };
}
