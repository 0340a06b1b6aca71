// A typed HTTP driver for the real app, as a browser behind the load balancer would use it: one
// `AppClient` is one browser (its own cookie jar and client IP), and each call names the instance
// (base URL) it goes to, so the same browser can be served by any instance.
//
// Server actions are called the way Next.js's client router calls them: POST to a page that uses
// the action, `Next-Action: <id from the build's server-reference manifest>`, the arguments as
// React's `encodeReply` text, and the result read back from the RSC flight response.
import { readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import type { ActionState } from "@/shared/action-state";
import type { ProofValues, StepUpChallengeDto } from "@/shared/step-up";
import type { SecondFactorProof } from "@/shared/two-factor";
import type { FakeResend } from "@/tooling/fake-resend";

const USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36";

// ---------------------------------------------------------------------------------------------
// Action ids

type ActionEntry = { id: string; exportedName: string; filename: string; pages: string[] };

const manifestSchema = z.object({
  node: z.record(
    z.string(),
    z.object({ workers: z.record(z.string(), z.unknown()), exportedName: z.string().optional(), filename: z.string().optional() }),
  ),
});

/** "app/(auth)/login/page" → "/login": route groups and parallel-route slots are not in the URL. */
function routeOf(worker: string): string {
  const segments = worker
    .replace(/^app\//, "")
    .replace(/(^|\/)page$/, "")
    .split("/");
  return `/${segments.filter((segment) => segment && !/^\(.*\)$/.test(segment) && !segment.startsWith("@")).join("/")}`;
}

/** The server actions of one production build, by exported name. */
export class ServerActions {
  private constructor(private readonly entries: ActionEntry[]) {}

  /** Reads `<distDir>/server/server-reference-manifest.json` (what `next build` writes for the server). */
  static fromBuild(distDir: string): ServerActions {
    const file = path.join(process.cwd(), distDir, "server", "server-reference-manifest.json");
    const manifest = manifestSchema.parse(JSON.parse(readFileSync(file, "utf8")));
    const entries = Object.entries(manifest.node).flatMap(([id, entry]) =>
      entry.exportedName && entry.filename
        ? [{ id, exportedName: entry.exportedName, filename: entry.filename, pages: Object.keys(entry.workers).map(routeOf).sort() }]
        : [],
    );
    return new ServerActions(entries);
  }

  /** The action exported as `name` (from `file`, e.g. "app/step-up/actions.ts", when the name is not unique). */
  find(name: string, file?: string): ActionEntry {
    const matches = this.entries.filter((entry) => entry.exportedName === name && (!file || entry.filename === file));
    if (matches.length !== 1) {
      throw new Error(
        `${matches.length ? "several" : "no"} server actions named ${name}${file ? ` in ${file}` : ""} in the build: ${matches.map((entry) => entry.filename).join(", ")}`,
      );
    }
    return matches[0]!;
  }
}

// ---------------------------------------------------------------------------------------------
// The wire format

/** React's `encodeReply` for plain JSON-like arguments: what the browser posts for `action(prev, input)`. */
export function encodeReply(args: unknown[]): string {
  return JSON.stringify(args, function (this: Record<string, unknown>, key: string, value: unknown) {
    const original = this[key];
    if (typeof value === "string") {
      if (original instanceof Date) return `$D${value}`;
      return value.startsWith("$") ? `$${value}` : value;
    }
    if (value === undefined) return "$undefined";
    if (typeof value === "number" && !Number.isFinite(value)) return Number.isNaN(value) ? "$NaN" : value > 0 ? "$Infinity" : "$-Infinity";
    if (typeof value === "bigint") return `$n${value.toString(10)}`;
    if (value !== null && typeof value === "object" && !Array.isArray(value) && Object.getPrototypeOf(value) !== Object.prototype) {
      throw new Error(
        `encodeReply: only plain objects, arrays and primitives are supported (got ${Object.prototype.toString.call(value)})`,
      );
    }
    return value;
  });
}

type FlightRow = { tag: string; data: Buffer };

// Row tags followed by a hex byte length and a comma (text and typed arrays); every other row ends at "\n".
const LENGTH_TAGS = new Set("TAOobUSsLlGgMmV");
const isLineTag = (byte: number) => (byte >= 0x41 && byte <= 0x5a) || byte === 0x23 || byte === 0x72 || byte === 0x78;

/** Splits an RSC flight response into its rows (`<hex id>:<tag?><json>\n` or `<hex id>:<tag><hex len>,<bytes>`). */
function flightRows(body: Buffer): Map<number, FlightRow> {
  const rows = new Map<number, FlightRow>();
  let i = 0;
  while (i < body.length) {
    const colon = body.indexOf(0x3a, i);
    if (colon < 0) throw new Error("flight: truncated row id");
    const idText = body.toString("latin1", i, colon);
    const id = idText === "" ? -1 : Number.parseInt(idText, 16); // ":HL[…]" hints have no id
    let cursor = colon + 1;
    const tagByte = body[cursor];
    if (tagByte === undefined) throw new Error("flight: truncated row");
    const tag = String.fromCharCode(tagByte);
    if (LENGTH_TAGS.has(tag)) {
      const comma = body.indexOf(0x2c, cursor + 1);
      const length = Number.parseInt(body.toString("latin1", cursor + 1, comma), 16);
      if (comma < 0 || !Number.isFinite(length)) throw new Error(`flight: bad length in row ${idText}`);
      rows.set(id, { tag, data: body.subarray(comma + 1, comma + 1 + length) });
      i = comma + 1 + length;
      continue;
    }
    if (isLineTag(tagByte)) cursor += 1;
    const end = body.indexOf(0x0a, cursor);
    const stop = end < 0 ? body.length : end;
    rows.set(id, { tag: isLineTag(tagByte) ? tag : "", data: body.subarray(cursor, stop) });
    i = stop + 1;
  }
  return rows;
}

/** An action threw instead of returning (the server answers a digest, never the error). */
export class ActionThrew extends Error {
  constructor(readonly digest: string | undefined) {
    super(`the server action threw (digest ${digest ?? "none"})`);
    this.name = "ActionThrew";
  }
}

/** The value row 0 refers to as the action's result (`"a": "$@<id>"`), decoded; undefined when there is none. */
export function actionResultFrom(body: Buffer): unknown {
  const rows = flightRows(body);
  const root = rows.get(0);
  if (!root) return undefined;
  const head = z.object({ a: z.string().optional() }).parse(JSON.parse(root.data.toString("utf8")));
  return head.a === undefined ? undefined : decodeFlightValue(head.a, rows, new Set());
}

function decodeFlightValue(value: unknown, rows: Map<number, FlightRow>, resolving: Set<number>): unknown {
  if (Array.isArray(value)) return value.map((item) => decodeFlightValue(item, rows, resolving));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, decodeFlightValue(item, rows, resolving)]));
  }
  if (typeof value !== "string" || !value.startsWith("$")) return value;
  if (value.startsWith("$$")) return value.slice(1);
  switch (value) {
    case "$undefined":
      return undefined;
    case "$NaN":
      return Number.NaN;
    case "$Infinity":
      return Number.POSITIVE_INFINITY;
    case "$-Infinity":
      return Number.NEGATIVE_INFINITY;
    case "$-0":
      return -0;
  }
  if (value.startsWith("$D")) return new Date(value.slice(2));
  if (value.startsWith("$n")) return BigInt(value.slice(2));
  // "$<id>", "$<id>:key:key" (outlined or deduplicated values) and "$@<id>" (a resolved promise).
  const reference = /^\$@?([0-9a-f]+)((?::[^:]+)*)$/.exec(value);
  if (!reference) throw new Error(`flight: unsupported value ${JSON.stringify(value.slice(0, 40))} in an action result`);
  const id = Number.parseInt(reference[1]!, 16);
  const row = rows.get(id);
  if (!row) throw new Error(`flight: row ${reference[1]} is missing`);
  if (row.tag === "E")
    throw new ActionThrew(z.object({ digest: z.string().optional() }).parse(JSON.parse(row.data.toString("utf8"))).digest);
  if (row.tag === "T") return row.data.toString("utf8");
  if (row.tag !== "") throw new Error(`flight: unsupported row tag ${row.tag} in an action result`);
  if (resolving.has(id)) throw new Error("flight: cyclic values are not supported");
  resolving.add(id);
  let resolved = decodeFlightValue(JSON.parse(row.data.toString("utf8")), rows, resolving);
  resolving.delete(id);
  for (const key of (reference[2] ?? "").split(":").slice(1)) resolved = (resolved as Record<string, unknown>)[key];
  return resolved;
}

// ---------------------------------------------------------------------------------------------
// The client

export type HttpReply = { status: number; headers: Headers; body: string };

export type ActionReply<Data> = {
  status: number;
  /** Where the action redirected (`redirect()` → `x-action-redirect`), e.g. "/settings"; then there is no state. */
  redirect: string | null;
  state: ActionState<Data> | null;
};

export type ActionOptions = {
  /** The page to post to; default: the page next to the action's file, else the client's default page, else any page that uses it. */
  page?: string;
  /** The action's file, when its exported name is not unique. */
  file?: string;
};

export type AppClientOptions = {
  /** The public origin the instances are configured with (their APP_URL). */
  appUrl: string;
  actions: ServerActions;
  /** This browser's address, sent as X-Forwarded-For (the app takes the rightmost entry). */
  ip?: string;
  userAgent?: string;
  /** Where actions without a page of their own are posted (default /settings/security). */
  defaultPage?: string;
  /** Every request is aborted after this long (default 15 s). */
  requestTimeoutMs?: number;
};

/** Reads the step-up code for a challenge, e.g. from the fake Resend. */
export type CodeReader = (challenge: StepUpChallengeDto) => Promise<string>;

/** Answers a challenge with the proofs the modal would send, e.g. a passkey assertion. */
export type ProofsReader = (challenge: StepUpChallengeDto) => Promise<ProofValues>;

export class AppClient {
  private readonly cookies = new Map<string, string>();
  private readonly appUrl: string;
  private readonly actions: ServerActions;
  private readonly defaultPage: string;
  private readonly requestTimeoutMs: number;
  readonly ip: string | undefined;
  readonly userAgent: string;

  constructor(options: AppClientOptions) {
    this.appUrl = new URL(options.appUrl).origin;
    this.actions = options.actions;
    this.ip = options.ip;
    this.userAgent = options.userAgent ?? USER_AGENT;
    this.defaultPage = options.defaultPage ?? "/settings/security";
    this.requestTimeoutMs = options.requestTimeoutMs ?? 15_000;
  }

  /** A GET as a browser navigation would send it; redirects are returned, not followed. */
  async get(baseUrl: string, pathname: string, headers: Record<string, string> = {}): Promise<HttpReply> {
    const response = await this.send(baseUrl, pathname, { method: "GET", headers });
    return { status: response.status, headers: response.headers, body: await response.text() };
  }

  /** Calls a server action and returns what the browser would get: the ActionState, or where it redirected. */
  async call<Data = unknown>(
    baseUrl: string,
    name: string,
    input: Record<string, unknown> = {},
    options: ActionOptions = {},
  ): Promise<ActionReply<Data>> {
    const action = this.actions.find(name, options.file);
    const page = options.page ?? this.pageFor(action);
    const response = await this.send(baseUrl, page, {
      method: "POST",
      headers: { "next-action": action.id, "content-type": "text/plain;charset=UTF-8", accept: "text/x-component", origin: this.appUrl },
      body: encodeReply([{ ok: false }, input]),
    });
    if (response.headers.get("x-nextjs-action-not-found"))
      throw new Error(`${baseUrl} does not know action ${name} (${action.id}) on ${page}`);
    const body = Buffer.from(await response.arrayBuffer());
    // The body then holds the redirect target's page, not a result.
    const redirect = redirectTarget(response.headers.get("x-action-redirect"));
    if (redirect) return { status: response.status, redirect, state: null };
    const contentType = response.headers.get("content-type") ?? "";
    if (!contentType.startsWith("text/x-component")) {
      throw new Error(`${name} on ${baseUrl}${page}: HTTP ${response.status} ${contentType}: ${body.toString("utf8").slice(0, 200)}`);
    }
    const result = actionResultFrom(body);
    if (!isActionState(result)) throw new Error(`${name} on ${baseUrl}${page}: HTTP ${response.status}, no ActionState in the response`);
    return { status: response.status, redirect: null, state: result as ActionState<Data> };
  }

  /** Calls a server action that is expected to answer with an ActionState (not a redirect). */
  async action<Data = unknown>(
    baseUrl: string,
    name: string,
    input: Record<string, unknown> = {},
    options: ActionOptions = {},
  ): Promise<ActionState<Data>> {
    const reply = await this.call<Data>(baseUrl, name, input, options);
    if (!reply.state) throw new Error(`${name} redirected to ${reply.redirect} instead of answering`);
    return reply.state;
  }

  /** Signs in through the login form's action; the session cookie lands in this client's jar. */
  async signIn(baseUrl: string, email: string, password: string): Promise<ActionReply<unknown>> {
    return this.call(baseUrl, "signInAction", { email, password });
  }

  /**
   * A protected action as the code modal runs it: ask, read the emailed code, send the same input
   * again with the code (`stepUp`). `answerOn` names another instance for the answer (default: baseUrl).
   */
  async withStepUp<Data = unknown>(
    baseUrl: string,
    name: string,
    input: Record<string, unknown>,
    readCode: CodeReader,
    options: ActionOptions & { answerOn?: string } = {},
  ): Promise<{ state: ActionState<Data>; challenge: StepUpChallengeDto; code: string }> {
    let code = "";
    const { state, challenge } = await this.withStepUpProofs<Data>(
      baseUrl,
      name,
      input,
      async (asked) => proofs((code = await readCode(asked))),
      options,
    );
    return { state, challenge, code };
  }

  /** `withStepUp` answered with any proofs, e.g. a passkey assertion for the challenge's `passkeyOptions`. */
  async withStepUpProofs<Data = unknown>(
    baseUrl: string,
    name: string,
    input: Record<string, unknown>,
    answer: ProofsReader,
    options: ActionOptions & { answerOn?: string } = {},
  ): Promise<{ state: ActionState<Data>; challenge: StepUpChallengeDto }> {
    const asked = await this.action<Data>(baseUrl, name, input, options);
    if (asked.status !== "step_up_required" || !asked.challenge)
      throw new Error(`${name} did not ask for step-up: ${JSON.stringify(asked)}`);
    const challenge = asked.challenge;
    const values = await answer(challenge);
    return { state: await this.action<Data>(options.answerOn ?? baseUrl, name, withProofs(input, challenge, values), options), challenge };
  }

  /** The cookies this browser holds, by name (e.g. "__Secure-authjs.session-token"). */
  cookieNames(): string[] {
    return [...this.cookies.keys()];
  }

  private pageFor(action: ActionEntry): string {
    const sibling = routeOf(path.posix.join(path.posix.dirname(action.filename), "page"));
    if (action.pages.includes(sibling)) return sibling;
    if (action.pages.includes(this.defaultPage)) return this.defaultPage;
    const [first] = action.pages;
    if (!first) throw new Error(`no page uses ${action.exportedName}`);
    return first;
  }

  private async send(
    baseUrl: string,
    pathname: string,
    init: { method: string; headers: Record<string, string>; body?: string },
  ): Promise<Response> {
    const headers = new Headers(init.headers);
    // What the load balancer adds: the public host (Next.js compares it with Origin), scheme and client address.
    const publicUrl = new URL(this.appUrl);
    headers.set("x-forwarded-host", publicUrl.host);
    headers.set("x-forwarded-proto", publicUrl.protocol.slice(0, -1));
    if (this.ip) headers.set("x-forwarded-for", this.ip);
    headers.set("user-agent", this.userAgent);
    const cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
    if (cookie) headers.set("cookie", cookie);
    const response = await fetch(new URL(pathname, baseUrl), {
      ...init,
      headers,
      redirect: "manual",
      signal: AbortSignal.timeout(this.requestTimeoutMs),
    });
    this.store(response.headers.getSetCookie());
    return response;
  }

  /** Keeps name → value only: Domain, Path and Secure are ignored so the jar works over loopback http against any instance. */
  private store(setCookies: string[]): void {
    for (const line of setCookies) {
      const [pair = "", ...attributes] = line.split(";").map((part) => part.trim());
      const equals = pair.indexOf("=");
      if (equals <= 0) continue;
      const name = pair.slice(0, equals);
      const value = pair.slice(equals + 1);
      const expired = attributes.some((attribute) => {
        const [key = "", setting = ""] = attribute.split("=");
        if (key.toLowerCase() === "max-age") return Number(setting) <= 0;
        if (key.toLowerCase() === "expires") return Date.parse(setting) <= Date.now();
        return false;
      });
      if (expired || value === "") this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
}

/** `x-action-redirect: <url>;<push|replace>` → the URL. */
function redirectTarget(header: string | null): string | null {
  if (!header) return null;
  const semicolon = header.lastIndexOf(";");
  return semicolon < 0 ? header : header.slice(0, semicolon);
}

function isActionState(value: unknown): value is ActionState {
  return value !== null && typeof value === "object" && typeof (value as { ok?: unknown }).ok === "boolean";
}

// ---------------------------------------------------------------------------------------------
// Email (the fake Resend the stack's instances send through)

export type SentEmail = { index: number; to: string[]; subject: string; text: string };

const sentEmailSchema = z.object({ to: z.union([z.string(), z.array(z.string())]), subject: z.string(), text: z.string() });

/** Step-up code emails ("Your code to …"), not the notices sent after a change. */
/** The 6-digit code in an email's text. */
export function codeFrom(text: string): string {
  const match = /\b(\d{6})\b/.exec(text);
  if (!match?.[1]) throw new Error("no 6-digit code in message");
  return match[1];
}

export const CODE_EMAIL_SUBJECT = /^Your code to /;

/** Every email delivered to `to`, oldest first, with its position in `resend.delivered`. */
export function emailsTo(resend: FakeResend, to: string, subject: RegExp = /./): SentEmail[] {
  return resend.delivered.flatMap((request, index) => {
    const parsed = sentEmailSchema.safeParse(request.body);
    if (!parsed.success) return [];
    const recipients = Array.isArray(parsed.data.to) ? parsed.data.to : [parsed.data.to];
    return recipients.includes(to) && subject.test(parsed.data.subject)
      ? [{ index, to: recipients, subject: parsed.data.subject, text: parsed.data.text }]
      : [];
  });
}

/**
 * Waits (bounded) for a step-up code email to `to` delivered after position `after` in
 * `resend.delivered` (default: any), and returns the newest one's 6-digit code.
 */
export async function waitForCode(resend: FakeResend, to: string, options: { after?: number; timeoutMs?: number } = {}): Promise<string> {
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  for (;;) {
    const latest = emailsTo(resend, to, CODE_EMAIL_SUBJECT)
      .filter((email) => email.index >= (options.after ?? 0))
      .at(-1);
    if (latest) return codeFrom(latest.text);
    if (Date.now() > deadline) throw new Error(`no code email to ${to} within ${options.timeoutMs ?? 10_000} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The proofs the code modal sends: the emailed code, and the second factor when the change takes one. */
export function proofs(code: string, secondFactor?: SecondFactorProof): ProofValues {
  if (!secondFactor) return { email_code: code };
  return { email_code: code, [secondFactor.method === "totp" ? "authenticator" : "recovery_code"]: secondFactor.code };
}

/** `input` as the code modal sends it once the user typed `code`: the same change, with the proof. */
export function withProof(input: Record<string, unknown>, challenge: { id: string }, code: string): Record<string, unknown> {
  return withProofs(input, challenge, proofs(code));
}

/** `input` with any proofs for `challenge`, e.g. `{ passkey: <assertion JSON> }`. */
function withProofs(input: Record<string, unknown>, challenge: { id: string }, values: ProofValues): Record<string, unknown> {
  return { ...input, stepUp: { challengeId: challenge.id, proofs: values } };
}
