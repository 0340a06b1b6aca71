import { describe, expect, it } from "vitest";
import { databaseErrorCodes, isDatabaseUnavailable, Prisma } from "@/lib/db";

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

/** What Prisma throws for a statement the adapter saw fail with `cause` (P2010 for raw SQL, P2039 for a model query). */
const prismaError = (prismaCode: string, message: string, cause: Record<string, string>) =>
  new Prisma.PrismaClientKnownRequestError(message, {
    code: prismaCode,
    clientVersion: "test",
    meta: { driverAdapterError: { name: "DriverAdapterError", cause } },
  });

const postgresError = (prismaCode: string, sqlState: string, message: string) =>
  prismaError(prismaCode, `Raw query failed. Code: \`${sqlState}\`. Message: \`${message}\``, {
    kind: "postgres",
    originalCode: sqlState,
    code: sqlState,
    originalMessage: message,
  });

const transactionError = (message: string) => prismaError("P2028", `Transaction API error: ${message}`, {});

describe("isDatabaseUnavailable: what users are told to retry", () => {
  it.each([
    ["refused", withCode("connect ECONNREFUSED 127.0.0.1:5432", "ECONNREFUSED")],
    ["reset", withCode("read ECONNRESET", "ECONNRESET")],
    ["written to a closed socket", withCode("write EPIPE", "EPIPE")],
    ["shut down (57P01)", withCode("terminating connection due to administrator command", "57P01")],
    ["ended mid-query", new Error("Connection terminated unexpectedly")],
    // What pg throws for the next query on a pooled client whose server went away mid-transaction.
    ["dropped mid-transaction", new Error("Client has encountered a connection error and is not queryable")],
    ["Prisma: not reachable", withCode("Can't reach database server", "P1001")],
    ["raw statement, shut down by an admin", postgresError("P2010", "57P01", "terminating connection due to administrator command")],
    ["model query, server shutting down (57P03)", postgresError("P2039", "57P03", "the database system is shutting down")],
    ["model query, server starting up (57P03)", postgresError("P2039", "57P03", "the database system is starting up")],
    ["connection failure (class 08)", postgresError("P2039", "08006", "connection failure")],
    ["too many connections (53300)", postgresError("P2039", "53300", "sorry, too many clients already")],
    ["adapter: connection closed", prismaError("P1017", "Server has closed the connection.", { kind: "ConnectionClosed" })],
    ["adapter: socket timeout", prismaError("P1008", "Operation has timed out", { kind: "SocketTimeout" })],
    ["no connection free to start a transaction", transactionError("Unable to start a transaction in the given time.")],
    [
      "the transaction's time ran out waiting for the database",
      transactionError(
        "A query cannot be executed on an expired transaction. The timeout for this transaction was 5000 ms, however 5012 ms passed since the start of the transaction.",
      ),
    ],
  ])("%s → unavailable", (_label, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each([
    ["a bug", new TypeError("Cannot read properties of undefined (reading 'id')")],
    ["a constraint", withCode("duplicate key value violates unique constraint", "23505")],
    ["a constraint through Prisma", postgresError("P2010", "23505", "duplicate key value violates unique constraint")],
    ["a syntax error", postgresError("P2010", "42601", 'syntax error at or near "SELEC"')],
    [
      "a transaction used after its commit (a bug)",
      transactionError("Transaction already closed: A query cannot be executed on a committed transaction."),
    ],
    ["a message that only mentions a code", new Error("the user typed 57P01 ECONNREFUSED")],
    ["not an Error", "ECONNREFUSED"],
  ])("%s → not unavailable", (_label, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });
});

describe("databaseErrorCodes: what a log line may say about a failure", () => {
  it("names Prisma's code, the SQLSTATE and the adapter's kind, never the message", () => {
    const error = postgresError("P2010", "57P01", "terminating connection due to administrator command for user alice@example.com");
    expect(databaseErrorCodes(error)).toBe("P2010 57P01 postgres");
  });

  it("is a socket's code alone, and nothing for an error without codes", () => {
    expect(databaseErrorCodes(withCode("read ECONNRESET", "ECONNRESET"))).toBe("ECONNRESET");
    expect(databaseErrorCodes(new TypeError("x is undefined"))).toBeUndefined();
    expect(databaseErrorCodes("not an error")).toBeUndefined();
  });
});
