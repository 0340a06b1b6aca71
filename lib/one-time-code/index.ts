import "server-only";
import { randomUUID } from "node:crypto";
import type { CodePurpose } from "@/generated/prisma/enums";
import { deriveKey, equalHex, hmacHex, randomDigits } from "@/lib/crypto";
import { db, Prisma, type Tx } from "@/lib/db";
import { CODE_LENGTH, CODE_POLICIES } from "@/lib/one-time-code/policy";

/**
 * One-time codes: 6 digits, stored only as HMAC(secret, id ‖ code), expiring by database
 * time, each attempt counted in one atomic UPDATE before comparing, consumed exactly once.
 * Purposes (email verification, step-up, …) differ only by their policy.
 */

export type IssuedCode = { id: string; code: string; expiresAt: Date; resendAvailableAt: Date };

type CodeFailure = "CODE_INVALID" | "CODE_EXPIRED" | "TOO_MANY_ATTEMPTS";
/** `counted`: this attempt was compared (and used one of the code's tries). */
export type CheckResult = { ok: true } | { ok: false; reason: CodeFailure; attemptsLeft: number; counted: boolean };

export type ReissueResult =
  ({ ok: true } & IssuedCode) | { ok: false; reason: "RESEND_TOO_SOON"; retryAfterSeconds: number } | { ok: false; reason: "CODE_INVALID" };

const codeKey = () => deriveKey("one-time-code");

function codeHash(id: string, code: string): string {
  return hmacHex(codeKey(), id, code);
}

type IssuedRow = { expires_at: Date; last_sent_at: Date };

export async function issueCode(tx: Tx, options: { purpose: CodePurpose; recipient: string }): Promise<IssuedCode> {
  const policy = CODE_POLICIES[options.purpose];
  const id = randomUUID();
  const code = randomDigits(CODE_LENGTH);
  const rows = await tx.$queryRaw<IssuedRow[]>`
    INSERT INTO one_time_codes (id, purpose, recipient, code_hash, expires_at, max_attempts, last_sent_at)
    VALUES (${id}::uuid, ${options.purpose}::"CodePurpose", ${options.recipient}, ${codeHash(id, code)},
            now() + make_interval(secs => ${policy.ttlSeconds}), ${policy.maxAttempts}, now())
    RETURNING expires_at, last_sent_at`;
  return withResendTime({ id, code }, firstRow(rows), policy.resendCooldownSeconds);
}

type AttemptRow = { code_hash: string; attempts: number; max_attempts: number };
type StateRow = { expired: boolean; consumed: boolean; attempts: number; max_attempts: number };

/** Counts the attempt first (atomically), then compares in constant time. Does not consume. */
export async function checkCode(options: { id: string; purpose: CodePurpose; code: string }, client: Tx = db): Promise<CheckResult> {
  const counted = await client.$queryRaw<AttemptRow[]>`
    UPDATE one_time_codes SET attempts = attempts + 1
    WHERE id = ${options.id}::uuid AND purpose = ${options.purpose}::"CodePurpose"
      AND consumed_at IS NULL AND expires_at > now() AND attempts < max_attempts
    RETURNING code_hash, attempts, max_attempts`;
  const row = counted[0];
  if (!row) return explainRefusal(options.id, options.purpose, client);
  if (equalHex(row.code_hash, codeHash(options.id, options.code))) return { ok: true };
  const attemptsLeft = row.max_attempts - row.attempts;
  return { ok: false, reason: attemptsLeft > 0 ? "CODE_INVALID" : "TOO_MANY_ATTEMPTS", attemptsLeft, counted: true };
}

async function explainRefusal(id: string, purpose: CodePurpose, client: Tx): Promise<CheckResult> {
  const rows = await client.$queryRaw<StateRow[]>`
    SELECT expires_at <= now() AS expired, consumed_at IS NOT NULL AS consumed, attempts, max_attempts
    FROM one_time_codes WHERE id = ${id}::uuid AND purpose = ${purpose}::"CodePurpose"`;
  const state = rows[0];
  // Unknown, foreign and already-used codes all look the same to the caller.
  if (!state || state.consumed) return { ok: false, reason: "CODE_INVALID", attemptsLeft: 0, counted: false };
  if (state.attempts >= state.max_attempts) return { ok: false, reason: "TOO_MANY_ATTEMPTS", attemptsLeft: 0, counted: false };
  return { ok: false, reason: "CODE_EXPIRED", attemptsLeft: 0, counted: false };
}

/**
 * Compares a code with a stored hash in constant time, for a caller that counted the attempt
 * itself and read the hash of a live code with it (a step-up challenge counts one try for all of
 * its proofs).
 */
export function codeMatches(stored: { id: string; codeHash: string }, code: string): boolean {
  return equalHex(stored.codeHash, codeHash(stored.id, code));
}

/** Marks the code used; true for exactly one caller. Run it in the transaction of the effect it unlocks. */
export async function consumeCode(tx: Tx, id: string): Promise<boolean> {
  return (await tx.$queryRaw<unknown[]>(consumeCodeStatement(id))).length === 1;
}

/** The same as one statement that a caller may run inside a larger one: a row for exactly one caller. */
export function consumeCodeStatement(id: string): Prisma.Sql {
  return Prisma.sql`
    UPDATE one_time_codes SET consumed_at = now()
    WHERE id = ${id}::uuid AND consumed_at IS NULL AND expires_at > now()
    RETURNING id`;
}

export type RedeemResult<T> = { ok: true; value: T } | Extract<CheckResult, { ok: false }>;

/**
 * Check, then consume and apply `effect` in one transaction: if the effect fails the code
 * stays unused (but the attempt stays counted); if two requests race, one effect runs.
 */
export async function redeemCode<T>(
  options: { id: string; purpose: CodePurpose; code: string },
  effect: (tx: Tx) => Promise<T>,
): Promise<RedeemResult<T>> {
  const checked = await checkCode(options);
  if (!checked.ok) return checked;
  const outcome = await db.$transaction(async (tx) => {
    if (!(await consumeCode(tx, options.id))) return { consumed: false as const };
    return { consumed: true as const, value: await effect(tx) };
  });
  if (!outcome.consumed) return { ok: false, reason: "CODE_INVALID", attemptsLeft: 0, counted: true };
  return { ok: true, value: outcome.value };
}

/** A new code for the same challenge: the old one stops working; attempts are never reset. */
export async function reissueCode(options: { id: string; purpose: CodePurpose }, client: Tx = db): Promise<ReissueResult> {
  const policy = CODE_POLICIES[options.purpose];
  const code = randomDigits(CODE_LENGTH);
  const rows = await client.$queryRaw<IssuedRow[]>`
    UPDATE one_time_codes
    SET code_hash = ${codeHash(options.id, code)}, last_sent_at = now(), send_count = send_count + 1,
        expires_at = now() + make_interval(secs => ${policy.ttlSeconds})
    WHERE id = ${options.id}::uuid AND purpose = ${options.purpose}::"CodePurpose" AND consumed_at IS NULL
      AND attempts < max_attempts AND last_sent_at <= now() - make_interval(secs => ${policy.resendCooldownSeconds})
    RETURNING expires_at, last_sent_at`;
  const row = rows[0];
  if (row) return { ok: true, ...withResendTime({ id: options.id, code }, row, policy.resendCooldownSeconds) };
  const wait = await secondsUntilResend(options, client);
  if (wait === null) return { ok: false, reason: "CODE_INVALID" };
  return { ok: false, reason: "RESEND_TOO_SOON", retryAfterSeconds: Math.max(1, wait) };
}

/** Seconds left in the resend cooldown (0 when a resend is allowed), or null for a code that can't be resent. */
export async function secondsUntilResend(options: { id: string; purpose: CodePurpose }, client: Tx = db): Promise<number | null> {
  const { resendCooldownSeconds } = CODE_POLICIES[options.purpose];
  const rows = await client.$queryRaw<{ wait: number }[]>`
    SELECT GREATEST(0, CEIL(EXTRACT(EPOCH FROM (last_sent_at + make_interval(secs => ${resendCooldownSeconds}) - now()))))::int AS wait
    FROM one_time_codes
    WHERE id = ${options.id}::uuid AND purpose = ${options.purpose}::"CodePurpose" AND consumed_at IS NULL AND attempts < max_attempts`;
  return rows[0]?.wait ?? null;
}

function withResendTime(code: { id: string; code: string }, row: IssuedRow, cooldownSeconds: number): IssuedCode {
  return { ...code, expiresAt: row.expires_at, resendAvailableAt: new Date(row.last_sent_at.getTime() + cooldownSeconds * 1000) };
}

function firstRow<T>(rows: T[]): T {
  const row = rows[0];
  if (!row) throw new Error("expected one row");
  return row;
}
