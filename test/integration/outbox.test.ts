import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { formatDateTime } from "@/shared/format";
import { captureConsole } from "@/test/helpers/capture-console";
import { codeFrom } from "@/tooling/app-client";
import { FakeResend, type FakeResendRequest } from "@/tooling/fake-resend";

// Counts React Email renders, to prove when a notice is rendered (the real render still runs).
const renders = vi.hoisted(() => ({ count: 0 }));
vi.mock("@react-email/render", async (importOriginal) => {
  const original = await importOriginal<typeof import("@react-email/render")>();
  return { ...original, render: (...args: Parameters<typeof original.render>) => ((renders.count += 1), original.render(...args)) };
});

const APP_URL = "https://account.example.test";
const EMAIL_FROM = "Account Security <security@example.test>";
const originalEnv = { ...process.env };
const fake = new FakeResend();

function setEnv(next: Record<string, string | undefined>): void {
  for (const key of Object.keys(process.env)) if (!(key in next)) delete process.env[key];
  for (const [key, value] of Object.entries(next)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
}

/** Fresh module instances that see the Resend configuration (lib/env caches what it parsed). */
async function load() {
  vi.resetModules();
  const [create, outbox, challenge, helpers, dbModule, errors] = await Promise.all([
    import("@/lib/api-tokens/create"),
    import("@/lib/email/outbox"),
    import("@/lib/step-up/challenges"),
    import("@/test/helpers/step-up"),
    import("@/lib/db"),
    import("@/shared/errors"),
  ]);
  return { ...create, ...outbox, ...challenge, helpers, db: dbModule.db, disconnectDb: dbModule.disconnectDb, AppError: errors.AppError };
}

let lib: Awaited<ReturnType<typeof load>>;
const logged: string[] = [];

type SentEmail = { to: string; subject: string; text: string; html: string };

function emailOf(request: FakeResendRequest): SentEmail | null {
  const body = request.body;
  if (typeof body !== "object" || body === null) return null;
  const { to, subject, text, html } = body as Record<string, unknown>;
  if (typeof to !== "string" || typeof subject !== "string" || typeof text !== "string") return null;
  return { to, subject, text, html: typeof html === "string" ? html : "" };
}

function requestsTo(email: string, subject?: RegExp): { request: FakeResendRequest; email: SentEmail }[] {
  return fake.requests.flatMap((request) => {
    const sent = emailOf(request);
    return sent && sent.to === email && (!subject || subject.test(sent.subject)) ? [{ request, email: sent }] : [];
  });
}

/** The code in the newest step-up email the fake provider received for `email`. */
async function codeFromProvider(email: string): Promise<string> {
  const sent = requestsTo(email, /^Your code to /).at(-1);
  if (!sent) throw new Error(`no step-up email to ${email}`);
  return codeFrom(sent.email.text);
}

beforeAll(async () => {
  const baseUrl = await fake.start();
  setEnv({ ...originalEnv, APP_URL, EMAIL_FROM, RESEND_API_KEY: "re_test_key", RESEND_BASE_URL: baseUrl, EMAIL_SEND_TIMEOUT_MS: "2000" });
  lib = await load();
});

beforeEach(() => {
  fake.setMode("ok");
  captureConsole(logged);
});

afterEach(() => vi.restoreAllMocks());

afterAll(async () => {
  await lib.disconnectDb();
  await fake.close();
  setEnv(originalEnv);
});

describe("security notices through the outbox", () => {
  it("a provider failure never undoes the change; the notice is retried and delivered exactly once, keyed by the outbox id", async () => {
    const { user, context } = await lib.helpers.newStepUpUser("outbox");
    await lib.helpers.completeStepUp(context, "api_token.create", lib.helpers.tokenRequest("ci"), codeFromProvider);

    fake.setMode("error");
    const created = await lib.createApiToken(context, lib.helpers.tokenRequest("ci"));
    const row = await lib.db.emailOutbox.findFirstOrThrow({ where: { to: user.email } });
    expect(row).toMatchObject({ subject: "A new API token was created", sentAt: null, attempts: 0 });

    await lib.deliverDueEmails();

    // The change stands.
    expect((await lib.db.apiToken.findUniqueOrThrow({ where: { id: created.apiToken.id } })).revokedAt).toBeNull();
    const failed = await lib.db.emailOutbox.findUniqueOrThrow({ where: { id: row.id } });
    expect(failed).toMatchObject({ sentAt: null, attempts: 1, lastError: "EMAIL_SEND_FAILED" });
    expect(failed.nextAttemptAt.getTime()).toBeGreaterThan(row.nextAttemptAt.getTime());
    expect(requestsTo(user.email, /API token was created/)).toHaveLength(1);

    // Not due yet: an immediate run leaves it alone.
    await lib.deliverDueEmails();
    expect((await lib.db.emailOutbox.findUniqueOrThrow({ where: { id: row.id } })).attempts).toBe(1);

    // Later (shift next_attempt_at), with the provider back: delivered once.
    fake.setMode("ok");
    await lib.db.$executeRaw`UPDATE email_outbox SET next_attempt_at = now() - interval '1 second' WHERE id = ${row.id}::uuid`;
    await lib.deliverDueEmails();
    const sent = await lib.db.emailOutbox.findUniqueOrThrow({ where: { id: row.id } });
    expect(sent).toMatchObject({ attempts: 2, lastError: null, data: {} });
    expect(sent.sentAt).not.toBeNull();

    await lib.db.$executeRaw`UPDATE email_outbox SET next_attempt_at = now() - interval '1 hour' WHERE id = ${row.id}::uuid`;
    await lib.deliverDueEmails();

    const attempts = requestsTo(user.email, /API token was created/);
    expect(attempts).toHaveLength(2);
    for (const attempt of attempts) expect(attempt.request.idempotencyKey).toBe(row.id);
    expect(fake.delivered.filter((request) => request.idempotencyKey === row.id)).toHaveLength(1);
    expect(attempts[1]?.email.text).toContain("ci");
    for (const attempt of attempts) expect(attempt.email.text).not.toContain(created.token);
    expect(logged.join("\n")).not.toContain(created.token);
  });

  it("a send whose result was lost is retried with the same key, so the provider delivers it once", async () => {
    const { user, context } = await lib.helpers.newStepUpUser("lost-ack");
    await lib.helpers.completeStepUp(context, "api_token.create", lib.helpers.tokenRequest("ci"), codeFromProvider);
    await lib.createApiToken(context, lib.helpers.tokenRequest("ci"));
    const row = await lib.db.emailOutbox.findFirstOrThrow({ where: { to: user.email } });

    await lib.deliverDueEmails();
    // As if the process died after the provider accepted the email but before sent_at was written
    // (the same UPDATE empties the data, so that did not happen either).
    await lib.db.emailOutbox.update({
      where: { id: row.id },
      data: { sentAt: null, data: row.data ?? {}, nextAttemptAt: new Date(Date.now() - 60_000) },
    });
    await lib.deliverDueEmails();

    expect(requestsTo(user.email, /API token was created/).map((sent) => sent.request.idempotencyKey)).toEqual([row.id, row.id]);
    expect(fake.delivered.filter((request) => request.idempotencyKey === row.id)).toHaveLength(1);
  });

  it("two delivery workers running at once send each due row once", async () => {
    const { user, context } = await lib.helpers.newStepUpUser("workers");
    await lib.helpers.completeStepUp(context, "api_token.create", lib.helpers.tokenRequest("a"), codeFromProvider);
    for (const name of ["a", "b", "c"]) await lib.createApiToken(context, lib.helpers.tokenRequest(name));

    await Promise.all([lib.deliverDueEmails(), lib.deliverDueEmails(), lib.deliverDueEmails()]);

    expect(requestsTo(user.email, /API token was created/)).toHaveLength(3);
    expect(await lib.db.emailOutbox.count({ where: { to: user.email, sentAt: null } })).toBe(0);
  });
});

describe("rendering at delivery", () => {
  it("the change's transaction stores only the template data; the email is rendered at delivery, dated when the change was made", async () => {
    const { user, context } = await lib.helpers.newStepUpUser("render-later");
    await lib.helpers.completeStepUp(context, "api_token.create", lib.helpers.tokenRequest("later"), codeFromProvider);
    const rendersBefore = renders.count;
    await lib.createApiToken(context, lib.helpers.tokenRequest("later"));
    // Rendering takes tens of ms of CPU; inside the transaction it would hold a pooled connection.
    expect(renders.count).toBe(rendersBefore);
    const row = await lib.db.emailOutbox.findFirstOrThrow({ where: { to: user.email } });
    expect(row.template).toBe("securityNotice");
    expect(JSON.stringify(row)).not.toMatch(/<html|<table|DOCTYPE/i);

    // Delivered an hour later, it still says when the change happened.
    await lib.db.$executeRaw`UPDATE email_outbox SET created_at = created_at - interval '1 hour' WHERE id = ${row.id}::uuid`;
    const queuedAt = (await lib.db.emailOutbox.findUniqueOrThrow({ where: { id: row.id } })).createdAt;
    await lib.deliverDueEmails();
    expect(renders.count).toBe(rendersBefore + 1);
    const [sent] = requestsTo(user.email, /API token was created/);
    expect(sent?.email.html).toContain("<html");
    expect(sent?.email.html).toContain("later (");
    expect(sent?.email.text).toContain(`When: ${formatDateTime(queuedAt)}`);
  });

  it("a row whose data does not fit its template is parked for an operator and does not hold up the others", async () => {
    const { user, context } = await lib.helpers.newStepUpUser("bad-row");
    await lib.helpers.completeStepUp(context, "api_token.create", lib.helpers.tokenRequest("good"), codeFromProvider);
    await lib.createApiToken(context, lib.helpers.tokenRequest("good"));
    const bad = await lib.db.emailOutbox.create({
      data: { to: user.email, subject: "Broken", template: "securityNotice", data: { title: 1 } },
    });

    await lib.deliverDueEmails();

    expect(await lib.db.emailOutbox.findUniqueOrThrow({ where: { id: bad.id } })).toMatchObject({
      sentAt: null,
      attempts: 12,
      lastError: "INVALID_TEMPLATE_DATA",
    });
    expect(requestsTo(user.email, /API token was created/)).toHaveLength(1);
    expect(requestsTo(user.email, /Broken/)).toHaveLength(0);
    expect(logged.join("\n")).toContain("outbox.invalid_row");
  });

  it("rows queued with finished content before the migration are delivered as they were written", async () => {
    const { user } = await lib.helpers.newStepUpUser("legacy-row");
    await lib.db.emailOutbox.create({
      data: { to: user.email, subject: "Queued earlier", template: "rendered", data: { text: "plain body", html: "<p>html body</p>" } },
    });
    await lib.deliverDueEmails();
    const [sent] = requestsTo(user.email, /Queued earlier/);
    expect(sent?.email).toMatchObject({ text: "plain body", html: "<p>html body</p>" });
  });
});

describe("the code email through Resend", () => {
  it("uses the challenge id as idempotency key and links only to APP_URL", async () => {
    const { user, context } = await lib.helpers.newStepUpUser("resend-code");
    const challenge = await lib.helpers.triggerChallenge(context, "api_token.create", lib.helpers.tokenRequest("ci-deploy"));

    const sent = requestsTo(user.email, /^Your code to /);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.request.idempotencyKey).toBe(challenge.id);
    expect(sent[0]?.email.subject).toBe('Your code to create API token "ci-deploy"');
    const links = [
      ...(sent[0]?.email.text.match(/https?:\/\/[^\s)"<>]+/g) ?? []),
      ...[...(sent[0]?.email.html ?? "").matchAll(/href="([^"]*)"/g)].map((match) => match[1] ?? ""),
    ];
    expect(links.some((link) => link.startsWith(`${APP_URL}/step-up/cancel?token=`))).toBe(true);
    for (const link of links) expect(link.startsWith(APP_URL)).toBe(true);
  });

  it.each(["error", "hang"] as const)(
    "provider %s → EMAIL_SEND_FAILED within the timeout, and no usable code is left behind",
    async (mode) => {
      const { user, context } = await lib.helpers.newStepUpUser(`send-${mode}`);
      fake.setMode(mode);

      await lib.helpers.expectAppError(
        lib.startChallenge(context, "api_token.create", lib.helpers.tokenRequest("ci")),
        "EMAIL_SEND_FAILED",
      );

      const challenges = await lib.db.stepUpChallenge.findMany({ where: { userId: user.id }, include: { code: true } });
      expect(challenges).toHaveLength(1);
      expect(challenges[0]?.cancelledAt).not.toBeNull();
      expect(challenges[0]?.code?.consumedAt).not.toBeNull();
      expect(await lib.db.stepUpGrant.count({ where: { userId: user.id } })).toBe(0);
      expect(logged.join("\n")).toContain("email.send_failed");
    },
  );

  // BUG: lib/step-up/challenge.ts startChallenge() counts the 60 s per-payload cooldown
  // (`step-up:start:<session>:<payload>`) before sending. When the send fails the challenge is
  // closed, so an immediate retry finds no pending challenge and gets RESEND_TOO_SOON
  // ("You can request a new code in 60 seconds") although the user was told "try again" and no
  // code exists. S22 asks that a retry sends exactly one email.
  it("after a provider failure, retrying right away sends exactly one email", async () => {
    const { user, context } = await lib.helpers.newStepUpUser("send-retry");
    fake.setMode("error");
    await lib.helpers.expectAppError(lib.startChallenge(context, "api_token.create", lib.helpers.tokenRequest("ci")), "EMAIL_SEND_FAILED");

    fake.setMode("ok");
    const challenge = await lib.startChallenge(context, "api_token.create", lib.helpers.tokenRequest("ci"));
    expect(challenge.action).toBe("api_token.create");
    expect(fake.delivered.filter((request) => emailOf(request)?.to === user.email)).toHaveLength(1);
  });
});
