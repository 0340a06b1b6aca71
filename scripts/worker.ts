// `npm run worker`: the background job workers (lib/jobs) as their own process, for operators who
// run the app servers with JOB_WORKERS=off. Any number may run, beside in-process workers or not.
import { disconnectDb } from "@/lib/db";
import { ConfigError } from "@/lib/env";
import { startJobRunner } from "@/lib/jobs/runner";

try {
  const runner = await startJobRunner();
  console.log("▸ Job workers running");
  let stopping = false;
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      // Jobs in progress finish first (pg-boss waits up to its timeout), then the process exits.
      void runner
        .stop()
        .then(disconnectDb)
        .finally(() => process.exit(0));
    });
  }
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
}
