import { NextRequest } from "next/server";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { Env } from "@/lib/env";
import { contentSecurityPolicy, createNonce, securityHeaders } from "@/lib/security/headers";

const state = vi.hoisted(() => ({ env: undefined as Env | undefined }));
vi.mock("@/lib/env", async (importOriginal) => {
  const actual = await importOriginal<typeof import("@/lib/env")>();
  return { ...actual, getEnv: () => state.env ?? actual.getEnv() };
});

const { parseEnv } = await import("@/lib/env");
const { proxy } = await import("@/proxy");

const SECRETS = {
  AUTH_SECRET: "x".repeat(40),
  TOTP_ENCRYPTION_KEY: Buffer.alloc(32, 1).toString("base64"),
  EMAIL_FROM: "Security <security@example.com>",
};
const PRODUCTION = {
  ...SECRETS,
  NODE_ENV: "production" as const,
  APP_URL: "https://account.example.com",
  DATABASE_URL: "postgresql://app@db.internal/app",
  RESEND_API_KEY: "re_test",
  TRUSTED_PROXIES: "1",
};
const DEVELOPMENT = { ...SECRETS, NODE_ENV: "development" as const, APP_URL: "http://localhost:3000" };

const NONCE = "c2VjdXJpdHktdGVzdC1ub25jZQ==";

/** The CSP as a map from directive to its sources. */
function directives(policy: string): Map<string, string[]> {
  return new Map(
    policy.split(";").map((directive) => {
      const [name = "", ...sources] = directive.trim().split(/\s+/);
      return [name, sources];
    }),
  );
}

describe("content security policy", () => {
  const production = directives(contentSecurityPolicy(NONCE, { isProduction: true, https: true }));
  const development = directives(contentSecurityPolicy(NONCE, { isProduction: false, https: false }));

  it("runs only scripts carrying this request's nonce, never inline ones", () => {
    expect(production.get("script-src")).toEqual(["'self'", `'nonce-${NONCE}'`, "'strict-dynamic'"]);
    for (const policy of [production, development]) {
      expect(policy.get("script-src")).not.toContain("'unsafe-inline'");
      expect(policy.get("script-src")).toContain(`'nonce-${NONCE}'`);
    }
  });

  it("locks down everything else", () => {
    for (const policy of [production, development]) {
      expect(policy.get("default-src")).toEqual(["'self'"]);
      expect(policy.get("style-src")).toEqual(["'self'", "'unsafe-inline'"]);
      expect(policy.get("img-src")).toEqual(["'self'", "data:", "blob:"]);
      expect(policy.get("object-src")).toEqual(["'none'"]);
      expect(policy.get("base-uri")).toEqual(["'none'"]);
      expect(policy.get("form-action")).toEqual(["'self'"]);
      expect(policy.get("frame-ancestors")).toEqual(["'none'"]);
    }
    expect(production.get("connect-src")).toEqual(["'self'"]);
  });

  it("allows eval and the hot-reload socket only outside production", () => {
    expect(production.get("script-src")).not.toContain("'unsafe-eval'");
    expect(development.get("script-src")).toContain("'unsafe-eval'");
    expect(development.get("connect-src")).toEqual(["'self'", "ws:", "wss:"]);
  });

  it("upgrades insecure requests only over https", () => {
    expect(production.has("upgrade-insecure-requests")).toBe(true);
    expect(development.has("upgrade-insecure-requests")).toBe(false);
  });

  it("makes a fresh 128-bit nonce each time", () => {
    const nonces = new Set(Array.from({ length: 100 }, createNonce));
    expect(nonces.size).toBe(100);
    for (const nonce of nonces) expect(Buffer.from(nonce, "base64")).toHaveLength(16);
  });
});

describe("other security headers", () => {
  it.each([
    ["Referrer-Policy", "strict-origin"],
    ["X-Content-Type-Options", "nosniff"],
    ["X-Frame-Options", "DENY"],
    ["Cross-Origin-Opener-Policy", "same-origin"],
    ["Cross-Origin-Resource-Policy", "same-origin"],
  ])("sets %s: %s", (name, value) => {
    expect(securityHeaders({ https: true })[name]).toBe(value);
    expect(securityHeaders({ https: false })[name]).toBe(value);
  });

  it("turns off powerful browser features", () => {
    const features = securityHeaders({ https: true })["Permissions-Policy"]?.split(", ") ?? [];
    for (const feature of ["camera", "microphone", "geolocation", "payment", "usb", "interest-cohort", "browsing-topics"]) {
      expect(features).toContain(`${feature}=()`);
    }
  });

  it("allows passkeys for the app's own origin only", () => {
    const features = securityHeaders({ https: true })["Permissions-Policy"]?.split(", ") ?? [];
    expect(features).toContain("publickey-credentials-create=(self)");
    expect(features).toContain("publickey-credentials-get=(self)");
  });

  it("sends HSTS only over https", () => {
    expect(securityHeaders({ https: true })["Strict-Transport-Security"]).toBe("max-age=63072000; includeSubDomains");
    expect(securityHeaders({ https: false })).not.toHaveProperty("Strict-Transport-Security");
  });
});

describe("proxy", () => {
  beforeEach(() => {
    state.env = parseEnv(PRODUCTION);
  });

  function request(path: string, init: { method?: string; headers?: Record<string, string> } = {}): NextRequest {
    return new NextRequest(new URL(path, state.env?.APP_URL), init);
  }

  function cspNonce(response: Response): string | undefined {
    return /'nonce-([^']+)'/.exec(response.headers.get("content-security-policy") ?? "")?.[1];
  }

  it("gives a page a fresh nonce, in the response's CSP and in the request Next.js renders from", () => {
    const first = proxy(request("/login"));
    const second = proxy(request("/login"));

    const nonce = cspNonce(first);
    expect(nonce).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    expect(cspNonce(second)).not.toBe(nonce);
    expect(first.headers.get("content-security-policy")).toBe(contentSecurityPolicy(nonce ?? "", { isProduction: true, https: true }));
    expect(first.headers.get("x-middleware-request-content-security-policy")).toBe(first.headers.get("content-security-policy"));
    expect(first.headers.get("x-middleware-request-x-nonce")).toBe(nonce);
  });

  it("replaces a nonce or policy the client sent", () => {
    const response = proxy(
      request("/login", { headers: { "x-nonce": "attacker", "content-security-policy": "script-src 'nonce-attacker'" } }),
    );
    expect(response.headers.get("x-middleware-request-x-nonce")).toBe(cspNonce(response));
    expect(response.headers.get("x-middleware-request-content-security-policy")).not.toContain("attacker");
  });

  // Every other header, and the policy that loads nothing for what is not HTML, is added on the way
  // out by the front door (test/unit/front-door.test.ts), whoever wrote the response.
  it("leaves responses that are not pages without a page policy", () => {
    expect(proxy(request("/api/v1/me")).headers.get("content-security-policy")).toBeNull();
    expect(proxy(request("/api/health")).headers.get("x-middleware-request-x-nonce")).toBeNull();
  });

  it.each([
    ["a cross-site post", "/settings/security", { method: "POST", headers: { origin: "https://evil.test" } }],
    ["a post without Origin", "/settings/security", { method: "POST" }],
    [
      "a server action under /api/v1/, which the CSRF exemption for bearer clients does not cover",
      "/api/v1/me",
      { method: "POST", headers: { "next-action": "7f00" } },
    ],
    ["a server action sent with GET", "/login", { headers: { "next-action": "7f00" } }],
    [
      "a server action whose Origin is the app's but whose Host is not (Next.js would answer 500)",
      "/login",
      {
        method: "POST",
        headers: { "next-action": "7f00", origin: "https://account.example.com", host: "evil.test", "x-forwarded-host": "evil.test" },
      },
    ],
  ])("refuses %s with 403 and the JSON error", async (_label, path, init) => {
    const refused = proxy(request(path, init));
    expect(refused.status).toBe(403);
    expect(await refused.json()).toEqual({ error: "cross_site_request", message: "Cross-site request blocked." });
  });

  it("lets a same-origin server action through, and a bearer client's POST to /api/v1/ (no cookies, no CSRF)", () => {
    const action = proxy(
      request("/login", {
        method: "POST",
        headers: { "next-action": "7f00", origin: "https://account.example.com", host: "account.example.com" },
      }),
    );
    expect(action.status).toBe(200);
    expect(proxy(request("/api/v1/me", { method: "POST", headers: { authorization: "Bearer asec_x" } })).status).toBe(200);
  });

  it("in development over http: eval and the hot-reload socket allowed, no HSTS", () => {
    state.env = parseEnv(DEVELOPMENT);
    const response = proxy(request("/login"));
    const policy = directives(response.headers.get("content-security-policy") ?? "");
    expect(policy.get("script-src")).toContain("'unsafe-eval'");
    expect(policy.get("connect-src")).toContain("ws:");
    expect(policy.has("upgrade-insecure-requests")).toBe(false);
  });
});
