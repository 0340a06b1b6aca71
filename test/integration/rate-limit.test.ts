import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { forgiveRateLimitHit, hitRateLimit, resetRateLimit } from "@/lib/rate-limit";

const rule = { limit: 5, windowSeconds: 900 };

describe("rate limits in Postgres", () => {
  it("allow exactly the limit out of 50 parallel hits", async () => {
    const results = await Promise.all(Array.from({ length: 50 }, () => hitRateLimit("test:parallel", rule)));
    expect(results.filter((result) => result.allowed)).toHaveLength(5);
    const blocked = results.find((result) => !result.allowed);
    expect(blocked?.retryAfterSeconds).toBeGreaterThan(890);
    expect(blocked?.retryAfterSeconds).toBeLessThanOrEqual(900);
  });

  it("start a new window once the old one has passed", async () => {
    for (let i = 0; i < 6; i++) await hitRateLimit("test:window", rule);
    expect((await hitRateLimit("test:window", rule)).allowed).toBe(false);
    await db.$executeRaw`UPDATE rate_limits SET window_start = window_start - interval '900 seconds' WHERE key = 'test:window'`;
    expect(await hitRateLimit("test:window", rule)).toEqual({ allowed: true, retryAfterSeconds: 0 });
  });

  it("can forgive a hit and be reset", async () => {
    for (let i = 0; i < 5; i++) await hitRateLimit("test:forgive", rule);
    await forgiveRateLimitHit("test:forgive");
    expect((await hitRateLimit("test:forgive", rule)).allowed).toBe(true);
    expect((await hitRateLimit("test:forgive", rule)).allowed).toBe(false);
    await resetRateLimit("test:forgive");
    expect((await hitRateLimit("test:forgive", rule)).allowed).toBe(true);
  });
});
