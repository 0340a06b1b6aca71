import { execFileSync } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { buildServer } from "@/scripts/build-server";
import { serverCommand, serverRuntimeEnv } from "@/scripts/server-runtime";

describe("the production server's memory settings", () => {
  it("caps the V8 heap and fixes glibc's mmap threshold by default, keeping other options", () => {
    const env = serverRuntimeEnv({ NODE_ENV: "production", NODE_OPTIONS: "--enable-source-maps", PORT: "3000" });
    expect(env.NODE_OPTIONS).toBe("--enable-source-maps --max-old-space-size=160 --max-semi-space-size=8");
    expect(env.MALLOC_MMAP_THRESHOLD_).toBe("131072");
    expect(env.PORT).toBe("3000");
    expect(serverRuntimeEnv({ NODE_ENV: "production" }).NODE_OPTIONS).toBe("--max-old-space-size=160 --max-semi-space-size=8");
  });

  it("leaves an operator's own settings alone, flag by flag", () => {
    const env = serverRuntimeEnv({ NODE_ENV: "production", NODE_OPTIONS: "--max-old-space-size=1024", MALLOC_MMAP_THRESHOLD_: "65536" });
    expect(env.NODE_OPTIONS).toBe("--max-old-space-size=1024 --max-semi-space-size=8");
    expect(env.MALLOC_MMAP_THRESHOLD_).toBe("65536");
  });
});

describe("the production server's process", () => {
  it("runs the bundle the build made, with plain Node: no TypeScript loader or compiler in it", async () => {
    const distDir = await mkdtemp(path.join(tmpdir(), "server-bundle-"));
    try {
      const bundle = await buildServer(distDir);
      expect(serverCommand({ production: true, distDir })).toEqual({ command: process.execPath, args: [bundle] });
      const source = await readFile(bundle, "utf8");
      const imported = [...source.matchAll(/^import\s.*?from\s+"([^"]+)"/gm)].map((match) => match[1] ?? "");
      // Only packages and Node's own modules: every lib/ and server/ module is inside it, and
      // `server-only` (which throws outside React's server build) is gone.
      expect(
        imported.filter((specifier) => specifier.startsWith("@/") || specifier.startsWith(".") || specifier === "server-only"),
      ).toEqual([]);
      expect(imported).toContain("next");
      expect(source).toContain("startAppServer");
      expect(execFileSync(process.execPath, ["--check", bundle]).toString()).toBe("");
    } finally {
      await rm(distDir, { recursive: true, force: true });
    }
  });

  it("runs the source through tsx in development", () => {
    expect(serverCommand({ production: false }).args).toEqual([
      "--import",
      "tsx/esm",
      "--import",
      "./scripts/server-only-hook.mjs",
      "server/main.ts",
    ]);
  });
});
