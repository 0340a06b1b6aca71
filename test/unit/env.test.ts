import { describe, expect, it } from "vitest";
import { parseEnv } from "@/lib/env";

const production = {
  NODE_ENV: "production",
  DATABASE_URL: "postgresql://app:secret@db.internal:5432/app",
  AUTH_SECRET: "x".repeat(40),
  APP_URL: "https://account.example.com/",
  RESEND_API_KEY: "re_test",
  EMAIL_FROM: "Security <security@example.com>",
  TOTP_ENCRYPTION_KEY: Buffer.alloc(32, 1).toString("base64"),
} as const;

describe("configuration", () => {
  it("accepts a complete production configuration", () => {
    const env = parseEnv({ ...production });
    expect(env).toMatchObject({ isProduction: true, devMailbox: false, APP_URL: "https://account.example.com", EMAIL_SEND_TIMEOUT_MS: 8000 });
  });

  it.each(["DATABASE_URL", "AUTH_SECRET", "APP_URL", "RESEND_API_KEY", "EMAIL_FROM", "TOTP_ENCRYPTION_KEY"])("fails fast in production without %s, naming it", (variable) => {
    const source: NodeJS.ProcessEnv = { ...production };
    delete source[variable];
    expect(() => parseEnv(source)).toThrow(new RegExp(`^Invalid configuration: ${variable}:`));
  });

  it.each([
    ["AUTH_SECRET", "too-short", /AUTH_SECRET: AUTH_SECRET must be at least 32/],
    ["APP_URL", "http://account.example.com", /APP_URL: .*https/],
    ["APP_URL", "not a url", /APP_URL/],
    ["DATABASE_URL", "mysql://x", /DATABASE_URL/],
    ["TOTP_ENCRYPTION_KEY", "c2hvcnQ=", /TOTP_ENCRYPTION_KEY: TOTP_ENCRYPTION_KEY must be 32 bytes/],
    ["TOTP_ENCRYPTION_KEYS_PREVIOUS", "c2hvcnQ=", /TOTP_ENCRYPTION_KEYS_PREVIOUS/],
  ])("refuses a malformed %s", (variable, value, message) => {
    expect(() => parseEnv({ ...production, [variable]: value })).toThrow(message);
  });

  it("needs nothing in development: defaults, the dev mailbox and a generated secret", () => {
    const env = parseEnv({ NODE_ENV: "development" });
    expect(env).toMatchObject({ isProduction: false, devMailbox: true, APP_URL: "http://localhost:3000" });
    expect(env.AUTH_SECRET.length).toBeGreaterThanOrEqual(32);
    expect(parseEnv({ NODE_ENV: "development" }).AUTH_SECRET).toBe(env.AUTH_SECRET);
  });

  it("allows loopback aliases of a localhost APP_URL in development only", () => {
    expect(parseEnv({ NODE_ENV: "development", APP_URL: "http://localhost:3100" }).allowedOrigins).toEqual(["http://localhost:3100", "http://127.0.0.1:3100", "http://[::1]:3100"]);
    expect(parseEnv({ ...production }).allowedOrigins).toEqual(["https://account.example.com"]);
  });
});
