// `npm run bench`: one JSON report, all figures measured side by side in the same run against
// one production build (`.next-prod`, what `npm run build` makes; see tooling/prod-stack.ts). The
// baselines are the app's own cheapest routes, so nothing bench-only ships. A script, never a test.
//
// 1. step-up cost over HTTP: createApiTokenAction sent with its emailed code (as the code modal
//    sends it) vs the cheapest authenticated server action (cancelStepUpAction for a challenge
//    that does not exist: the session check and one indexed lookup), and vs the same action in
//    the sudo window that code opened; each as the browser calls it.
// 2. token checking cost: `GET /api/v1/me` with a bearer token vs the static `GET /api/health`,
//    both through the front door and proxy.ts, requests/s with autocannon; and vs the same route
//    refusing a malformed token before any database work (the route without the token check).
// 3. first-load JavaScript (gzip) of /settings/security and /login vs the not-found page (the root
//    layout and a paragraph).
// 4. peak RSS of the production server process tree under the 200-user load of tooling/load.ts
//    (half the users answer with a passkey, and an audit stream destination receives every event).
// 5. the step-up check in-process (bench/step-up-in-process.ts, what `npm run bench:step-up`
//    measures), run first in this process against the server's database while the server is idle.
import { randomUUID } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import vm from "node:vm";
import { gzipSync } from "node:zlib";
import autocannon from "autocannon";
import { AppClient, ServerActions, waitForCode, withProof } from "@/tooling/app-client";
import { prepareLoad, runLoad } from "@/tooling/load";
import { ensureProductionBuild, PROD_DIST_DIR, sampleRss, treeRssBytes, type ProdStack } from "@/tooling/prod-stack";
import { measureStepUpInProcess } from "./step-up-in-process";
import { loadSummary, runScript, summary, timed, withProdServer } from "./support";

const BASE_PORT = Number(process.env.BENCH_PORT ?? 3200);
const STEP_UP_ROUNDS = 40;
const AUTOCANNON_SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const TARGETS = {
  stepUpRatioP50Max: 2,
  tokenCheckRatioMin: 0.8,
  securityPageJsRatioMax: 1.4,
  loginJsRatioMax: 1.3,
  peakRssMbMax: 230,
};
// BENCH_ONLY=stepUpInProcess,stepUp,token,js,memory runs only those sections (while working on one
// figure); BENCH_NAME, BENCH_PORT and PROD_DIST_DIR keep two runs at once apart.
const SECTIONS = ["stepUpInProcess", "stepUp", "token", "js", "memory"] as const;
const only = new Set((process.env.BENCH_ONLY ?? SECTIONS.join(",")).split(","));
const PASSWORD = "bench-password-1";
// Refused by its checksum before any lookup (lib/api-tokens/format.ts).
const MALFORMED_TOKEN = { authorization: "Bearer asec_malformed" };
// The token section sends thousands of requests a minute from one address with one token: under
// the default limits (600 and 120 a minute) nearly all would be 429s. Every request is still counted.
// The production server inherits this process's environment (tooling/prod-stack.ts).
Object.assign(process.env, { API_RATE_LIMIT_PER_IP: "100000", API_RATE_LIMIT_PER_TOKEN: "100000" });

const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;
const log = (line: string) => console.error(`[bench] ${line}`);

async function stepUpCost(stack: ProdStack, url: string) {
  const { db } = await import("@/lib/db");
  const { hashPassword } = await import("@/lib/auth/password");
  const passwordHash = await hashPassword(PASSWORD);
  const actions = ServerActions.fromBuild(PROD_DIST_DIR);

  const protectedMs: number[] = [];
  const cheapestMs: number[] = [];
  const inSudoMs: number[] = [];
  for (let index = 0; index < STEP_UP_ROUNDS; index++) {
    // A user per round keeps the per-user send limit (5 an hour) out of the measurement.
    const email = `suite-${index}@example.test`;
    await db.user.create({ data: { email, passwordHash, emailVerifiedAt: new Date() } });
    const client = new AppClient({ appUrl: stack.appUrl, actions, ip: `198.18.200.${index + 1}` });
    if (!(await client.signIn(url, email, PASSWORD)).redirect) throw new Error("sign-in failed");
    const input = { name: `suite-${index}`, scopes: ["profile:read"], expiry: "30", expiresOn: "" };
    const sentBefore = stack.resend.delivered.length;
    const asked = await client.action(url, "createApiTokenAction", input);
    if (asked.status !== "step_up_required" || !asked.challenge) throw new Error("no step-up challenge");
    const code = await waitForCode(stack.resend, email, { after: sentBefore });

    await timed(cheapestMs, async () => {
      const state = await client.action(url, "cancelStepUpAction", { challengeId: randomUUID() });
      if (state.code !== "CODE_INVALID") throw new Error(`the cheapest authenticated action answered ${state.code}`);
    });
    // What the code modal does once the user typed the code: the same action again, with the code.
    await timed(protectedMs, async () => {
      if (!(await client.action(url, "createApiTokenAction", withProof(input, asked.challenge!, code))).ok)
        throw new Error("action with code refused");
    });
    // The same change in the sudo window that code opened: everything but checking the code.
    await timed(inSudoMs, async () => {
      if (!(await client.action(url, "createApiTokenAction", { ...input, name: `${input.name}-again` })).ok)
        throw new Error("action in sudo window refused");
    });
  }
  const protectedSummary = summary(protectedMs);
  const cheapestSummary = summary(cheapestMs);
  const inSudoSummary = summary(inSudoMs);
  const ratioP50 = round(protectedSummary.medianMs / cheapestSummary.medianMs);
  return {
    method:
      "HTTP server-action calls against the production server, as the browser makes them (Next-Action header, RSC reply), one signed-in user per round",
    protectedActionWithCode: protectedSummary,
    cheapestAuthenticatedAction: cheapestSummary,
    sameActionInSudoWindow: inSudoSummary,
    ratioP50,
    ratioP95: round(protectedSummary.p95Ms / cheapestSummary.p95Ms),
    checkingTheCodeP50Ms: round(protectedSummary.medianMs - inSudoSummary.medianMs),
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
    data: {
      userId: user.id,
      name: "bench",
      displayPrefix: displayPrefix(token),
      tokenHash: sha256Hex(token),
      scopes: ["profile:read"],
      expiresAt: new Date(Date.now() + 86_400_000),
    },
  });
  return token;
}

async function cannon(url: string, headers: Record<string, string>, connections: number, seconds = AUTOCANNON_SECONDS) {
  const result = await autocannon({ url, headers, connections, duration: seconds });
  return {
    requestsPerSecond: round(result.requests.average, 1),
    statusCodes: Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([status, stats]) => [status, stats.count ?? 0])),
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
  const dist = path.join(process.cwd(), PROD_DIST_DIR);
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
  return {
    route,
    files: files.size,
    rawKb: round(rawBytes / 1024, 1),
    gzipKb: round(gzipBytes / 1024, 1),
    manifest: path.relative(process.cwd(), manifestFile),
  };
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

async function tokenChecking(url: string) {
  const token = await createBearerToken();
  for (const [path, headers] of [
    ["/api/v1/me", { authorization: `Bearer ${token}` }],
    ["/api/health", {}],
    ["/api/v1/me", MALFORMED_TOKEN],
  ] as const) {
    const check = await fetch(`${url}${path}`, { headers });
    if (check.status !== (headers === MALFORMED_TOKEN ? 401 : 200)) throw new Error(`${path} answered ${check.status}`);
    await check.arrayBuffer();
  }
  // Warm-up, then the measured runs.
  await cannon(`${url}/api/v1/me`, { authorization: `Bearer ${token}` }, 10, 2);
  await cannon(`${url}/api/health`, {}, 10, 2);
  await cannon(`${url}/api/v1/me`, MALFORMED_TOKEN, 10, 2);
  const me = await cannon(`${url}/api/v1/me`, { authorization: `Bearer ${token}` }, 10);
  const health = await cannon(`${url}/api/health`, {}, 10);
  const dynamicJson = await cannon(`${url}/api/v1/me`, MALFORMED_TOKEN, 10);
  // A run answered by the rate limits would measure the 429 path twice, not the token check.
  for (const [name, run, status] of [
    ["bearerMe", me, "200"],
    ["dynamicJson", dynamicJson, "401"],
  ] as const) {
    if (Object.keys(run.statusCodes).join() !== status)
      throw new Error(`${name} answered ${JSON.stringify(run.statusCodes)}, not only ${status}`);
  }
  const ratio = round(me.requestsPerSecond / dynamicJson.requestsPerSecond);
  return {
    bearerMe: { path: "/api/v1/me", ...me },
    dynamicJson: {
      path: "/api/v1/me",
      note: "the same route refusing a malformed token by its checksum, before any database work: the dynamic route that checks nothing",
      ...dynamicJson,
    },
    staticJson: { path: "/api/health", note: "static JSON route, also through proxy.ts", ...health },
    ratio,
    toStaticRatio: round(me.requestsPerSecond / health.requestsPerSecond),
    target: `ratio >= ${TARGETS.tokenCheckRatioMin}`,
    met: ratio >= TARGETS.tokenCheckRatioMin,
  };
}

function firstLoadJsReport() {
  const bare = firstLoadJs("/_not-found");
  const security = firstLoadJs("/settings/security");
  const login = firstLoadJs("/login");
  const securityToBareRatio = round(security.gzipKb / bare.gzipKb);
  const loginToBareRatio = round(login.gzipKb / bare.gzipKb);
  return {
    barePage: { ...bare, note: "the not-found page: the root layout and a paragraph" },
    securitySettings: security,
    login,
    securityToBareRatio,
    loginToBareRatio,
    target: `securitySettings <= ${TARGETS.securityPageJsRatioMax}x bare, login <= ${TARGETS.loginJsRatioMax}x bare`,
    met: securityToBareRatio <= TARGETS.securityPageJsRatioMax && loginToBareRatio <= TARGETS.loginJsRatioMax,
  };
}

async function memoryUnderLoad(stack: ProdStack) {
  const prepared = await prepareLoad(stack, { users: 200, tag: "suite-load" });
  const afterSignIns = treeRssBytes(stack.pids[0] ?? 0).totalBytes;
  const sampler = sampleRss(stack.pids, 100);
  const load = await runLoad(stack, prepared);
  const rss = sampler.stop();
  const peakRssMb = round(rss.peakBytes / 1024 / 1024, 1);
  return {
    peakRssMb,
    peakLargestProcessRssMb: round(rss.peakLargestProcessBytes / 1024 / 1024, 1),
    rssBeforeLoadMb: round(afterSignIns / 1024 / 1024, 1),
    note: "sampled from when the 200 users, signed in beforehand (argon2id, 8 at a time) and half of them with a passkey added, start their flows until the last one ends and the audit stream has delivered every event",
    processesInTree: rss.processes,
    samples: rss.samples,
    sampledEveryMs: 100,
    load: loadSummary(load),
    target: `peak RSS <= ${TARGETS.peakRssMbMax} MB`,
    met: peakRssMb <= TARGETS.peakRssMbMax,
  };
}

async function main() {
  const build = ensureProductionBuild(log);
  log(build.built ? `built in ${build.seconds}s` : `reusing the existing ${PROD_DIST_DIR} build`);
  await withProdServer(process.env.BENCH_NAME ?? "suite", BASE_PORT, async (stack) => {
    const [url] = stack.urls;
    if (!url) throw new Error("no instance");
    log(`production server on ${url}`);

    const report: Record<string, unknown> = {
      build: {
        distDir: PROD_DIST_DIR,
        rebuilt: build.built,
        buildSeconds: build.seconds,
        nextStartInstances: stack.urls.length,
        nodeEnv: "production",
      },
    };
    if (only.has("stepUpInProcess")) {
      log("step-up check in-process");
      report.stepUpInProcess = await measureStepUpInProcess({ tag: "suite-in-process" });
    }
    if (only.has("stepUp")) {
      log("step-up cost");
      report.stepUpCost = await stepUpCost(stack, url);
    }
    if (only.has("token")) {
      log("token checking cost");
      report.tokenChecking = await tokenChecking(url);
    }
    if (only.has("js")) {
      log("first-load JS");
      report.firstLoadJs = firstLoadJsReport();
    }
    if (only.has("memory")) {
      log("memory under load (200 users: the change with its code or a passkey, streamed)");
      report.memoryUnderLoad = await memoryUnderLoad(stack);
    }
    console.log(JSON.stringify(report, null, 2));
  });
}

runScript(main);
