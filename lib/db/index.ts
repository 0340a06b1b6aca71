import "server-only";
import { PrismaPg } from "@prisma/adapter-pg";
import { Prisma, PrismaClient } from "@/generated/prisma/client";
import { requireDatabaseUrl } from "@/lib/env";

export { Prisma };

const PREPARED_MARK = /^\/\* prepared:([\w-]+) \*\//;

/**
 * Put first in a statement whose text never changes (only its parameters do) to have each
 * connection parse and plan it once, as a named prepared statement, instead of on every call: for
 * the hottest statements, where planning costs more than running them.
 */
export function preparedStatement(name: string): Prisma.Sql {
  return Prisma.raw(`/* prepared:${name} */ `);
}

function createClient() {
  return new PrismaClient({
    // adapter-pg reads and writes timestamps as if the session were in UTC (prisma/prisma#26786),
    // so the session is put in UTC whatever the server's default.
    adapter: new PrismaPg(
      { connectionString: requireDatabaseUrl(), max: 10, options: "-c timezone=UTC" },
      // "" is the protocol's unnamed statement: parsed and planned again on every call.
      { statementNameGenerator: ({ sql }) => PREPARED_MARK.exec(sql)?.[1] ?? "" },
    ),
    // A burst of users queues for the 10 connections; waiting up to 10 s for one beats failing
    // after Prisma's default 2 s (a transaction itself still ends after 5 s).
    transactionOptions: { maxWait: 10_000, timeout: 5_000 },
    // Secret columns stay out of every result unless a query asks for them by name.
    omit: {
      user: { passwordHash: true, twoFactorSecret: true },
      signUpRequest: { passwordHash: true },
      oneTimeCode: { codeHash: true },
      twoFactorEnrolment: { secret: true },
      recoveryCode: { codeHash: true },
      signInChallenge: { tokenHash: true },
      emailChange: { reportTokenHash: true },
      passwordReset: { reportTokenHash: true },
      auditStreamDestination: { secretSealed: true },
    },
  });
}

type Client = ReturnType<typeof createClient>;
/** What an interactive transaction callback receives (our client, with its `omit` defaults). */
export type Tx = Omit<Client, "$connect" | "$disconnect" | "$on" | "$transaction" | "$extends">;

const globalForDb = globalThis as unknown as { stepUpDb?: Client };

function client(): Client {
  globalForDb.stepUpDb ??= createClient();
  return globalForDb.stepUpDb;
}

/** Created on first use: importing this module (e.g. during `next build`) needs no database. */
export const db: Client = new Proxy({} as Client, {
  get(_target, property) {
    const real = client();
    const value: unknown = Reflect.get(real, property, real);
    return typeof value === "function" ? value.bind(real) : value;
  },
});

export async function disconnectDb(): Promise<void> {
  await globalForDb.stepUpDb?.$disconnect();
  globalForDb.stepUpDb = undefined;
}

/** A time read out of a JSON value: JSON has no dates, so Postgres writes them as ISO strings. */
export function jsonTime(value: string): Date;
export function jsonTime(value: string | null): Date | null;
export function jsonTime(value: string | null): Date | null {
  return value === null ? null : new Date(value);
}

/**
 * The machine-readable codes an error carries, outermost first (Prisma's P…, the driver's SQLSTATE
 * or socket code, the adapter's kind), space-separated: safe to log, unlike messages, which may
 * quote values.
 */
export function databaseErrorCodes(error: unknown): string | undefined {
  return codesOf(error).join(" ") || undefined;
}

function codesOf(error: unknown): string[] {
  const codes: string[] = [];
  const add = (code: unknown) => {
    if (typeof code === "string" && code && !codes.includes(code)) codes.push(code);
  };
  type DriverCause = { kind?: unknown; originalCode?: unknown; code?: unknown };
  const shaped = error as { code?: unknown; cause?: unknown; meta?: { driverAdapterError?: { cause?: DriverCause } } } | null;
  add(shaped?.code);
  // Prisma wraps the adapter's error in its own (meta), or lets it through as it is (cause).
  const cause =
    shaped?.meta?.driverAdapterError?.cause ?? (typeof shaped?.cause === "object" ? (shaped.cause as DriverCause | null) : undefined);
  add(cause?.originalCode);
  add(cause?.code);
  add(cause?.kind);
  return codes;
}

// Prisma: not reachable, timed out reaching it, timed out, closed, pool timeout, too many connections.
const UNAVAILABLE_PRISMA_CODES = new Set(["P1001", "P1002", "P1008", "P1017", "P2024", "P2037"]);
// The adapter's names for the same, when Prisma passes its error through.
const UNAVAILABLE_DRIVER_KINDS = new Set(["DatabaseNotReachable", "ConnectionClosed", "SocketTimeout", "TooManyConnections"]);
const UNAVAILABLE_SOCKET_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE"]);
// SQLSTATE class 08 (connection exception); 57P01–57P03: shut down by an admin, crashed, not
// accepting connections yet (starting up, shutting down, in recovery); 53300: too many connections.
const UNAVAILABLE_SQLSTATE = /^(08[0-9A-Z]{3}|57P0[1-3]|53300)$/;
// pg's own errors for a connection that went away carry no code.
const UNAVAILABLE_DRIVER_MESSAGE = /connection terminated|not queryable/i;
// Prisma gave up waiting: for a connection to start the transaction in, or for the database to
// answer before the transaction's time ran out. Its other transaction errors are bugs.
const UNAVAILABLE_TRANSACTION_MESSAGE = /Unable to start a transaction in the given time|cannot be executed on an expired transaction/;

/**
 * True for errors that mean "the database is not reachable right now" (refused, reset, shut down,
 * a pooled connection dropped mid-transaction, no connection free in time), which users are told
 * to retry, unlike a bug.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const codes = codesOf(error);
  if (
    codes.some(
      (code) =>
        UNAVAILABLE_PRISMA_CODES.has(code) ||
        UNAVAILABLE_DRIVER_KINDS.has(code) ||
        UNAVAILABLE_SOCKET_CODES.has(code) ||
        UNAVAILABLE_SQLSTATE.test(code),
    )
  ) {
    return true;
  }
  if (codes.includes("P2028")) return UNAVAILABLE_TRANSACTION_MESSAGE.test(error.message);
  return UNAVAILABLE_DRIVER_MESSAGE.test(error.message);
}

/** Postgres ended the transaction for a deadlock or a serialization failure: it changed nothing, and may run again. */
export function isWriteConflict(error: unknown): boolean {
  if (!(error instanceof Prisma.PrismaClientKnownRequestError)) return false;
  if (error.code === "P2034") return true;
  // A raw statement's failure (P2010) carries the driver's classification.
  const driverError = error.meta?.driverAdapterError as { cause?: { kind?: unknown } } | undefined;
  return driverError?.cause?.kind === "TransactionWriteConflict" || (error.code === "P2010" && /`40P01`|`40001`/.test(error.message));
}
