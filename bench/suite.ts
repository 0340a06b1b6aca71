// `npm run bench`: one JSON report, all figures measured side by side in the same run against
// one production build (`.next-bench`, see bench/prod-stack.ts). A script, never a test.
//
// 1. step-up cost: (verify a code + replay "create API token") vs a no-op authenticated call,
//    measured in-process through the lib functions the server actions call (see stepUpCost).
// 2. token checking cost: `GET /api/v1/me` with a bearer token vs a static file served by the same
//    `next start` (the app has no static JSON route), requests/s with autocannon.
// 3. first-load JavaScript (gzip) of /settings/security and /login vs the bare `/` page.
// 4. peak RSS of the `next start` process tree under load.
import { readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import vm from "node:vm";
import { gzipSync } from "node:zlib";
import autocannon from "autocannon";
import { runLoad } from "./load";
import { BENCH_DIST_DIR, ensureProductionBuild, sampleRss, startProdStack } from "./prod-stack";
import { summary, timed } from "./support";

const BASE_PORT = Number(process.env.BENCH_PORT ?? 3200);
const STEP_UP_ROUNDS = 60;
const AUTOCANNON_SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const TARGETS = { stepUpRatioP50Max: 1.5, tokenCheckRatioMin: 0.6, securityPageJsRatioMax: 1.6, peakRssMbMax: 300 };

const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;
const log = (line: string) => console.error(`[bench] ${line}`);

async function stepUpCost() {
  const { db } = await import("@/lib/db");
  const { createSession, resolveSession } = await import("@/lib/auth/session");
  const { startChallenge } = await import("@/lib/step-up/challenge");
  const { verifyStepUp } = await import("@/lib/step-up/verify");
  const { createApiToken } = await import("@/lib/api-tokens/create");
  const { listMailboxMessages } = await import("@/lib/email/mailbox");

  const protectedMs: number[] = [];
  const noopMs: number[] = [];
  for (let round = 0; round < STEP_UP_ROUNDS; round++) {
    // A user per round keeps the per-user send limit out of the measurement.
    const user = await db.user.create({ data: { email: `suite-${round}@example.test`, passwordHash: "unused", emailVerifiedAt: new Date() } });
    const meta = { ip: "198.18.100.1", userAgent: "bench" };
    const sessionId = await db.$transaction((tx) => createSession(tx, user.id, meta));
    const session = await resolveSession(sessionId);
    if (!session) throw new Error("no session");
    const context = { session, meta };
    const request = { name: `suite-${round}`, scopes: ["profile:read" as const], expiry: "30" as const, expiresOn: "" };
    const challenge = await startChallenge(context, "api_token.create", request);
    const [email] = await listMailboxMessages({ to: user.email });
    const code = /\b(\d{6})\b/.exec(email?.text ?? "")?.[1] ?? "";

    // The no-op action: what every authenticated server action does first, resolve the session.
    await timed(noopMs, async () => {
      if (!(await resolveSession(sessionId))) throw new Error("no session");
    });
    // The stepped-up action: resolve the session, verify the code, replay the protected change.
    await timed(protectedMs, async () => {
      const current = await resolveSession(sessionId);
      if (!current) throw new Error("no session");
      await verifyStepUp({ session: current, meta }, { challengeId: challenge.id, code });
      await createApiToken({ session: current, meta }, request);
    });
  }
  const protectedSummary = summary(protectedMs);
  const noopSummary = summary(noopMs);
  const ratioP50 = round(protectedSummary.medianMs / noopSummary.medianMs);
  return {
    method:
      "in-process through the lib functions the server actions call: resolveSession + verifyStepUp + createApiToken vs resolveSession alone (HTTP server-action calls not driven)",
    verifyAndReplayProtectedAction: protectedSummary,
    noopAuthenticatedAction: noopSummary,
    ratioP50,
    ratioP95: round(protectedSummary.p95Ms / noopSummary.p95Ms),
    target: `ratio p50 <= ${TARGETS.stepUpRatioP50Max}`,
    met: ratioP50 <= TARGETS.stepUpRatioP50Max,
  };
}

async function createBearerToken(): Promise<string> {
  const { db } = await import("@/lib/db");
  const { displayPrefix, generateToken } = await import("@/lib/api-tokens/format");
  const { sha256Hex } = await import("@/lib/crypto");
  const user = await db.user.create({ data: { email: "suite-api@example.test", passwordHash: "unused", emailVerifiedAt: new Date() } });
  const token = generateToken();
  await db.apiToken.create({
    data: { userId: user.id, name: "bench", displayPrefix: displayPrefix(token), tokenHash: sha256Hex(token), scopes: ["profile:read"], expiresAt: new Date(Date.now() + 86_400_000) },
  });
  return token;
}

async function cannon(url: string, headers: Record<string, string>, connections: number, seconds = AUTOCANNON_SECONDS) {
  const result = await autocannon({ url, headers, connections, duration: seconds });
  return {
    requestsPerSecond: round(result.requests.average, 1),
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    connections,
    seconds,
  };
}

/** The JS files a route loads on first visit, from the build's manifests: the shared root files plus the route's entry files. */
function firstLoadJs(route: string) {
  const dist = path.join(process.cwd(), BENCH_DIST_DIR);
  const buildManifest = JSON.parse(readFileSync(path.join(dist, "build-manifest.json"), "utf8")) as { rootMainFiles?: string[] };
  const pageDir = route === "/" ? "" : route;
  const manifestFile = findClientManifest(path.join(dist, "server", "app"), pageDir);
  const sandbox: { globalThis?: unknown; __RSC_MANIFEST?: Record<string, { entryJSFiles?: Record<string, string[]> }> } = {};
  sandbox.globalThis = sandbox;
  vm.runInNewContext(readFileSync(manifestFile, "utf8"), sandbox);
  const manifest = Object.values(sandbox.__RSC_MANIFEST ?? {})[0];
  const files = new Set<string>(buildManifest.rootMainFiles ?? []);
  for (const list of Object.values(manifest?.entryJSFiles ?? {})) for (const file of list) if (file.endsWith(".js")) files.add(file);
  let gzipBytes = 0;
  let rawBytes = 0;
  for (const file of files) {
    const content = readFileSync(path.join(dist, file.replace(/^\/?_next\//, "")));
    rawBytes += content.length;
    gzipBytes += gzipSync(content, { level: 9 }).length;
  }
  return { route, files: files.size, rawKb: round(rawBytes / 1024, 1), gzipKb: round(gzipBytes / 1024, 1), manifest: path.relative(process.cwd(), manifestFile) };
}

// The page's client reference manifest; route groups like (auth) are folders in the build too.
function findClientManifest(appDir: string, pageDir: string): string {
  const want = pageDir.split("/").filter(Boolean);
  const search = (dir: string, rest: string[]): string | undefined => {
    if (rest.length === 0) {
      const file = path.join(dir, "page_client-reference-manifest.js");
      try {
        if (statSync(file).isFile()) return file;
      } catch {
        // not here
      }
    }
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      if (rest.length && entry.name === rest[0]) {
        const found = search(path.join(dir, entry.name), rest.slice(1));
        if (found) return found;
      } else if (/^\(.*\)$/.test(entry.name)) {
        const found = search(path.join(dir, entry.name), rest);
        if (found) return found;
      }
    }
    return undefined;
  };
  const found = search(appDir, want);
  if (!found) throw new Error(`no client reference manifest for /${pageDir}`);
  return found;
}

function smallestStaticChunk(): string {
  const dir = path.join(process.cwd(), BENCH_DIST_DIR, "static", "chunks");
  const files = readdirSync(dir).filter((file) => file.endsWith(".js")).map((file) => ({ file, size: statSync(path.join(dir, file)).size }));
  files.sort((a, b) => a.size - b.size);
  const median = files[Math.floor(files.length / 2)];
  if (!median) throw new Error("no static chunks in the build");
  return `/_next/static/chunks/${median.file}`;
}

async function main() {
  const build = ensureProductionBuild(log);
  log(build.built ? `built in ${build.seconds}s` : "reusing the existing .next-bench build");
  const stack = await startProdStack({ instances: 1, basePort: BASE_PORT, name: "suite" });
  try {
    const [url] = stack.urls;
    if (!url) throw new Error("no instance");
    log(`next start on ${url}`);

    log("1/4 step-up cost");
    const stepUp = await stepUpCost();

    log("2/4 token checking cost");
    const token = await createBearerToken();
    const check = await fetch(`${url}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } });
    if (check.status !== 200) throw new Error(`/api/v1/me answered ${check.status}`);
    await check.arrayBuffer();
    const staticPath = smallestStaticChunk();
    const staticSize = (await (await fetch(`${url}${staticPath}`)).arrayBuffer()).byteLength;
    // Warm-up, then the measured runs.
    await cannon(`${url}/api/v1/me`, { authorization: `Bearer ${token}` }, 10, 2);
    await cannon(`${url}${staticPath}`, {}, 10, 2);
    const me = await cannon(`${url}/api/v1/me`, { authorization: `Bearer ${token}` }, 10);
    const staticRun = await cannon(`${url}${staticPath}`, {}, 10);
    const tokenRatio = round(me.requestsPerSecond / staticRun.requestsPerSecond);

    log("3/4 first-load JS");
    const bare = firstLoadJs("/");
    const security = firstLoadJs("/settings/security");
    const login = firstLoadJs("/login");
    const securityRatio = round(security.gzipKb / bare.gzipKb);

    log("4/4 memory under load");
    const sampler = sampleRss(stack.pids, 100);
    const [httpLoad, flowLoad] = await Promise.all([
      cannon(`${url}/api/v1/me`, { authorization: `Bearer ${token}` }, 200, AUTOCANNON_SECONDS),
      runLoad({ users: 200, tag: "suite-load" }),
    ]);
    const rss = sampler.stop();
    const peakRssMb = round(rss.peakBytes / 1024 / 1024, 1);

    const report = {
      build: { distDir: BENCH_DIST_DIR, rebuilt: build.built, buildSeconds: build.seconds, nextStartInstances: stack.urls.length, nodeEnv: "production" },
      stepUpCost: stepUp,
      tokenChecking: {
        bearerMe: { path: "/api/v1/me", ...me },
        staticBaseline: { path: staticPath, bytes: staticSize, note: "no static JSON route exists; a mid-sized static JS chunk served by the same next start", ...staticRun },
        ratio: tokenRatio,
        target: `ratio >= ${TARGETS.tokenCheckRatioMin}`,
        met: tokenRatio >= TARGETS.tokenCheckRatioMin,
      },
      firstLoadJs: {
        barePage: { ...bare, note: "the app's `/` page (the bare baseline)" },
        securitySettings: security,
        login,
        securityToBareRatio: securityRatio,
        loginToBareRatio: round(login.gzipKb / bare.gzipKb),
        target: `securitySettings <= ${TARGETS.securityPageJsRatioMax}x bare`,
        met: securityRatio <= TARGETS.securityPageJsRatioMax,
      },
      memoryUnderLoad: {
        peakRssMb,
        peakLargestProcessRssMb: round(rss.peakLargestProcessBytes / 1024 / 1024, 1),
        processesInTree: rss.processes,
        samples: rss.samples,
        sampledEveryMs: 100,
        load: {
          http: { description: "200 concurrent connections on GET /api/v1/me (bearer) against next start", ...httpLoad },
          stepUpFlows: flowLoad,
        },
        note: "peakRssMb is the whole next start process tree (launcher + server processes); the 200 send→verify→change flows run in-process against the same Postgres, so they load the database, not the server's memory",
        target: `peak RSS <= ${TARGETS.peakRssMbMax} MB`,
        met: peakRssMb <= TARGETS.peakRssMbMax,
      },
    };
    console.log(JSON.stringify(report, null, 2));
  } finally {
    const { disconnectDb } = await import("@/lib/db");
    await disconnectDb();
    await stack.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
