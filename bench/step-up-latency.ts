// `npm run bench:step-up`: the step-up check in-process (bench/step-up-in-process.ts) against a
// throwaway embedded Postgres. `npm run bench` prints the same figures as its `stepUpInProcess`.
import { measureStepUpInProcess } from "./step-up-in-process";
import { runScript, withThrowawayDatabase } from "./support";

async function main() {
  await withThrowawayDatabase("step-up", async () => {
    const { disconnectDb } = await import("@/lib/db");
    const report = await measureStepUpInProcess();
    await disconnectDb();
    console.log(JSON.stringify(report, null, 2));
  });
}

runScript(main);
