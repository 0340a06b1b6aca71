import "server-only";
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";

/**
 * The only module that reads process.env. Parsed once, on first use, so that
 * `next build` works without production secrets while `npm start` fails fast.
 */

const DATA_DIR = path.join(process.cwd(), ".data");
const DEV_SECRETS_FILE = path.join(DATA_DIR, "dev-secrets.json");

const nonEmpty = (name: string) =>
  z
    .string({ error: `${name} is not set` })
    .trim()
    .min(1, `${name} is not set`);

const databaseUrl = nonEmpty("DATABASE_URL").regex(/^postgres(ql)?:\/\//, "DATABASE_URL must be a postgres:// or postgresql:// URL");

const encryptionKey = (name: string) =>
  nonEmpty(name).refine(
    (value) => Buffer.from(value, "base64").length === 32,
    `${name} must be 32 bytes in base64 (try \`openssl rand -base64 32\`)`,
  );

const trustedProxies = z
  .number({ error: "TRUSTED_PROXIES must be a whole number" })
  .int("TRUSTED_PROXIES must be a whole number")
  .min(0, "TRUSTED_PROXIES must be 0 or more")
  .max(16, "TRUSTED_PROXIES must be at most 16");

const TRUSTED_PROXIES_UNSET =
  "TRUSTED_PROXIES is not set: the number of proxies in front of the app that append X-Forwarded-For (0 when clients connect to it directly)";

const baseSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  DATABASE_URL: databaseUrl.optional(),
  AUTH_SECRET: nonEmpty("AUTH_SECRET").min(32, "AUTH_SECRET must be at least 32 characters (try `openssl rand -base64 32`)"),
  APP_URL: z
    .url({ protocol: /^https?$/, error: "APP_URL must be an absolute http(s) URL, e.g. https://account.example.com" })
    .transform((url) => new URL(url).origin),
  RESEND_API_KEY: z.string().trim().min(1).optional(),
  EMAIL_FROM: nonEmpty("EMAIL_FROM"),
  EMAIL_SEND_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(8_000),
  SESSION_MAX_AGE_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 90)
    .default(24 * 7),
  SESSION_IDLE_TIMEOUT_MINUTES: z.coerce
    .number()
    .int()
    .min(5)
    .max(60 * 24 * 30)
    .default(12 * 60),
  // After a password reset or an email change, the changes that would lock the owner out wait this long (0: no hold).
  RECOVERY_HOLD_HOURS: z.coerce
    .number()
    .int()
    .min(0)
    .max(24 * 30)
    .default(24),
  // Background jobs (lib/jobs): "in-process" runs the workers inside each app server process;
  // "off" when they run as their own process instead (`npm run worker`).
  JOB_WORKERS: z.enum(["in-process", "off"]).default("in-process"),
  // A job still running after this long is taken for dead (its process killed) and retried.
  JOB_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(3600).default(300),
  // Off unless set: revoke tokens nobody has used for this many days (checked hourly).
  TOKEN_AUTO_REVOKE_UNUSED_DAYS: z.coerce.number().int().min(7).max(3650).optional(),
  // Off unless set: delete audit events older than this many days (daily; at least 30).
  AUDIT_RETENTION_DAYS: z.coerce.number().int().min(30).max(36500).optional(),
  // The bearer API (/api/v1): requests per minute per token, and per client address (whatever the token, or none).
  API_RATE_LIMIT_PER_TOKEN: z.coerce.number().int().min(1).max(100_000).default(120),
  API_RATE_LIMIT_PER_IP: z.coerce.number().int().min(1).max(100_000).default(600),
  // An audit stream destination that has failed for this long is paused and the admins are emailed.
  AUDIT_STREAM_PAUSE_AFTER_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(60 * 24 * 30)
    .default(24 * 60),
  // base64 of 32 bytes; encrypts TOTP secrets. Old keys stay readable while listed in the _PREVIOUS variable.
  TOTP_ENCRYPTION_KEY: encryptionKey("TOTP_ENCRYPTION_KEY"),
  TOTP_ENCRYPTION_KEYS_PREVIOUS: z
    .string()
    .trim()
    .default("")
    .transform((list) =>
      list
        .split(",")
        .map((key) => key.trim())
        .filter(Boolean),
    )
    .pipe(z.array(encryptionKey("TOTP_ENCRYPTION_KEYS_PREVIOUS"))),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error", "silent"]).default("info"),
  // How many proxies in front of the app append to X-Forwarded-For: 0 means clients connect to it
  // directly, so no X-Forwarded-For they send is believed (lib/http/client-address.ts).
  TRUSTED_PROXIES: z.coerce.number({ error: "TRUSTED_PROXIES must be a whole number" }).pipe(trustedProxies).default(0),
  // Where the app's HTTP server listens. Development stays on loopback: its mailbox holds every code.
  HOST: z.string().trim().min(1).default("127.0.0.1"),
  PORT: z.coerce
    .number({ error: "PORT must be a port number" })
    .int()
    .min(1, "PORT must be a port number")
    .max(65_535, "PORT must be a port number")
    .optional(),
});

const productionSchema = baseSchema.extend({
  DATABASE_URL: databaseUrl,
  RESEND_API_KEY: nonEmpty("RESEND_API_KEY"),
  APP_URL: z
    .url({ protocol: /^https$/, error: "APP_URL must be an absolute https:// URL in production" })
    .transform((url) => new URL(url).origin),
  // No default in production: 0 behind a load balancer puts every client behind one address, and
  // 1 without one lets every client choose its own.
  TRUSTED_PROXIES: z.string({ error: TRUSTED_PROXIES_UNSET }).trim().min(1, TRUSTED_PROXIES_UNSET).transform(Number).pipe(trustedProxies),
  HOST: z.string().trim().min(1).default("0.0.0.0"),
});

export type Env = Omit<z.infer<typeof baseSchema>, "PORT"> & {
  /** The port the app's HTTP server listens on: PORT, else APP_URL's port in development, else 3000. */
  PORT: number;
  isProduction: boolean;
  /** The dev mailbox replaces real email only outside production and without a Resend key. */
  devMailbox: boolean;
  /** Origins allowed to post (CSRF guard): APP_URL, plus its loopback aliases in development. */
  allowedOrigins: string[];
  /** Cookies are `Secure` (and next-auth's get the `__Secure-` prefix) whenever the app is served over https. */
  secureCookies: boolean;
};

export class ConfigError extends Error {
  override name = "ConfigError";
}

let cached: Env | undefined;

export function getEnv(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}

export function parseEnv(source: NodeJS.ProcessEnv): Env {
  const isProduction = source.NODE_ENV === "production";
  const input = isProduction ? { ...source } : { ...developmentDefaults(source), ...definedOnly(source) };
  const result = (isProduction ? productionSchema : baseSchema).safeParse(input);
  if (!result.success) {
    const issue = result.error.issues[0];
    const variable = issue?.path.join(".") || "environment";
    throw new ConfigError(`Invalid configuration: ${variable}: ${issue?.message ?? "invalid"}`);
  }
  const parsed = result.data;
  return {
    ...parsed,
    PORT: parsed.PORT ?? (isProduction ? 3000 : Number(new URL(parsed.APP_URL).port || 3000)),
    isProduction,
    devMailbox: !isProduction && !parsed.RESEND_API_KEY,
    allowedOrigins: allowedOrigins(parsed.APP_URL, isProduction),
    secureCookies: parsed.APP_URL.startsWith("https://"),
  };
}

const LOOPBACK_NAMES = ["localhost", "127.0.0.1", "[::1]"];

// In development, http://127.0.0.1:3000 is the same app as http://localhost:3000; in production only APP_URL.
function allowedOrigins(appUrl: string, isProduction: boolean): string[] {
  const url = new URL(appUrl);
  if (isProduction || !LOOPBACK_NAMES.includes(url.hostname)) return [appUrl];
  return LOOPBACK_NAMES.map((hostname) => `${url.protocol}//${hostname}${url.port ? `:${url.port}` : ""}`);
}

function definedOnly(source: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(source).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== ""));
}

function developmentDefaults(source: NodeJS.ProcessEnv): Record<string, string> {
  return {
    APP_URL: "http://localhost:3000",
    EMAIL_FROM: "Account Security <security@localhost>",
    ...(source.AUTH_SECRET ? {} : { AUTH_SECRET: devSecret("AUTH_SECRET") }),
    ...(source.TOTP_ENCRYPTION_KEY ? {} : { TOTP_ENCRYPTION_KEY: devSecret("TOTP_ENCRYPTION_KEY", "base64") }),
  };
}

/** Development secrets are generated once and kept under .data/ so sessions survive restarts. */
function devSecret(name: string, encoding: BufferEncoding = "base64url"): string {
  const secrets = readDevSecrets();
  const existing = secrets[name];
  if (existing) return existing;
  const created = randomBytes(32).toString(encoding);
  mkdirSync(DATA_DIR, { recursive: true });
  writeFileSync(DEV_SECRETS_FILE, JSON.stringify({ ...secrets, [name]: created }, null, 2), { mode: 0o600 });
  return created;
}

function readDevSecrets(): Record<string, string> {
  try {
    return z.record(z.string(), z.string()).parse(JSON.parse(readFileSync(DEV_SECRETS_FILE, "utf8")));
  } catch {
    return {};
  }
}

export function requireDatabaseUrl(): string {
  const url = getEnv().DATABASE_URL;
  if (!url) throw new ConfigError("Invalid configuration: DATABASE_URL: not set (`npm run dev` starts an embedded Postgres for you)");
  return url;
}
