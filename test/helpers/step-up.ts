import { expect } from "vitest";
import { db } from "@/lib/db";
import { listMailboxMessages, type MailboxMessageDto } from "@/lib/email/mailbox";
import type { RequestContext } from "@/lib/http/context";
import type { RequestMeta } from "@/lib/http/request-meta";
import { createSession, resolveSession, type CurrentSession } from "@/lib/sessions/lifecycle";
import { ownChallenge } from "@/lib/step-up/challenges";
import type { StepUpAction, StepUpPayloads } from "@/lib/step-up/policy";
import { verifyProofs } from "@/lib/step-up/verify";
import { withStepUp } from "@/lib/step-up/with-step-up";
import type { CreateApiTokenRequest } from "@/shared/api-tokens";
import { AppError, type ErrorCode } from "@/shared/errors";
import type { StepUpChallengeDto, StepUpProof } from "@/shared/step-up";
import { meta as defaultMeta, randomEmail } from "@/test/helpers/fixtures";
import { codeFrom, proofs } from "@/tooling/app-client";

/** Nobody signs in with a password in these tests; any argon2-looking string will do. */
const UNUSED_PASSWORD_HASH = "$argon2id$v=19$m=19456,t=2,p=1$dW51c2Vk$dW51c2VkLXBhc3N3b3JkLWhhc2g";

export type TestUser = { id: string; email: string };

export async function newUser(label = "step-up"): Promise<TestUser> {
  return db.user.create({
    data: { email: randomEmail(label), passwordHash: UNUSED_PASSWORD_HASH, emailVerifiedAt: new Date() },
    select: { id: true, email: true },
  });
}

/** A real server-side session for `user`, resolved the way a request would resolve it. */
export async function newSession(user: TestUser, requestMeta: RequestMeta = defaultMeta()): Promise<CurrentSession> {
  const id = await db.$transaction((tx) => createSession(tx, user.id, requestMeta));
  const session = await resolveSession(id);
  if (!session) throw new Error("a fresh session did not resolve");
  return session;
}

export async function newContext(user: TestUser, requestMeta: RequestMeta = defaultMeta()): Promise<RequestContext> {
  return { session: await newSession(user, requestMeta), meta: requestMeta };
}

/** A verified user with one signed-in session. */
export async function newStepUpUser(
  label = "step-up",
  requestMeta: RequestMeta = defaultMeta(),
): Promise<{ user: TestUser; context: RequestContext }> {
  const user = await newUser(label);
  return { user, context: await newContext(user, requestMeta) };
}

export function tokenRequest(name = "ci-deploy", overrides: Partial<CreateApiTokenRequest> = {}): CreateApiTokenRequest {
  return { name, scopes: ["profile:read"], expiry: "30", expiresOn: "", ...overrides };
}

const STEP_UP_SUBJECT = /^Your code to /;

/** The newest step-up code email to `email` (dev mailbox). */
export async function latestStepUpEmail(email: string): Promise<MailboxMessageDto> {
  const messages = await listMailboxMessages({ to: email, limit: 200 });
  const message = messages.find((candidate) => STEP_UP_SUBJECT.test(candidate.subject));
  if (!message) throw new Error(`no step-up email to ${email}`);
  return message;
}

export async function stepUpEmails(email: string): Promise<MailboxMessageDto[]> {
  return (await listMailboxMessages({ to: email, limit: 200 })).filter((message) => STEP_UP_SUBJECT.test(message.subject));
}

export async function latestStepUpCode(email: string): Promise<string> {
  return codeFrom((await latestStepUpEmail(email)).text);
}

/** The "This wasn't me" token, which exists only in the emailed link. */
export function cancelTokenFrom(text: string): string {
  const match = /\/step-up\/cancel\?token=([A-Za-z0-9_%-]+)/.exec(text);
  if (!match?.[1]) throw new Error("no cancel link in message");
  return decodeURIComponent(match[1]);
}

/** Awaits a rejection and checks it is our AppError with `code`. */
export async function expectAppError(promise: Promise<unknown>, code: ErrorCode): Promise<AppError> {
  const error = await promise.then(
    () => {
      throw new Error(`expected AppError ${code}, but the call succeeded`);
    },
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(AppError);
  const appError = error as AppError;
  expect(appError.code).toBe(code);
  return appError;
}

/** Runs a protected call that must answer STEP_UP_REQUIRED and returns its challenge. */
export async function expectStepUpRequired(promise: Promise<unknown>): Promise<StepUpChallengeDto> {
  const error = await expectAppError(promise, "STEP_UP_REQUIRED");
  const challenge = error.details.challenge;
  if (!challenge) throw new Error("STEP_UP_REQUIRED without a challenge");
  return challenge;
}

/** Asks for a challenge the way a protected action does (no grant yet → STEP_UP_REQUIRED). */
export async function triggerChallenge<A extends StepUpAction>(
  context: RequestContext,
  action: A,
  payload: StepUpPayloads[A],
): Promise<StepUpChallengeDto> {
  return expectStepUpRequired(
    withStepUp(context, action, payload, async () => {
      throw new Error(`a grant for ${action} already existed`);
    }),
  );
}

/**
 * The step-up check on its own, in its own transaction, leaving the grant for a later call (the
 * app always sends the proof with the change instead; tests of the check itself use this).
 */
export async function verifyStepUp(context: RequestContext, proof: StepUpProof): Promise<void> {
  const challenge = await ownChallenge(context.session, proof.challengeId);
  const refusal = await db.$transaction((tx) => verifyProofs(tx, context, challenge, proof, "later"));
  if (refusal) throw refusal;
}

export type CodeReader = (email: string) => Promise<string>;

/** Triggers the challenge, reads the emailed code and verifies it: afterwards the session holds a grant. */
export async function completeStepUp<A extends StepUpAction>(
  context: RequestContext,
  action: A,
  payload: StepUpPayloads[A],
  readCode: CodeReader = latestStepUpCode,
): Promise<{ challenge: StepUpChallengeDto; code: string }> {
  const challenge = await triggerChallenge(context, action, payload);
  const code = await readCode(context.session.user.email);
  await verifyStepUp(context, { challengeId: challenge.id, proofs: proofs(code) });
  return { challenge, code };
}

/** A 6-digit code that is not `code`. */
export function wrongCode(code: string): string {
  return code === "000000" ? "000001" : "000000";
}

/** Forgets the user's hourly send budget (so a test can issue many challenges). */
export async function resetSendLimit(userId: string): Promise<void> {
  await db.$executeRaw`DELETE FROM rate_limits WHERE key = ${`step-up:sends:${userId}`}`;
}

/**
 * Moves a one-time code back in time by `seconds` (expiry and resend cooldown are database time):
 * `id` is the code's own (an email change's) or a step-up challenge's, which moves with its code.
 */
export async function ageCode(id: string, seconds: number): Promise<void> {
  await db.$executeRaw`UPDATE step_up_challenges SET expires_at = expires_at - make_interval(secs => ${seconds}) WHERE id = ${id}::uuid`;
  await db.$executeRaw`UPDATE one_time_codes SET expires_at = expires_at - make_interval(secs => ${seconds}),
    last_sent_at = last_sent_at - make_interval(secs => ${seconds})
    WHERE id = ${id}::uuid OR id = (SELECT code_id FROM step_up_challenges WHERE id = ${id}::uuid)`;
}

/** Moves every rate-limit window whose key starts with `prefix` back by `seconds`. */
export async function ageRateLimits(prefix: string, seconds: number): Promise<void> {
  await db.$executeRaw`UPDATE rate_limits SET window_start = window_start - make_interval(secs => ${seconds}) WHERE key LIKE ${`${prefix}%`}`;
}

/** Moves every grant of the session back by `seconds`. */
export async function ageGrants(sessionId: string, seconds: number): Promise<void> {
  await db.$executeRaw`UPDATE step_up_grants SET expires_at = expires_at - make_interval(secs => ${seconds}) WHERE session_id = ${sessionId}::uuid`;
}

export async function auditCount(type: string, actorId: string): Promise<number> {
  return db.auditEvent.count({ where: { type, actorId } });
}

/** The tries a challenge has used, whichever of its proofs was wrong. */
export async function challengeAttempts(challengeId: string): Promise<number> {
  return (await db.stepUpChallenge.findUniqueOrThrow({ where: { id: challengeId }, select: { attempts: true } })).attempts;
}

export async function failureState(userId: string): Promise<{ failures: number; lockouts: number; lockedUntil: Date | null }> {
  const user = await db.user.findUniqueOrThrow({
    where: { id: userId },
    select: { stepUpFailures: true, stepUpLockouts: true, stepUpLockedUntil: true },
  });
  return { failures: user.stepUpFailures, lockouts: user.stepUpLockouts, lockedUntil: user.stepUpLockedUntil };
}

/** Every row of every table in the app schema, as one JSON string (for secret sweeps). */
export async function dumpDatabase(options: { except?: string[] } = {}): Promise<Record<string, string>> {
  const tables = await db.$queryRaw<{ table_name: string }[]>`
    SELECT table_name FROM information_schema.tables t WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'
      -- A partition's rows are its parent's (audit_events' months): dumped with it.
      AND NOT EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                      WHERE n.nspname = t.table_schema AND c.relname = t.table_name AND c.relispartition)
    ORDER BY table_name`;
  const dump: Record<string, string> = {};
  for (const { table_name: table } of tables) {
    if (options.except?.includes(table)) continue;
    if (!/^[a-z_][a-z0-9_]*$/.test(table)) throw new Error(`unexpected table name ${table}`);
    const rows = await db.$queryRawUnsafe<{ row: unknown }[]>(`SELECT row_to_json(t)::text AS row FROM "${table}" t`);
    dump[table] = rows.map((row) => String(row.row)).join("\n");
  }
  return dump;
}

/** True when `secret` appears in `text` as a whole token (not as a chance run inside a longer hex/base62 string). */
export function containsSecret(text: string, secret: string): boolean {
  const escaped = secret.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`(?<![0-9A-Za-z])${escaped}(?![0-9A-Za-z])`).test(text);
}

/**
 * As if `seconds` had passed for this session and user: its codes, grants and rate-limit
 * windows all move back (everything time-based is judged by database time).
 */
export async function passTime(context: RequestContext, seconds: number): Promise<void> {
  const { session } = context;
  await db.$executeRaw`UPDATE step_up_challenges SET expires_at = expires_at - make_interval(secs => ${seconds}) WHERE session_id = ${session.id}::uuid`;
  await db.$executeRaw`UPDATE one_time_codes SET expires_at = expires_at - make_interval(secs => ${seconds}),
    last_sent_at = last_sent_at - make_interval(secs => ${seconds})
    WHERE id IN (SELECT code_id FROM step_up_challenges WHERE session_id = ${session.id}::uuid)`;
  await ageGrants(session.id, seconds);
  await db.$executeRaw`UPDATE rate_limits SET window_start = window_start - make_interval(secs => ${seconds})
    WHERE key LIKE ${`%${session.id}%`} OR key LIKE ${`%${session.user.id}%`}`;
}

/** What a challenge asks for: the emailed code alone, or with a second factor (high-risk change, 2FA on). */
export const EMAIL_CODE_ONLY = [["email_code"]];
export const EMAIL_CODE_AND_SECOND_FACTOR = [["email_code"], ["authenticator", "recovery_code"]];
