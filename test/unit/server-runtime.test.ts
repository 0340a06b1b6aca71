import { describe, expect, it } from "vitest";
import { serverRuntimeEnv } from "@/scripts/server-runtime";

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
