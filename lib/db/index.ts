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
 * True for errors that mean "the database is not reachable right now" (refused, reset, shut down,
 * a pooled connection dropped mid-transaction), which users are told to retry, unlike a bug.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  const text = error instanceof Error ? `${error.name} ${error.message} ${String((error as { code?: unknown }).code ?? "")}` : "";
  return /ECONNREFUSED|ECONNRESET|ETIMEDOUT|57P01|connection terminated|not queryable|DatabaseNotReachable|P1001|P1017/i.test(text);
}

/** Postgres ended the transaction for a deadlock or a serialization failure: it changed nothing, and may run again. */
export function isWriteConflict(error: unknown): boolean {
  if (!(error instanceof Prisma.PrismaClientKnownRequestError)) return false;
  if (error.code === "P2034") return true;
  // A raw statement's failure (P2010) carries the driver's classification.
  const driverError = error.meta?.driverAdapterError as { cause?: { kind?: unknown } } | undefined;
  return driverError?.cause?.kind === "TransactionWriteConflict" || (error.code === "P2010" && /`40P01`|`40001`/.test(error.message));
}
