import { describe, expect, it } from "vitest";
import { exposureWarning, isLoopback } from "@/server/listen-address";

describe("where the development server listens", () => {
  it.each(["127.0.0.1", "127.0.0.2", "::1", "[::1]", "localhost"])("%s is this machine only: no warning", (host) => {
    expect(isLoopback(host)).toBe(true);
    expect(exposureWarning(host, "http://localhost:3000/dev/mailbox")).toBeNull();
  });

  it.each(["0.0.0.0", "::", "192.168.1.20", "dev.example.com"])("%s reaches beyond it: a warning that names the mailbox", (host) => {
    expect(isLoopback(host)).toBe(false);
    const warning = exposureWarning(host, "http://localhost:3000/dev/mailbox") ?? "";
    expect(warning).toContain(`listens on ${host}`);
    expect(warning).toContain("http://localhost:3000/dev/mailbox");
    expect(warning).toContain("Unset HOST");
  });
});
