import { describe, expect, it } from "vitest";
import { checkSameOrigin, originMatchesHost } from "@/lib/security/same-origin";

const APP = "https://account.example.com";
const ALLOWED = [APP];

describe("CSRF same-origin guard", () => {
  it("allows the app's own origin", () => {
    expect(checkSameOrigin(new Headers({ origin: APP, "sec-fetch-site": "same-origin" }), ALLOWED)).toEqual({ ok: true });
  });

  it.each([
    [{}, "missing_origin"],
    [{ origin: "https://evil.test" }, "foreign_origin"],
    [{ origin: "null" }, "foreign_origin"],
    [{ origin: "https://account.example.com.evil.test" }, "foreign_origin"],
    [{ origin: "http://account.example.com" }, "foreign_origin"],
    [{ origin: APP, "sec-fetch-site": "cross-site" }, "cross_site"],
  ])("refuses %j", (headers, reason) => {
    expect(checkSameOrigin(new Headers(headers), ALLOWED)).toEqual({ ok: false, reason });
  });
});

describe("a server action's Origin against the host it was sent to", () => {
  it.each([
    [{ origin: APP, host: "account.example.com" }, true],
    [{ origin: APP, host: "internal:3000", "x-forwarded-host": "account.example.com" }, true],
    [{ origin: APP, "x-forwarded-host": "account.example.com, proxy.internal" }, true],
    [{ origin: APP, host: "evil.test" }, false],
    [{ origin: APP, host: "account.example.com", "x-forwarded-host": "evil.test" }, false],
    [{ host: "account.example.com" }, false],
    [{ origin: "null", host: "account.example.com" }, false],
  ])("%j → %s", (headers, expected) => {
    expect(originMatchesHost(new Headers(headers))).toBe(expected);
  });
});
