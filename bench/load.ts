// `npm run bench:load`: 200 users at once, each doing send → verify → protected change (create an
// API token) over HTTP against one production `next start`, the way the code modal drives the
// server actions. Loopback only, bounded in time. Also used by `npm run bench` (bench/suite.ts),
// which samples the server's memory meanwhile.
import { pathToFileURL } from "node:url";
import type { CreatedApiToken } from "@/lib/api-tokens/create";
import { AppClient, ServerActions, waitForCode } from "@/test/fixtures/app-client";
import { ensureProductionBuild, PROD_DIST_DIR, sampleRss, startProdStack, type ProdStack } from "@/test/fixtures/prod-stack";
import { percentile } from "./support";

export type LoadReport = {
  users: number;
  mode: string;
  errors: number;
  errorSamples: string[];
  poolExhaustionErrors: number;
  tokensOnOwnAccountExactlyOnce: number;
  crossUserMixUps: number;
  perUserFlowMs: { p50: number; p95: number; max: number };
  totalMs: number;
  ok: boolean;
};

const PASSWORD = "load-test-password-1";
const SIGN_IN_CONCURRENCY = 8;
const round = (value: number) => Math.round(value * 10) / 10;

type LoadUser = { index: number; email: string; id: string; client: AppClient };

/** Users created in the stack's database and signed in over HTTP (not timed). */
async function signedInUsers(stack: ProdStack, url: string, count: number, tag: string): Promise<LoadUser[]> {
  const { db } = await import("@/lib/db");
  const { hashPassword } = await import("@/lib/auth/password");
  const passwordHash = await hashPassword(PASSWORD);
  const actions = ServerActions.fromBuild(PROD_DIST_DIR);
  const users: LoadUser[] = [];
  for (let index = 0; index < count; index++) {
    const email = `${tag}-${index}@example.test`;
    const { id } = await db.user.create({ data: { email, passwordHash, emailVerifiedAt: new Date() }, select: { id: true } });
    // Each user its own address, as real users would be: the per-IP sign-in limit is 30 per 15 minutes.
    const ip = `198.18.${Math.floor(index / 250)}.${(index % 250) + 1}`;
    users.push({ index, email, id, client: new AppClient({ appUrl: stack.appUrl, actions, ip, requestTimeoutMs: 120_000 }) });
  }
  for (let start = 0; start < users.length; start += SIGN_IN_CONCURRENCY) {
    await Promise.all(
      users.slice(start, start + SIGN_IN_CONCURRENCY).map(async (user) => {
        const reply = await user.client.signIn(url, user.email, PASSWORD);
        if (!reply.redirect) throw new Error(`sign-in failed for ${user.email}: ${JSON.stringify(reply.state)}`);
      }),
    );
  }
  return users;
}

export type PreparedLoad = { url: string; tag: string; users: LoadUser[] };

/** Setup, not part of the load: the users, each signed in over HTTP from its own address. */
export async function prepareLoad(stack: ProdStack, options: { users?: number; tag?: string } = {}): Promise<PreparedLoad> {
  const [url] = stack.urls;
  if (!url) throw new Error("no instance");
  const tag = options.tag ?? "load";
  return { url, tag, users: await signedInUsers(stack, url, options.users ?? 200, tag) };
}

/** All users at once: send → verify → protected change, against the first instance. */
export async function runLoad(stack: ProdStack, { url, tag, users }: PreparedLoad, options: { timeoutMs?: number } = {}): Promise<LoadReport> {
  const { db } = await import("@/lib/db");
  const errors: string[] = [];
  const flowMs: number[] = [];
  const created = new Map<string, string>(); // token name → the account the server said it created it for
  const started = performance.now();
  const flows = users.map(async ({ index, email, id, client }) => {
    const input = { name: `${tag}-token-${index}`, scopes: ["profile:read"], expiry: "30", expiresOn: "" };
    const flowStarted = performance.now();
    try {
      const sentBefore = stack.resend.delivered.length;
      const { state } = await client.withStepUp<CreatedApiToken>(url, "createApiTokenAction", input, () =>
        waitForCode(stack.resend, email, { after: sentBefore, timeoutMs: 120_000 }),
      );
      if (!state.ok || !state.data) throw new Error(`${state.code ?? "no code"}: ${state.message ?? "no message"}`);
      created.set(state.data.apiToken.name, id);
      flowMs.push(performance.now() - flowStarted);
    } catch (error) {
      errors.push(error instanceof Error ? error.message : String(error));
    }
  });
  const timeoutMs = options.timeoutMs ?? 180_000;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = await Promise.race([
    Promise.all(flows).then(() => false),
    new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(true), timeoutMs);
    }),
  ]);
  clearTimeout(timer);
  if (timedOut) errors.push(`timed out after ${timeoutMs} ms`);
  const totalMs = performance.now() - started;

  // Each user's token must be on their own account, exactly once.
  const tokens = await db.apiToken.findMany({ where: { name: { startsWith: `${tag}-token-` } }, select: { name: true, userId: true } });
  let exactlyOnce = 0;
  let mixUps = 0;
  for (const { index, id } of users) {
    const mine = tokens.filter((token) => token.name === `${tag}-token-${index}`);
    if (mine.length === 1 && mine[0]?.userId === id && created.get(`${tag}-token-${index}`) === id) exactlyOnce += 1;
    if (mine.some((token) => token.userId !== id) || mine.length > 1) mixUps += 1;
  }

  const poolExhaustionErrors = errors.filter((message) => /pool|timed out fetching|too many clients|connection|unable to start a transaction|UNAVAILABLE/i.test(message)).length;
  return {
    users: users.length,
    mode: "HTTP against next start: createApiTokenAction → step_up_required → code from the (fake) Resend → verifyStepUpAction → createApiTokenAction replayed",
    errors: errors.length,
    errorSamples: [...new Set(errors)].slice(0, 5),
    poolExhaustionErrors,
    tokensOnOwnAccountExactlyOnce: exactlyOnce,
    crossUserMixUps: mixUps,
    perUserFlowMs: { p50: round(percentile(flowMs, 0.5)), p95: round(percentile(flowMs, 0.95)), max: round(percentile(flowMs, 1)) },
    totalMs: round(totalMs),
    ok: errors.length === 0 && exactlyOnce === users.length && mixUps === 0,
  };
}

async function main() {
  ensureProductionBuild();
  const stack = await startProdStack({ instances: 1, basePort: Number(process.env.BENCH_PORT ?? 3200), name: "load" });
  try {
    const prepared = await prepareLoad(stack);
    const sampler = sampleRss(stack.pids);
    const report = await runLoad(stack, prepared);
    const rss = sampler.stop();
    console.log(JSON.stringify({ ...report, peakServerRssMb: round(rss.peakBytes / 1024 / 1024) }, null, 2));
    if (!report.ok) process.exitCode = 1;
  } finally {
    const { disconnectDb } = await import("@/lib/db");
    await disconnectDb();
    await stack.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
