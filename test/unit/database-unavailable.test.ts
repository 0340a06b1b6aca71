import { describe, expect, it } from "vitest";
import { isDatabaseUnavailable } from "@/lib/db";

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

describe("isDatabaseUnavailable: what users are told to retry", () => {
  it.each([
    ["refused", withCode("connect ECONNREFUSED 127.0.0.1:5432", "ECONNREFUSED")],
    ["reset", withCode("read ECONNRESET", "ECONNRESET")],
    ["shut down (57P01)", withCode("terminating connection due to administrator command", "57P01")],
    ["ended mid-query", new Error("Connection terminated unexpectedly")],
    // What pg throws for the next query on a pooled client whose server went away mid-transaction.
    ["dropped mid-transaction", new Error("Client has encountered a connection error and is not queryable")],
    ["Prisma: not reachable", withCode("Can't reach database server", "P1001")],
  ])("%s → unavailable", (_label, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each([
    ["a bug", new TypeError("Cannot read properties of undefined (reading 'id')")],
    ["a constraint", withCode("duplicate key value violates unique constraint", "23505")],
    ["not an Error", "ECONNREFUSED"],
  ])("%s → not unavailable", (_label, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });
});
