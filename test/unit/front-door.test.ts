import { createHash } from "node:crypto";
import { request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { PHASE_DEVELOPMENT_SERVER, PHASE_PRODUCTION_BUILD, PHASE_PRODUCTION_SERVER } from "next/constants.js";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { NON_HTML_CONTENT_SECURITY_POLICY, securityHeaders } from "@/lib/security/headers";
import { BODY_LIMIT_BYTES, listen } from "@/server/app-server";
import { createFrontDoorServer, type FrontDoorOptions } from "@/server/front-door";

/**
 * The front door (server/front-door.ts) in front of a stand-in for Next.js that records what got
 * through: each case is a real HTTP request over loopback.
 */

type Seen = { path: string; body: string; headers: IncomingMessage["headers"] };
const seen: Seen[] = [];
const logged: { level: string; event: string; fields: Record<string, string | number> }[] = [];

/** What the stand-in answers: by path, the kinds of response Next.js writes. */
async function standIn(request: IncomingMessage, response: ServerResponse): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks).toString("utf8");
  const path = request.url ?? "/";
  seen.push({ path, body, headers: request.headers });
  if (path.startsWith("/page")) {
    response.setHeader("Content-Security-Policy", "default-src 'self'; script-src 'nonce-abc'");
    response.setHeader("Content-Type", "text/html; charset=utf-8");
    response.end("<!doctype html><p>page</p>");
  } else if (path.startsWith("/csv")) {
    response.writeHead(200, { "Content-Type": "text/csv", "Content-Security-Policy": "default-src 'self'" });
    response.end("a,b\n");
  } else if (path.startsWith("/redirect")) {
    response.writeHead(307, { Location: "/login" });
    response.end();
  } else if (path.startsWith("/static.js")) {
    response.writeHead(200, ["Content-Type", "application/javascript"]);
    response.end("void 0");
  } else {
    response.setHeader("Content-Type", "application/json");
    response.end(JSON.stringify({ length: Buffer.byteLength(body), sha256: createHash("sha256").update(body).digest("hex") }));
  }
}

function doorOptions(overrides: Partial<FrontDoorOptions> = {}): FrontDoorOptions {
  return {
    bodyLimitBytes: BODY_LIMIT_BYTES,
    trustedProxies: 0,
    headers: { isProduction: true, https: true },
    log: (level, event, fields) => logged.push({ level, event, fields }),
    ...overrides,
  };
}

let server: Server;
let base: string;
let proxied: Server;
let proxiedBase: string;

beforeAll(async () => {
  server = createFrontDoorServer(standIn, doorOptions());
  base = `http://127.0.0.1:${(await listen(server, "127.0.0.1", 0)).port}`;
  proxied = createFrontDoorServer(standIn, doorOptions({ trustedProxies: 1 }));
  proxiedBase = `http://127.0.0.1:${(await listen(proxied, "127.0.0.1", 0)).port}`;
});

afterAll(async () => {
  await Promise.all([server, proxied].map((each) => new Promise((resolve) => each.close(resolve))));
});

beforeEach(() => {
  seen.length = 0;
  logged.length = 0;
});

/** A raw request (fetch would not send Expect or our own Host). */
function raw(options: {
  path: string;
  method?: string;
  headers?: Record<string, string | number>;
  body?: Buffer | string;
  waitForContinue?: boolean;
}): Promise<{ status: number; headers: IncomingMessage["headers"]; body: string; sentBody: boolean }> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    let sentBody = false;
    const outgoing = httpRequest(
      { host: url.hostname, port: url.port, path: options.path, method: options.method ?? "POST", headers: options.headers },
      (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
        incoming.on("end", () =>
          resolve({ status: incoming.statusCode ?? 0, headers: incoming.headers, body: Buffer.concat(chunks).toString("utf8"), sentBody }),
        );
      },
    );
    outgoing.on("error", reject);
    const send = () => {
      sentBody = true;
      outgoing.end(options.body);
    };
    if (options.waitForContinue) outgoing.on("continue", send);
    else send();
  });
}

const ACTION_HEADERS = { "next-action": "7f00", "content-type": "text/plain;charset=UTF-8", origin: "https://app.example" };

describe("the client address", () => {
  it("is appended from the socket, after whatever the client sent", async () => {
    await fetch(`${base}/echo`, { headers: { "x-forwarded-for": "6.6.6.6" } });
    expect(seen[0]?.headers["x-forwarded-for"]).toBe("6.6.6.6, 127.0.0.1");
  });

  it("without a trusted proxy, the X-Forwarded-Host/Proto/Port a client sends are dropped", async () => {
    await fetch(`${base}/echo`, { headers: { "x-forwarded-host": "evil.test", "x-forwarded-proto": "https", "x-forwarded-port": "443" } });
    expect(seen[0]?.headers).not.toHaveProperty("x-forwarded-host");
    expect(seen[0]?.headers).not.toHaveProperty("x-forwarded-proto");
    expect(seen[0]?.headers).not.toHaveProperty("x-forwarded-port");
  });

  it("behind a trusted proxy, its X-Forwarded headers are kept", async () => {
    await fetch(`${proxiedBase}/echo`, {
      headers: { "x-forwarded-for": "198.51.100.9", "x-forwarded-host": "app.example", "x-forwarded-proto": "https" },
    });
    expect(seen[0]?.headers).toMatchObject({
      "x-forwarded-for": "198.51.100.9, 127.0.0.1",
      "x-forwarded-host": "app.example",
      "x-forwarded-proto": "https",
    });
  });
});

describe("request bodies", () => {
  it("are limited to what Next.js allows a server action (next.config.js), so its own failure (a 500) is never reached", async () => {
    const file = pathToFileURL(path.join(process.cwd(), "next.config.js")).href;
    type Config = { experimental: { serverActions: { bodySizeLimit: string } } };
    const { default: configFor } = (await import(file)) as { default: (phase: string) => Promise<Config> };
    // The production server reads it without next-intl's build plugin; builds and development with it.
    for (const phase of [PHASE_PRODUCTION_SERVER, PHASE_PRODUCTION_BUILD, PHASE_DEVELOPMENT_SERVER]) {
      const config = await configFor(phase);
      expect(config.experimental.serverActions.bodySizeLimit).toBe(`${BODY_LIMIT_BYTES / 1024}kb`);
    }
  });

  it("up to the limit reach the app unchanged", async () => {
    const body = "é".repeat(BODY_LIMIT_BYTES / 2);
    const response = await fetch(`${base}/echo`, { method: "POST", body });
    expect(await response.json()).toEqual({ length: BODY_LIMIT_BYTES, sha256: createHash("sha256").update(body).digest("hex") });
  });

  it.each([
    ["declared one byte over the limit", BODY_LIMIT_BYTES + 1],
    ["of 5 MB", 5_000_000],
  ])("%s: 413 with the JSON error, the app never called, the client still reads the answer", async (_label, size) => {
    const response = await fetch(`${base}/login`, { method: "POST", headers: ACTION_HEADERS, body: "a".repeat(size) });
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({
      error: "payload_too_large",
      message: "What was sent is larger than the 64 KB this app accepts.",
    });
    expect(seen).toEqual([]);
    expect(logged).toEqual([
      { level: "info", event: "request.refused", fields: { status: 413, error: "payload_too_large", path: "/login" } },
    ]);
  });

  it("streamed without a length, past the limit: 413", async () => {
    const stream = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 20; i++) controller.enqueue(new Uint8Array(8 * 1024));
        controller.close();
      },
    });
    const response = await fetch(`${base}/login`, { method: "POST", headers: ACTION_HEADERS, body: stream, duplex: "half" } as RequestInit);
    expect(response.status).toBe(413);
    expect(seen).toEqual([]);
  });

  it("asking `Expect: 100-continue` for too much: 413 and the body is never invited", async () => {
    const answer = await raw({
      path: "/login",
      headers: { ...ACTION_HEADERS, expect: "100-continue", "content-length": 1_000_000 },
      body: "a".repeat(1_000_000),
      waitForContinue: true,
    });
    expect(answer.status).toBe(413);
    expect(answer.sentBody).toBe(false);
    expect(seen).toEqual([]);
  });

  it("a form posted without JavaScript is refused with a page a person can read", async () => {
    const response = await fetch(`${base}/login`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", "sec-fetch-dest": "document" },
      body: `password=${"a".repeat(70_000)}`,
    });
    expect(response.status).toBe(413);
    expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(await response.text()).toContain("Go back, shorten what you entered and send it again.");
  });
});

describe("server-action requests", () => {
  it("under /api/ are answered 405 before anything reads them", async () => {
    const response = await fetch(`${base}/api/v1/anything`, {
      method: "POST",
      headers: { "next-action": "7f00", "content-type": "text/plain" },
      body: "hello",
    });
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("GET, HEAD");
    expect(await response.json()).toMatchObject({ error: "method_not_allowed" });
    expect(seen).toEqual([]);
  });

  it("with a body React cannot decode are answered 400, naming the reason only in the log", async () => {
    const response = await fetch(`${base}/login`, {
      method: "POST",
      headers: ACTION_HEADERS,
      body: "[".repeat(30_000) + "]".repeat(30_000),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: "malformed_request", message: "The request could not be read." });
    expect(seen).toEqual([]);
    expect(logged[0]?.fields).toMatchObject({ status: 400, reason: "nested deeper than 32 levels" });
  });

  it("that are well formed reach the app with their body intact", async () => {
    const body = JSON.stringify([{ ok: false }, { email: "a@b.co", password: "x" }]);
    await fetch(`${base}/login`, { method: "POST", headers: ACTION_HEADERS, body });
    expect(seen[0]?.body).toBe(body);
  });

  it("from a client that goes away mid-body end quietly: the app is not called, nothing is thrown", async () => {
    const url = new URL(base);
    await new Promise<void>((resolve) => {
      const outgoing = httpRequest({
        host: url.hostname,
        port: url.port,
        path: "/login",
        method: "POST",
        headers: { ...ACTION_HEADERS, "content-length": 10_000 },
      });
      outgoing.on("error", () => resolve());
      outgoing.write("a".repeat(100), () => setTimeout(() => outgoing.destroy(), 50));
      outgoing.on("close", () => resolve());
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(seen).toEqual([]);
    expect((await fetch(`${base}/echo`)).status).toBe(200);
  });
});

describe("response headers", () => {
  const common = Object.entries(securityHeaders({ https: true }));

  it.each([
    ["a page", "/page"],
    ["JSON", "/echo"],
    ["a CSV download", "/csv"],
    ["a redirect", "/redirect"],
    ["a static script", "/static.js"],
    ["the front door's own refusal", "/api/refused"],
  ])("%s carries every security header", async (_label, path) => {
    const response = await fetch(`${base}${path}`, {
      method: path === "/api/refused" ? "POST" : "GET",
      headers: path === "/api/refused" ? { "next-action": "1" } : {},
      redirect: "manual",
    });
    for (const [name, value] of common) expect(response.headers.get(name)).toBe(value);
  });

  it("a page keeps the policy proxy.ts gave it; everything that is not HTML gets the policy that loads nothing", async () => {
    expect((await fetch(`${base}/page`)).headers.get("content-security-policy")).toBe("default-src 'self'; script-src 'nonce-abc'");
    for (const path of ["/echo", "/csv", "/redirect", "/static.js"]) {
      expect((await fetch(`${base}${path}`, { redirect: "manual" })).headers.get("content-security-policy")).toBe(
        NON_HTML_CONTENT_SECURITY_POLICY,
      );
    }
  });

  it("leaves HSTS out over plain-http development", async () => {
    const development = createFrontDoorServer(standIn, doorOptions({ headers: { isProduction: false, https: false } }));
    const address: AddressInfo = await listen(development, "127.0.0.1", 0);
    const response = await fetch(`http://127.0.0.1:${address.port}/echo`);
    expect(response.headers.get("strict-transport-security")).toBeNull();
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    await new Promise((resolve) => development.close(resolve));
  });
});
