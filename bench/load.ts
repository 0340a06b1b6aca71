// `npm run bench:load`: 200 users at once, each doing send → verify → protected change
// (create an API token), against a throwaway Postgres. Loopback only, bounded in time.
//
// The flows run in-process through the same lib functions the server actions call
// (startChallenge → code read from the dev mailbox → verifyStepUp → createApiToken), with this
// process's own connection pool (10 connections, as in a `next start` instance). Driving the
// server actions over HTTP needs their build-specific action ids and a signed-in browser session;
// that is not done here. Also used by `npm run bench` (bench/suite.ts) to load the database while
// the production servers' memory is sampled.
import { pathToFileURL } from "node:url";
import { percentile, withThrowawayDatabase } from "./support";

export type LoadReport = {
  users: number;
  mode: "in-process lib calls (startChallenge → dev mailbox → verifyStepUp → createApiToken)";
  errors: number;
  errorSamples: string[];
  poolExhaustionErrors: number;
  tokensOnOwnAccountExactlyOnce: number;
  crossUserMixUps: number;
  perUserFlowMs: { p50: number; p95: number; max: number };
  totalMs: number;
  ok: boolean;
};

const round = (value: number) => Math.round(value * 10) / 10;

/** Runs the load against whatever database DATABASE_URL points at (already migrated). */
export async function runLoad(options: { users?: number; timeoutMs?: number; tag?: string } = {}): Promise<LoadReport> {
  const users = options.users ?? 200;
  const tag = options.tag ?? "load";
  const { db } = await import("@/lib/db");
  const { createSession, resolveSession } = await import("@/lib/auth/session");
  const { startChallenge } = await import("@/lib/step-up/challenge");
  const { verifyStepUp } = await import("@/lib/step-up/verify");
  const { createApiToken } = await import("@/lib/api-tokens/create");
  const { listMailboxMessages } = await import("@/lib/email/mailbox");

  // Setup (not timed): one user and one session each, with a distinct client IP.
  const contexts = [];
  for (let index = 0; index < users; index++) {
    const user = await db.user.create({ data: { email: `${tag}-${index}@example.test`, passwordHash: "unused", emailVerifiedAt: new Date() } });
    const meta = { ip: `198.18.${Math.floor(index / 250)}.${(index % 250) + 1}`, userAgent: "bench-load" };
    const sessionId = await db.$transaction((tx) => createSession(tx, user.id, meta));
    const session = await resolveSession(sessionId);
    if (!session) throw new Error("no session");
    contexts.push({ index, session, meta });
  }

  const errors: string[] = [];
  const flowMs: number[] = [];
  const created = new Map<string, string>(); // token name → user id that created it
  const started = performance.now();
  const flows = contexts.map(async ({ index, session, meta }) => {
    const context = { session, meta };
    const request = { name: `${tag}-token-${index}`, scopes: ["profile:read" as const], expiry: "30" as const, expiresOn: "" };
    const flowStarted = performance.now();
    try {
      const challenge = await startChallenge(context, "api_token.create", request);
      const [email] = await listMailboxMessages({ to: session.user.email });
      const code = /\b(\d{6})\b/.exec(email?.text ?? "")?.[1];
      if (!code) throw new Error("no code in the mailbox");
      await verifyStepUp(context, { challengeId: challenge.id, code });
      const result = await createApiToken(context, request);
      created.set(result.apiToken.name, session.user.id);
      flowMs.push(performance.now() - flowStarted);
    } catch (error) {
      errors.push(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
    }
  });
  const timeoutMs = options.timeoutMs ?? 120_000;
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
  let exactlyOnce = 0;
  let mixUps = 0;
  const tokens = await db.apiToken.findMany({ where: { name: { startsWith: `${tag}-token-` } }, select: { name: true, userId: true, user: { select: { email: true } } } });
  for (const { index, session } of contexts) {
    const name = `${tag}-token-${index}`;
    const mine = tokens.filter((token) => token.name === name);
    if (mine.length === 1 && mine[0]!.userId === session.user.id && created.get(name) === session.user.id) exactlyOnce += 1;
    if (mine.some((token) => token.userId !== session.user.id || token.user.email !== session.user.email)) mixUps += 1;
  }
  const ownTokenCounts = await db.apiToken.groupBy({ by: ["userId"], where: { name: { startsWith: `${tag}-token-` } }, _count: true });
  mixUps += ownTokenCounts.filter((row) => row._count !== 1).length;

  const poolExhaustionErrors = errors.filter((message) => /pool|timed out fetching|too many clients|connection|unable to start a transaction/i.test(message)).length;
  return {
    users,
    mode: "in-process lib calls (startChallenge → dev mailbox → verifyStepUp → createApiToken)",
    errors: errors.length,
    errorSamples: [...new Set(errors)].slice(0, 5),
    poolExhaustionErrors,
    tokensOnOwnAccountExactlyOnce: exactlyOnce,
    crossUserMixUps: mixUps,
    perUserFlowMs: { p50: round(percentile(flowMs, 0.5)), p95: round(percentile(flowMs, 0.95)), max: round(percentile(flowMs, 1)) },
    totalMs: round(totalMs),
    ok: errors.length === 0 && exactlyOnce === users && mixUps === 0,
  };
}

async function main() {
  const report = await withThrowawayDatabase("load", async () => {
    const result = await runLoad();
    const { disconnectDb } = await import("@/lib/db");
    await disconnectDb();
    return result;
  });
  console.log(JSON.stringify(report, null, 2));
  if (!report.ok) process.exitCode = 1;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
