import { describe, expect, it } from "vitest";
import { clientAddress, normalizeIp } from "@/lib/http/client-address";

describe("the client address", () => {
  it("with no trusted proxy is the address the socket came from (the rightmost entry), whatever the client sent before it", () => {
    expect(clientAddress("203.0.113.7", 0)).toBe("203.0.113.7");
    expect(clientAddress("1.1.1.1, 2.2.2.2, 203.0.113.7", 0)).toBe("203.0.113.7");
  });

  it("with N trusted proxies is the (N + 1)th entry from the right: the one the outermost proxy appended", () => {
    expect(clientAddress("forged, 198.51.100.9, 10.0.0.2", 1)).toBe("198.51.100.9");
    expect(clientAddress("forged, 198.51.100.9, 10.0.0.3, 10.0.0.2", 2)).toBe("198.51.100.9");
  });

  it("with fewer entries than proxies is the leftmost one (the request skipped a proxy)", () => {
    expect(clientAddress("10.0.0.2", 2)).toBe("10.0.0.2");
  });

  it("is unknown when there is none or the chosen entry is no IP address", () => {
    expect(clientAddress(null, 0)).toBeNull();
    expect(clientAddress("", 0)).toBeNull();
    expect(clientAddress("<svg/data-x=7/onload=alert(7)>, 10.0.0.2", 1)).toBeNull();
    expect(clientAddress("1.2.3.4, unknown", 0)).toBeNull();
  });
});

describe("an IP address", () => {
  it.each([
    ["192.0.2.1", "192.0.2.1"],
    [" 192.0.2.1 ", "192.0.2.1"],
    ["192.0.2.1:8080", "192.0.2.1"],
    ["::ffff:192.0.2.1", "192.0.2.1"],
    ["2001:DB8::1", "2001:db8::1"],
    ["[2001:db8::1]:443", "2001:db8::1"],
    ["::1", "::1"],
  ])("%s is kept as %s", (input, expected) => {
    expect(normalizeIp(input)).toBe(expected);
  });

  it.each([
    "",
    "unknown",
    "999.1.1.1",
    "1.2.3",
    "<script>alert(1)</script>",
    "fe80::1%eth0",
    "1.2.3.4/24",
    "a".repeat(64),
    "192.0.2.1:99999",
  ])("%j is no address", (input) => {
    expect(normalizeIp(input)).toBeNull();
  });
});
