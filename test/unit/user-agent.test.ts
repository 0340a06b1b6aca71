import { describe, expect, it, vi } from "vitest";

// Counts the parser's calls; the real parser still runs.
const parses = vi.hoisted(() => ({ count: 0 }));
vi.mock("ua-parser-js", async (importOriginal) => {
  const original = await importOriginal<typeof import("ua-parser-js")>();
  return { ...original, UAParser: (...args: Parameters<typeof original.UAParser>) => ((parses.count += 1), original.UAParser(...args)) };
});

const { describeUserAgent } = await import("@/lib/http/user-agent");

const FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:131.0) Gecko/20100101 Firefox/131.0";
const CHROME = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36";

describe("describeUserAgent", () => {
  it("names the browser and system, and parses each agent once however often it is shown", () => {
    const before = parses.count;
    const shown = Array.from({ length: 50 }, (_, index) => describeUserAgent(index % 2 ? FIREFOX : CHROME));
    expect(new Set(shown)).toEqual(new Set(["Firefox 131 on Windows 10", "Chrome 130 on Linux"]));
    expect(parses.count - before).toBe(2);
  });

  it("says so when there is no agent, and stays bounded however many distinct agents it sees", () => {
    expect(describeUserAgent(null)).toBe("Unknown device");
    for (let index = 0; index < 2_500; index++) expect(describeUserAgent(`Agent/${index}`)).toBe("Unknown browser");
    const before = parses.count;
    describeUserAgent(FIREFOX);
    // Forgotten when the remembered agents were cleared at the bound: parsed again.
    expect(parses.count - before).toBe(1);
  });
});
