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
  TRUSTED_PROXIES: "1",
} as const;

describe("configuration", () => {
  it("accepts a complete production configuration", () => {
    const env = parseEnv({ ...production });
    expect(env).toMatchObject({
      isProduction: true,
      devMailbox: false,
      APP_URL: "https://account.example.com",
      EMAIL_SEND_TIMEOUT_MS: 8000,
    });
  });

  it.each(["DATABASE_URL", "AUTH_SECRET", "APP_URL", "RESEND_API_KEY", "EMAIL_FROM", "TOTP_ENCRYPTION_KEY", "TRUSTED_PROXIES"])(
    "fails fast in production without %s, naming it",
    (variable) => {
      const source: NodeJS.ProcessEnv = { ...production };
      delete source[variable];
      expect(() => parseEnv(source)).toThrow(new RegExp(`^Invalid configuration: ${variable}:`));
    },
  );

  it.each([
    ["AUTH_SECRET", "too-short", /AUTH_SECRET: AUTH_SECRET must be at least 32/],
    ["APP_URL", "http://account.example.com", /APP_URL: .*https/],
    ["APP_URL", "not a url", /APP_URL/],
    ["DATABASE_URL", "mysql://x", /DATABASE_URL/],
    ["TOTP_ENCRYPTION_KEY", "c2hvcnQ=", /TOTP_ENCRYPTION_KEY: TOTP_ENCRYPTION_KEY must be 32 bytes/],
    ["TOTP_ENCRYPTION_KEYS_PREVIOUS", "c2hvcnQ=", /TOTP_ENCRYPTION_KEYS_PREVIOUS/],
    ["TRUSTED_PROXIES", "-1", /TRUSTED_PROXIES: TRUSTED_PROXIES must be 0 or more/],
    ["TRUSTED_PROXIES", "one", /TRUSTED_PROXIES: TRUSTED_PROXIES must be a whole number/],
    ["PORT", "70000", /PORT: PORT must be a port number/],
  ])("refuses a malformed %s", (variable, value, message) => {
    expect(() => parseEnv({ ...production, [variable]: value })).toThrow(message);
  });

  it("needs nothing in development: defaults, the dev mailbox and a generated secret", () => {
    const env = parseEnv({ NODE_ENV: "development" });
    expect(env).toMatchObject({ isProduction: false, devMailbox: true, APP_URL: "http://localhost:3000" });
    expect(env.AUTH_SECRET.length).toBeGreaterThanOrEqual(32);
    expect(parseEnv({ NODE_ENV: "development" }).AUTH_SECRET).toBe(env.AUTH_SECRET);
  });

  it("says what TRUSTED_PROXIES means when production leaves it out", () => {
    const { TRUSTED_PROXIES: _left, ...withoutIt } = production;
    expect(() => parseEnv(withoutIt)).toThrow(
      "Invalid configuration: TRUSTED_PROXIES: TRUSTED_PROXIES is not set: the number of proxies in front of the app that append X-Forwarded-For (0 when clients connect to it directly)",
    );
    expect(parseEnv({ ...production, TRUSTED_PROXIES: "0" }).TRUSTED_PROXIES).toBe(0);
  });

  it("listens on loopback in development and on every interface in production, by default", () => {
    expect(parseEnv({ NODE_ENV: "development" })).toMatchObject({ HOST: "127.0.0.1", PORT: 3000, TRUSTED_PROXIES: 0 });
    expect(parseEnv({ NODE_ENV: "development", APP_URL: "http://localhost:3100" }).PORT).toBe(3100);
    expect(parseEnv({ NODE_ENV: "development", HOST: "0.0.0.0", PORT: "4000" })).toMatchObject({ HOST: "0.0.0.0", PORT: 4000 });
    expect(parseEnv({ ...production })).toMatchObject({ HOST: "0.0.0.0", PORT: 3000, TRUSTED_PROXIES: 1 });
  });

  it("allows loopback aliases of a localhost APP_URL in development only", () => {
    expect(parseEnv({ NODE_ENV: "development", APP_URL: "http://localhost:3100" }).allowedOrigins).toEqual([
      "http://localhost:3100",
      "http://127.0.0.1:3100",
      "http://[::1]:3100",
    ]);
    expect(parseEnv({ ...production }).allowedOrigins).toEqual(["https://account.example.com"]);
  });
});
