import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { addressLimitKey, forgiveRateLimitHit, hitRateLimit, resetRateLimit } from "@/lib/rate-limit";

const rule = { limit: 5, windowSeconds: 900 };

async function countOf(key: string): Promise<number | undefined> {
  const rows = await db.$queryRaw<{ count: number }[]>`SELECT count FROM rate_limits WHERE key = ${key}`;
  return rows[0]?.count;
}

describe("rate limits in Postgres", () => {
  it("allow exactly the limit out of 50 parallel hits, and count only those", async () => {
    const results = await Promise.all(Array.from({ length: 50 }, () => hitRateLimit("test:parallel", rule)));
    expect(results.filter((result) => result.allowed)).toHaveLength(5);
    const blocked = results.find((result) => !result.allowed);
    expect(blocked?.retryAfterSeconds).toBeGreaterThan(890);
    expect(blocked?.retryAfterSeconds).toBeLessThanOrEqual(900);
    expect(blocked?.windowStart).toBeNull();
    expect(await countOf("test:parallel")).toBe(5);
  });

  it("start a new window once the old one has passed", async () => {
    for (let i = 0; i < 6; i++) await hitRateLimit("test:window", rule);
    expect((await hitRateLimit("test:window", rule)).allowed).toBe(false);
    await db.$executeRaw`UPDATE rate_limits SET window_start = window_start - interval '900 seconds' WHERE key = 'test:window'`;
    expect(await hitRateLimit("test:window", rule)).toMatchObject({ allowed: true, retryAfterSeconds: 0 });
    expect(await countOf("test:window")).toBe(1);
  });

  it("can forgive a counted hit and be reset", async () => {
    const hits = [];
    for (let i = 0; i < 5; i++) hits.push(await hitRateLimit("test:forgive", rule));
    await forgiveRateLimitHit("test:forgive", hits[0]!);
    expect((await hitRateLimit("test:forgive", rule)).allowed).toBe(true);
    const refused = await hitRateLimit("test:forgive", rule);
    expect(refused.allowed).toBe(false);
    // A refused hit was never counted, so there is nothing to give back.
    await forgiveRateLimitHit("test:forgive", refused);
    expect(await countOf("test:forgive")).toBe(5);
    await resetRateLimit("test:forgive");
    expect((await hitRateLimit("test:forgive", rule)).allowed).toBe(true);
  });

  it("forgive a hit only in the window it was counted in", async () => {
    const old = await hitRateLimit("test:forgive-window", rule);
    await db.$executeRaw`UPDATE rate_limits SET window_start = window_start - interval '900 seconds' WHERE key = 'test:forgive-window'`;
    // Windows are named by their start, kept to the millisecond: let the new one start in a later one.
    await new Promise((resolve) => setTimeout(resolve, 5));
    await hitRateLimit("test:forgive-window", rule);
    await forgiveRateLimitHit("test:forgive-window", old);
    expect(await countOf("test:forgive-window")).toBe(1);
  });

  it("a burst that is refused leaves nothing behind once the counted hits are forgiven", async () => {
    const results = await Promise.all(Array.from({ length: 20 }, () => hitRateLimit("test:burst", rule)));
    await Promise.all(results.map((result) => forgiveRateLimitHit("test:burst", result)));
    expect(await countOf("test:burst")).toBe(0);
  });

  it("put requests whose address is unknown in one shared bucket", () => {
    expect(addressLimitKey("sign-in", null)).toBe("sign-in:ip:unknown");
    expect(addressLimitKey("sign-in", "192.0.2.1")).toBe("sign-in:ip:192.0.2.1");
  });
});
