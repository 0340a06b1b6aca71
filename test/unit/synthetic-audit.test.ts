import { describe, expect, it } from "vitest";
import { typesMissingFromMix } from "@/tooling/synthetic-audit";

describe("the synthetic audit mix (npm run audit:seed, bench:audit)", () => {
  it("produces every event type the product records, so the benchmark's queries see them all", () => {
    expect(typesMissingFromMix()).toEqual([]);
  });
});
