// Many users at once, each doing send → verify → protected change (create an API token) over HTTP
// against a production server (server/main.ts), the way the code modal drives the server actions. Used by
// `npm run bench:load`, `npm run bench` (which samples the server's memory meanwhile) and
// test/instances/load.test.ts. Loopback only, bounded in time.
import type { CreatedApiToken } from "@/lib/api-tokens/create";
import { AppClient, ServerActions, waitForCode } from "@/tooling/app-client";
import { PROD_DIST_DIR, type ProdStack } from "@/tooling/prod-stack";

export type LoadReport = {
  users: number;
  mode: string;
  errors: number;
  errorSamples: string[];
  poolExhaustionErrors: number;
  tokensOnOwnAccountExactlyOnce: number;
  crossUserMixUps: number;
  /** How long each successful user's flow took, from the first request to the replayed change. */
  flowMs: number[];
  totalMs: number;
  ok: boolean;
};

const PASSWORD = "load-test-password-1";
const SIGN_IN_CONCURRENCY = 8;

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
export async function runLoad(
  stack: ProdStack,
  { url, tag, users }: PreparedLoad,
  options: { timeoutMs?: number } = {},
): Promise<LoadReport> {
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

  const poolExhaustionErrors = errors.filter((message) =>
    /pool|timed out fetching|too many clients|connection|unable to start a transaction|UNAVAILABLE/i.test(message),
  ).length;
  return {
    users: users.length,
    mode: "HTTP against the production server: createApiTokenAction → step_up_required → code from the (fake) Resend → createApiTokenAction again with the code",
    errors: errors.length,
    errorSamples: [...new Set(errors)].slice(0, 5),
    poolExhaustionErrors,
    tokensOnOwnAccountExactlyOnce: exactlyOnce,
    crossUserMixUps: mixUps,
    flowMs,
    totalMs: Math.round(totalMs),
    ok: errors.length === 0 && exactlyOnce === users.length && mixUps === 0,
  };
}
