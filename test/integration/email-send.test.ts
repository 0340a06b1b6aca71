import { render } from "@react-email/render";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { captureConsole } from "@/test/helpers/capture-console";
import { FakeResend } from "@/tooling/fake-resend";

const APP_URL = "https://account.example.test";
const EMAIL_FROM = "Account Security <security@example.test>";
const TIMEOUT_MS = 300;
const originalEnv = { ...process.env };

/** lib/env caches its parsed config, so each configuration gets fresh module instances. */
async function loadWithEnv(overrides: Record<string, string | undefined>) {
  setEnv({ ...originalEnv, APP_URL, EMAIL_FROM, ...overrides });
  vi.resetModules();
  const [send, mailbox, route, verify, signUpAttempt, dbModule] = await Promise.all([
    import("@/lib/email/send"),
    import("@/lib/email/mailbox"),
    import("@/app/dev/mailbox/messages/route"),
    import("@/lib/email/templates/verify-email"),
    import("@/lib/email/templates/sign-up-attempt"),
    import("@/lib/db"),
  ]);
  return { ...send, ...mailbox, GET: route.GET, ...verify, ...signUpAttempt, db: dbModule.db };
}

function setEnv(next: Record<string, string | undefined>): void {
  for (const key of Object.keys(process.env)) if (!(key in next)) delete process.env[key];
  for (const [key, value] of Object.entries(next)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
}

function hrefs(html: string): string[] {
  return [...html.matchAll(/href="([^"]*)"/g)].map((match) => match[1] ?? "");
}

function urls(text: string): string[] {
  return text.match(/https?:\/\/[^\s)]+/g) ?? [];
}

function mailboxRequest(query = ""): Request {
  return new Request(`http://localhost:3000/dev/mailbox/messages${query}`, { headers: { host: "evil.test" } });
}

afterAll(async () => {
  const { disconnectDb } = await import("@/lib/db");
  await disconnectDb();
  setEnv(originalEnv);
});

describe("email templates", () => {
  it("the verification email shows the code and expiry, and links only to APP_URL", async () => {
    const { verifyEmailMessage } = await loadWithEnv({ RESEND_API_KEY: undefined });
    const message = verifyEmailMessage({ locale: "en", code: "012345", expiresInMinutes: 10 });
    const html = await render(message.react);

    expect(message.subject).not.toContain("012345");
    for (const body of [html, message.text]) {
      expect(body).toContain("012345");
      expect(body).toContain("10 minutes");
      expect(body).toMatch(/didn(?:'|&#x27;)t sign up/);
    }
    expect(hrefs(html).length).toBeGreaterThan(0);
    for (const href of [...hrefs(html), ...urls(message.text)]) expect(href.startsWith(APP_URL)).toBe(true);
  });

  it("the sign-up attempt email points the owner to APP_URL/login only", async () => {
    const { signUpAttemptMessage } = await loadWithEnv({ RESEND_API_KEY: undefined });
    const message = signUpAttemptMessage({ locale: "en" });
    const html = await render(message.react);

    expect(hrefs(html)).toContain(`${APP_URL}/login`);
    expect(message.text).toContain(`${APP_URL}/login`);
    for (const href of [...hrefs(html), ...urls(message.text)]) expect(href.startsWith(APP_URL)).toBe(true);
  });
});

describe("sendEmail through the real Resend SDK", () => {
  const fake = new FakeResend();
  let lib: Awaited<ReturnType<typeof loadWithEnv>>;
  const logged: string[] = [];

  beforeAll(async () => {
    const baseUrl = await fake.start();
    lib = await loadWithEnv({ RESEND_API_KEY: "re_test_key", RESEND_BASE_URL: baseUrl, EMAIL_SEND_TIMEOUT_MS: String(TIMEOUT_MS) });
  });

  beforeEach(() => {
    fake.reset();
    captureConsole(logged);
  });

  afterEach(() => vi.restoreAllMocks());
  afterAll(() => fake.close());

  function verificationEmail(to: string, idempotencyKey?: string) {
    const message = lib.verifyEmailMessage({ locale: "en", code: "482913", expiresInMinutes: 10 });
    return { to, ...message, idempotencyKey };
  }

  it("sends from EMAIL_FROM with html, text and the idempotency key, and returns Resend's id", async () => {
    const result = await lib.sendEmail(verificationEmail("person@example.test", "challenge-1"));

    expect(fake.requests).toHaveLength(1);
    const [request] = fake.requests;
    expect(result).toEqual({ ok: true, id: request?.responseId });
    expect(request?.method).toBe("POST");
    expect(request?.path).toBe("/emails");
    expect(request?.headers.authorization).toBe("Bearer re_test_key");
    expect(request?.idempotencyKey).toBe("challenge-1");
    expect(request?.body).toMatchObject({
      from: EMAIL_FROM,
      to: "person@example.test",
      subject: expect.stringContaining("Verify"),
      html: expect.stringContaining("482913"),
      text: expect.stringContaining("482913"),
    });
    expect(logged.join("\n")).not.toContain("482913");
  });

  it("a retry with the same idempotency key is delivered once and returns the same id", async () => {
    const first = await lib.sendEmail(verificationEmail("person@example.test", "challenge-2"));
    const second = await lib.sendEmail(verificationEmail("person@example.test", "challenge-2"));

    expect(first.ok && second.ok && first.id === second.id).toBe(true);
    expect(fake.requests).toHaveLength(2);
    expect(fake.delivered).toHaveLength(1);
  });

  it.each([
    { statusCode: 500, name: "internal_server_error" },
    { statusCode: 422, name: "validation_error" },
  ])("a $statusCode $name response → EMAIL_SEND_FAILED, logged without the body", async (error) => {
    fake.setMode("error", { ...error, message: "nope" });

    const result = await lib.sendEmail(verificationEmail("person@example.test", "challenge-3"));

    expect(result).toEqual({ ok: false, error: "EMAIL_SEND_FAILED" });
    expect(fake.requests).toHaveLength(1);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toContain(error.name);
    expect(logged[0]).toContain(String(error.statusCode));
    expect(logged[0]).not.toContain("482913");
    expect(logged[0]).not.toContain("person@example.test");
  });

  it("a hanging provider → EMAIL_TIMEOUT after EMAIL_SEND_TIMEOUT_MS", async () => {
    fake.setMode("hang");
    const started = performance.now();

    const result = await lib.sendEmail(verificationEmail("person@example.test", "challenge-4"));

    const elapsed = performance.now() - started;
    expect(result).toEqual({ ok: false, error: "EMAIL_TIMEOUT" });
    expect(fake.requests).toHaveLength(1);
    expect(elapsed).toBeGreaterThanOrEqual(TIMEOUT_MS - 20);
    expect(elapsed).toBeLessThan(TIMEOUT_MS + 1_000);
    expect(logged.join("\n")).not.toContain("482913");
    // The SDK's fetch was aborted, so the hanging connection does not linger.
    await vi.waitFor(() => expect(fake.hangingRequests).toBe(0), { timeout: 2_000 });
  });

  it.each([
    ["CRLF header injection", "person@example.test\r\nBcc: attacker@evil.test"],
    ["a bare LF", "person@example.test\nx"],
    ["a comma-separated list", "person@example.test,attacker@evil.test"],
    ["a display name", "Person <person@example.test>"],
    ["more than 254 characters", `${"a".repeat(64)}@${"b".repeat(186)}.test`],
    ["no @", "person.example.test"],
    ["empty", ""],
  ])("refuses %s without sending", async (_label, to) => {
    const result = await lib.sendEmail(verificationEmail(to));

    expect(result).toEqual({ ok: false, error: "EMAIL_SEND_FAILED" });
    expect(fake.requests).toHaveLength(0);
  });

  it("accepts an address of exactly 254 characters", async () => {
    const to = `${"a".repeat(64)}@${"b".repeat(184)}.test`;
    expect(to).toHaveLength(254);

    expect((await lib.sendEmail(verificationEmail(to))).ok).toBe(true);
  });

  it("the dev mailbox route is 404 when a Resend key is configured", async () => {
    const response = await lib.GET(mailboxRequest());

    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: "not_found", message: "There is no such page." });
  });
});

describe("an unreachable provider", () => {
  it("→ EMAIL_SEND_FAILED", async () => {
    const down = new FakeResend();
    const downUrl = await down.start();
    await down.close();
    const lib = await loadWithEnv({ RESEND_API_KEY: "re_test_key", RESEND_BASE_URL: downUrl, EMAIL_SEND_TIMEOUT_MS: String(TIMEOUT_MS) });
    vi.spyOn(console, "error").mockImplementation(() => undefined);

    const result = await lib.sendEmail({ to: "person@example.test", subject: "s", text: "t" });

    expect(result).toEqual({ ok: false, error: "EMAIL_SEND_FAILED" });
    vi.restoreAllMocks();
  });
});

describe("dev mailbox (no RESEND_API_KEY, not production)", () => {
  let lib: Awaited<ReturnType<typeof loadWithEnv>>;

  beforeAll(async () => {
    lib = await loadWithEnv({ RESEND_API_KEY: undefined });
  });

  async function send(to: string, subject: string) {
    const result = await lib.sendEmail({ to, subject, text: `text for ${subject}`, html: `<p>${subject}</p>` });
    // Distinct timestamps (millisecond precision) keep "newest first" unambiguous.
    await new Promise((resolve) => setTimeout(resolve, 5));
    return result;
  }

  it("stores the rendered html and the hand-written text", async () => {
    const message = lib.verifyEmailMessage({ locale: "en", code: "731904", expiresInMinutes: 10 });

    const result = await lib.sendEmail({ to: "stored@example.test", ...message, idempotencyKey: "challenge-x" });

    expect(result.ok).toBe(true);
    const row = await lib.db.mailboxMessage.findUniqueOrThrow({ where: { id: result.ok ? result.id : "" } });
    expect(row).toMatchObject({ to: "stored@example.test", subject: message.subject, text: message.text });
    expect(row.html).toContain("731904");
    expect(row.html).toMatch(/^<!DOCTYPE html/i);
  });

  it("GET /dev/mailbox/messages?to= returns that address's messages newest first, ignoring case", async () => {
    await send("reader@example.test", "first");
    await send("someone-else@example.test", "other");
    await send("Reader@Example.test", "second");
    await send("reader@example.test", "third");

    const response = await lib.GET(mailboxRequest("?to=READER%40example.test"));

    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const body: unknown = await response.json();
    expect(body).toEqual([
      {
        id: expect.any(String),
        to: "reader@example.test",
        subject: "third",
        text: "text for third",
        html: "<p>third</p>",
        createdAt: expect.any(String),
      },
      expect.objectContaining({ subject: "second", to: "Reader@Example.test" }),
      expect.objectContaining({ subject: "first" }),
    ]);
  });

  it("matches the whole address literally (no wildcards, no substrings)", async () => {
    await send("a_b@example.test", "underscore");
    await send("axb@example.test", "x");
    await send("xa_b@example.test", "prefixed");

    const body = (await (await lib.GET(mailboxRequest("?to=a_b%40example.test"))).json()) as Array<{ subject: string }>;
    const percent = (await (await lib.GET(mailboxRequest("?to=%25%40example.test"))).json()) as unknown[];

    expect(body.map((message) => message.subject)).toEqual(["underscore"]);
    expect(percent).toEqual([]);
  });

  it("without ?to= lists everything newest first, bounded by limit", async () => {
    await send("limit@example.test", "latest");

    const body = (await (await lib.GET(mailboxRequest("?limit=2"))).json()) as Array<{ subject: string; createdAt: string }>;

    expect(body).toHaveLength(2);
    expect(body[0]?.subject).toBe("latest");
    expect(Date.parse(body[0]?.createdAt ?? "")).toBeGreaterThanOrEqual(Date.parse(body[1]?.createdAt ?? ""));
  });

  it("refuses bad recipients here too, storing nothing", async () => {
    const before = await lib.db.mailboxMessage.count();

    const result = await lib.sendEmail({ to: "a@example.test\r\nBcc: b@example.test", subject: "s", text: "t" });

    expect(result).toEqual({ ok: false, error: "EMAIL_SEND_FAILED" });
    expect(await lib.db.mailboxMessage.count()).toBe(before);
  });
});

describe("production mode", () => {
  it("the dev mailbox route is 404 and the mailbox query refuses", async () => {
    const lib = await loadWithEnv({
      NODE_ENV: "production",
      RESEND_API_KEY: "re_live_key",
      DATABASE_URL: originalEnv.DATABASE_URL,
      AUTH_SECRET: "production-secret-0123456789-abcdefghijklmnop",
      TOTP_ENCRYPTION_KEY: Buffer.alloc(32, 3).toString("base64"),
      TRUSTED_PROXIES: "0",
    });

    const response = await lib.GET(mailboxRequest("?to=reader%40example.test"));

    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: "not_found", message: "There is no such page." });
    await expect(lib.listMailboxMessages({})).rejects.toMatchObject({ name: "DevMailboxDisabledError" });
  });
});
