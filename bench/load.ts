// `npm run bench:load`: 200 users at once, each doing send → verify → protected change over HTTP
// against one production server (tooling/load.ts), with the server's peak RSS.
import { prepareLoad, runLoad } from "@/tooling/load";
import { ensureProductionBuild, sampleRss } from "@/tooling/prod-stack";
import { loadSummary, runScript, withProdServer } from "./support";

const round = (value: number) => Math.round(value * 10) / 10;

async function main() {
  ensureProductionBuild();
  await withProdServer("load", Number(process.env.BENCH_PORT ?? 3200), async (stack) => {
    const prepared = await prepareLoad(stack);
    const sampler = sampleRss(stack.pids);
    const report = await runLoad(stack, prepared);
    const rss = sampler.stop();
    console.log(JSON.stringify({ ...loadSummary(report), peakServerRssMb: round(rss.peakBytes / 1024 / 1024) }, null, 2));
    if (!report.ok) process.exitCode = 1;
  });
}

runScript(main);
