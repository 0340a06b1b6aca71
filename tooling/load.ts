// Many users at once, each doing a protected change (create an API token) over HTTP against a
// production server (server/main.ts), the way the code modal drives the server actions: every other
// user answers the step-up with a passkey registered beforehand, the rest with the emailed code.
// Meanwhile an audit stream destination receives every event, signed, at a receiver in this process.
// Used by `npm run bench:load`, `npm run bench` (which samples the server's memory meanwhile) and
// test/instances/load.test.ts. Loopback only, bounded in time.
import type { PublicKeyCredentialCreationOptionsJSON } from "@simplewebauthn/server";
import type { CreatedApiToken } from "@/lib/api-tokens/create";
import type { FeedPosition } from "@/lib/audit/query";
import type { ProofValues, StepUpChallengeDto } from "@/shared/step-up";
import { AppClient, ServerActions, waitForCode } from "@/tooling/app-client";
import { signedInContext, withMailboxCode } from "@/tooling/in-process";
import { PROD_DIST_DIR, type ProdStack } from "@/tooling/prod-stack";
import { SoftwareAuthenticator } from "@/tooling/software-authenticator";
import { startStreamReceiver, type StreamReceiver } from "@/tooling/stream-receiver";

/** What a user answers the change's step-up with. */
type LoadProof = "email_code" | "passkey";

type StreamReport = {
  /** The audit events in the feed after the destination's start once the last flow ended. */
  expectedEvents: number;
  /** Events in the requests the receiver accepted, duplicates included. */
  receivedEvents: number;
  requests: number;
  missing: number;
  duplicates: number;
  /** Requests whose Standard Webhooks signature did not verify on arrival under the destination's secret. */
  badSignatures: number;
  /** The events received are the feed from the destination's start, in its order, with nothing between. */
  inFeedOrder: boolean;
  batchSize: number;
  /** From the end of the last flow until the receiver had every expected event. */
  catchUpMs: number;
  ok: boolean;
};

export type LoadReport = {
  users: number;
  mode: string;
  /** Users answering with each proof. */
  stepUps: Record<LoadProof, number>;
  errors: number;
  errorSamples: string[];
  poolExhaustionErrors: number;
  tokensOnOwnAccountExactlyOnce: number;
  crossUserMixUps: number;
  /** Users whose change has exactly one `step_up.verified` row, recording the proof they answered with. */
  verifiedWithTheirProof: number;
  /** How long each successful user's flow took, from the first request to the change's answer. */
  flowMs: number[];
  flowMsByProof: Record<LoadProof, number[]>;
  totalMs: number;
  stream: StreamReport;
  ok: boolean;
};

const PASSWORD = "load-test-password-1";
const SETUP_CONCURRENCY = 8;
// Every second user: both proofs get the same number of users and race each other for the same
// connections and locks, and each half is still 100 users at once.
const usesPasskey = (index: number) => index % 2 === 1;
// What the add form offers by default.
const STREAM_BATCH_SIZE = 100;

type LoadUser = {
  index: number;
  email: string;
  id: string;
  client: AppClient;
  proof: LoadProof;
  /** The device holding the user's passkey, for the passkey users. */
  authenticator: SoftwareAuthenticator | null;
};

type LoadStream = { receiver: StreamReceiver; start: FeedPosition };

export type PreparedLoad = { url: string; tag: string; users: LoadUser[]; stream: LoadStream };

/** Runs `run` for every item, `SETUP_CONCURRENCY` at a time. */
async function inChunks<T>(items: T[], run: (item: T) => Promise<void>): Promise<void> {
  for (let start = 0; start < items.length; start += SETUP_CONCURRENCY)
    await Promise.all(items.slice(start, start + SETUP_CONCURRENCY).map(run));
}

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
    const passkey = usesPasskey(index);
    users.push({
      index,
      email,
      id,
      client: new AppClient({ appUrl: stack.appUrl, actions, ip, requestTimeoutMs: 120_000 }),
      proof: passkey ? "passkey" : "email_code",
      authenticator: passkey ? new SoftwareAuthenticator() : null,
    });
  }
  await inChunks(users, async (user) => {
    const reply = await user.client.signIn(url, user.email, PASSWORD);
    if (!reply.redirect) throw new Error(`sign-in failed for ${user.email}: ${JSON.stringify(reply.state)}`);
  });
  return users;
}

/** As the security page adds one: options, the authenticator's answer, then that answer behind the emailed code. */
async function registerPasskey(stack: ProdStack, url: string, user: LoadUser, authenticator: SoftwareAuthenticator): Promise<void> {
  const asked = await user.client.action<{ options: PublicKeyCredentialCreationOptionsJSON }>(url, "passkeyRegistrationOptionsAction");
  if (!asked.data) throw new Error(`no passkey options for ${user.email}: ${JSON.stringify(asked)}`);
  const response = JSON.stringify(authenticator.register(asked.data.options, { origin: stack.appUrl }));
  const sentBefore = stack.resend.delivered.length;
  const { state } = await user.client.withStepUp(url, "addPasskeyAction", { response }, () =>
    waitForCode(stack.resend, user.email, { after: sentBefore }),
  );
  if (!state.ok) throw new Error(`adding a passkey failed for ${user.email}: ${state.code ?? "no code"}`);
}

/**
 * A destination at a receiver in this process, added by an admin as the streaming page adds one
 * but through the lib here: production servers refuse a plain-http URL, and this process is not
 * production. The servers' `audit-stream` job delivers to it as to any other.
 */
async function streamDestination(tag: string): Promise<LoadStream> {
  const { db } = await import("@/lib/db");
  const { addStreamDestination } = await import("@/lib/audit-stream/destinations");
  const receiver = await startStreamReceiver();
  try {
    const admin = await db.user.create({
      data: { email: `stream-admin-${tag}@example.test`, passwordHash: "unused", emailVerifiedAt: new Date(), role: "ADMIN" },
      select: { id: true },
    });
    const context = await signedInContext(admin.id, { ip: "198.18.255.254", userAgent: "load admin" });
    const input = { name: `${tag} receiver`, url: receiver.url, batchSize: STREAM_BATCH_SIZE, start: "new" as const };
    const { destination, secret } = await withMailboxCode(context, (attempt) => addStreamDestination(attempt, input));
    receiver.verifyWith(secret);
    const row = await db.auditStreamDestination.findUniqueOrThrow({
      where: { id: destination.id },
      select: { positionTxId: true, positionEventId: true },
    });
    return { receiver, start: { txId: row.positionTxId, id: row.positionEventId } };
  } catch (error) {
    await receiver.close();
    throw error;
  }
}

/**
 * Setup, not part of the load: the stream destination, then the users, each signed in over HTTP
 * from its own address, and the passkey users' passkeys added over HTTP.
 */
export async function prepareLoad(stack: ProdStack, options: { users?: number; tag?: string } = {}): Promise<PreparedLoad> {
  const [url] = stack.urls;
  if (!url) throw new Error("no instance");
  const tag = options.tag ?? "load";
  const stream = await streamDestination(tag);
  try {
    const users = await signedInUsers(stack, url, options.users ?? 200, tag);
    await inChunks(users, async (user) => {
      if (user.authenticator) await registerPasskey(stack, url, user, user.authenticator);
    });
    return { url, tag, users, stream };
  } catch (error) {
    await stream.receiver.close();
    throw error;
  }
}

/** The change's step-up answered as this user does it: the emailed code, or a passkey assertion. */
function answerFor(stack: ProdStack, user: LoadUser, sentBefore: number): (challenge: StepUpChallengeDto) => Promise<ProofValues> {
  const { authenticator } = user;
  if (!authenticator)
    return async () => ({ email_code: await waitForCode(stack.resend, user.email, { after: sentBefore, timeoutMs: 120_000 }) });
  return async (challenge) => {
    // The modal offers the passkey first and emails a code only when asked for one.
    if (!challenge.passkeyOptions || challenge.codeSent) throw new Error(`the challenge for ${user.email} did not offer the passkey alone`);
    return { passkey: JSON.stringify(authenticator.authenticate(challenge.passkeyOptions, { origin: stack.appUrl })) };
  };
}

/** Every audit event id after `position`, in feed order: what a destination starting there must receive. */
async function feedIdsAfter(position: FeedPosition): Promise<string[]> {
  const { db } = await import("@/lib/db");
  const rows = await db.$queryRaw<{ id: bigint }[]>`
    SELECT id FROM audit_events WHERE (tx_id, id) > (${position.txId}, ${position.id}) ORDER BY tx_id, id`;
  return rows.map((row) => row.id.toString());
}

/** Waits (bounded) until the receiver has every event the feed holds now, then checks what it got. */
async function streamDelivery({ receiver, start }: LoadStream, timeoutMs: number): Promise<StreamReport> {
  const expected = await feedIdsAfter(start);
  const started = performance.now();
  const deadline = Date.now() + timeoutMs;
  const missingNow = () => {
    const received = new Set(receiver.acceptedIds());
    return expected.filter((id) => !received.has(id)).length;
  };
  while (missingNow() > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 250));
  const catchUpMs = Math.round(performance.now() - started);
  const received = receiver.acceptedIds();
  // Read after the wait: what arrived since the first read is in it too, and no event can join the
  // feed between two it already holds (the deliverer reads only behind every open transaction).
  const feed = await feedIdsAfter(start);
  const report = {
    expectedEvents: expected.length,
    receivedEvents: received.length,
    requests: receiver.received.length,
    missing: missingNow(),
    duplicates: received.length - new Set(received).size,
    badSignatures: receiver.received.filter((batch) => batch.verified !== true).length,
    inFeedOrder: received.length <= feed.length && received.every((id, index) => feed[index] === id),
    batchSize: STREAM_BATCH_SIZE,
    catchUpMs,
  };
  const ok = report.missing === 0 && report.duplicates === 0 && report.badSignatures === 0 && report.inFeedOrder;
  return { ...report, ok };
}

/**
 * All users at once, against the first instance: the protected change, its step-up answered, the
 * change again with the proof; then the stream must catch up. Closes the receiver; what it received
 * stays readable in `prepared.stream.receiver`.
 */
export async function runLoad(
  stack: ProdStack,
  prepared: PreparedLoad,
  options: { timeoutMs?: number; streamTimeoutMs?: number } = {},
): Promise<LoadReport> {
  const { url, tag, users } = prepared;
  const { db } = await import("@/lib/db");
  const errors: string[] = [];
  const flowMs: number[] = [];
  const flowMsByProof: Record<LoadProof, number[]> = { email_code: [], passkey: [] };
  const created = new Map<string, string>(); // token name → the account the server said it created it for
  const started = performance.now();
  const flows = users.map(async (user) => {
    const input = { name: `${tag}-token-${user.index}`, scopes: ["profile:read"], expiry: "30", expiresOn: "" };
    const flowStarted = performance.now();
    try {
      const answer = answerFor(stack, user, stack.resend.delivered.length);
      const { state } = await user.client.withStepUpProofs<CreatedApiToken>(url, "createApiTokenAction", input, answer);
      if (!state.ok || !state.data) throw new Error(`${state.code ?? "no code"}: ${state.message ?? "no message"}`);
      created.set(state.data.apiToken.name, user.id);
      const ms = performance.now() - flowStarted;
      flowMs.push(ms);
      flowMsByProof[user.proof].push(ms);
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

  let stream: StreamReport;
  try {
    stream = await streamDelivery(prepared.stream, options.streamTimeoutMs ?? 150_000);
  } finally {
    await prepared.stream.receiver.close();
  }

  // Each user's token must be on their own account, exactly once.
  const tokens = await db.apiToken.findMany({ where: { name: { startsWith: `${tag}-token-` } }, select: { name: true, userId: true } });
  let exactlyOnce = 0;
  let mixUps = 0;
  for (const { index, id } of users) {
    const mine = tokens.filter((token) => token.name === `${tag}-token-${index}`);
    if (mine.length === 1 && mine[0]?.userId === id && created.get(`${tag}-token-${index}`) === id) exactlyOnce += 1;
    if (mine.some((token) => token.userId !== id) || mine.length > 1) mixUps += 1;
  }

  // Each change's verification, as its audit row records it: the proof that user answered with.
  const verifications = await db.auditEvent.findMany({
    where: {
      type: "step_up.verified",
      actorId: { in: users.map((user) => user.id) },
      metadata: { path: ["action"], equals: "api_token.create" },
    },
    select: { actorId: true, metadata: true },
  });
  const verifiedWithTheirProof = users.filter((user) => {
    const mine = verifications.filter((row) => row.actorId === user.id);
    const proofs = (mine[0]?.metadata as { proofs?: unknown } | null)?.proofs;
    return mine.length === 1 && JSON.stringify(proofs) === JSON.stringify([user.proof]);
  }).length;

  const poolExhaustionErrors = errors.filter((message) =>
    /pool|timed out fetching|too many clients|connection|unable to start a transaction|UNAVAILABLE/i.test(message),
  ).length;
  const passkeyUsers = users.filter((user) => user.proof === "passkey").length;
  return {
    users: users.length,
    mode: "HTTP against the production server: createApiTokenAction → step_up_required → the code from the (fake) Resend, or a passkey assertion for the challenge's passkeyOptions → createApiTokenAction again with the proof; an audit stream destination at a receiver in this process",
    stepUps: { email_code: users.length - passkeyUsers, passkey: passkeyUsers },
    errors: errors.length,
    errorSamples: [...new Set(errors)].slice(0, 5),
    poolExhaustionErrors,
    tokensOnOwnAccountExactlyOnce: exactlyOnce,
    crossUserMixUps: mixUps,
    verifiedWithTheirProof,
    flowMs,
    flowMsByProof,
    totalMs: Math.round(totalMs),
    stream,
    ok: errors.length === 0 && exactlyOnce === users.length && mixUps === 0 && verifiedWithTheirProof === users.length && stream.ok,
  };
}
