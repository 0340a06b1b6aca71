/**
 * Runs once per server process. Starts the retry loop for queued notification emails;
 * every instance runs one, and rows are claimed with SKIP LOCKED so none is sent twice.
 */
export async function register() {
  // Next.js's own marker; the outbox needs Node APIs and never runs in the edge runtime.
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { startOutboxWorker } = await import("@/lib/email/outbox");
  startOutboxWorker();
}
