/**
 * Runs once per server process. Starts the background job workers (lib/jobs) unless they run as
 * their own process (`JOB_WORKERS=off` and `npm run worker`); pg-boss hands each job to one worker
 * across every instance.
 */
export async function register() {
  // Next.js's own marker; the workers need Node APIs and never run in the edge runtime.
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { getEnv } = await import("@/lib/env");
  if (getEnv().JOB_WORKERS !== "in-process") return;
  const { startJobRunner } = await import("@/lib/jobs/runner");
  await startJobRunner();
}
