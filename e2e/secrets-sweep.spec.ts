import { randomBytes } from "node:crypto";
import { expect, test, type Page, type Request } from "@playwright/test";
import { randomEmail, signInThroughUi, STRONG_PASSWORD } from "./helpers/accounts";
import {
  callMe,
  challengesFor,
  enterCode,
  isCodeEmail,
  shownToken,
  stepUpDialog,
  submitCreateToken,
  tokensSection,
  waitForCodeEmail,
  wrongCodeFor,
} from "./helpers/api-tokens";
import { closeDb, createUser, query } from "./helpers/db";
import { listMessages, waitForMessage } from "./helpers/mailbox";
import { gotoHydrated } from "./helpers/page";
import { codeSecret, findSecrets, tokenSecrets, type Hit } from "./helpers/secrets";
import { flushedServerLogSince, serverLogOffset } from "./helpers/server-log";

/**
 * SECURITY.md S10: a code or token plaintext never appears outside the email and the one-time
 * display. This spec drives a whole create → verify → revoke flow itself (with a wrong code, a
 * resend and a stale code on the way, so every code path that handles a code runs), collects every
 * code from the mailbox and the token from the UI, then searches everything else for them:
 * (a) every server-action and route response the browser received (headers and body), except the
 *     one create-token response that displays the token; (b) the server's log; (c) every audit row;
 * (d) every URL the browser requested; and (e) every other table in the database.
 */

test.afterAll(closeDb);

type Captured = {
  method: string;
  url: string;
  status: number;
  isAction: boolean;
  requestBody: string;
  text: string;
};

// The responses that carry what the app computed: actions and other POSTs, pages, RSC payloads,
// JSON. Static files (scripts, styles, fonts) are built before any secret exists.
const DYNAMIC_CONTENT = /text\/html|text\/x-component|application\/json|text\/plain/;

/**
 * Records every app response the page receives, headers and body.
 *
 * Fetches (server actions, RSC payloads) go out through Playwright's HTTP client (`route.fetch`,
 * with the browser's own headers and cookies) and the browser gets exactly the response recorded:
 * reading their bodies through the DevTools protocol instead (`page.on("response")` and
 * `response.text()`) loses some streamed action responses under load ("No data found for resource
 * with given identifier"). Documents are left to the browser (a page whose HTML was fulfilled by
 * the test is not hydrated by `next dev`: Chromium's local-network checks block its HMR socket) and
 * read through the protocol, which keeps a document's body until the next navigation; call
 * `settle()` before navigating.
 */
function recordResponses(page: Page, origin: string) {
  const responses: Captured[] = [];
  const failures: string[] = [];
  const pending: Promise<void>[] = [];
  const record = (request: Request, status: number, headers: Record<string, string>, body: string) => {
    if (request.method() === "GET" && !DYNAMIC_CONTENT.test(headers["content-type"] ?? "")) return;
    responses.push({
      method: request.method(),
      url: request.url(),
      status,
      isAction: request.headers()["next-action"] !== undefined,
      requestBody: request.postData() ?? "",
      text: `${JSON.stringify(headers)}\n${body}`,
    });
  };
  const isApp = (url: URL) => url.origin === origin && !url.pathname.startsWith("/_next/");

  page.on("response", (response) => {
    const request = response.request();
    if (request.resourceType() !== "document" || !isApp(new URL(response.url()))) return;
    pending.push(
      (async () => {
        const status = response.status();
        const body = status >= 300 && status < 400 ? "" : await response.text();
        record(request, status, await response.allHeaders(), body);
      })().catch((error: unknown) => {
        failures.push(`${request.method()} ${request.url()}: ${String(error)}`);
      }),
    );
  });

  const routed = page.route(isApp, async (route) => {
    const request = route.request();
    if (request.resourceType() === "document") return route.fallback();
    try {
      const response = await route.fetch({ headers: await request.allHeaders(), maxRedirects: 0 });
      const body = await response.body();
      record(request, response.status(), response.headers(), body.toString("utf8"));
      await route.fulfill({ response, body });
    } catch (error) {
      failures.push(`${request.method()} ${request.url()}: ${String(error)}`);
      await route.abort().catch(() => undefined);
    }
  });

  return {
    ready: routed,
    responses,
    failures,
    /** Waits for the document bodies being read. */
    settle: async () => {
      await Promise.all(pending);
    },
  };
}

test("no code or token plaintext outside the email and the one-time display", async ({ page, request, baseURL }) => {
  const origin = new URL(baseURL ?? "http://localhost:3100").origin;
  const logOffset = serverLogOffset();
  const [{ started } = { started: new Date() }] = await query<{ started: Date }>("SELECT now() AS started");

  const urls: string[] = [];
  page.on("request", (sent) => urls.push(sent.url()));
  const recorded = recordResponses(page, origin);
  await recorded.ready;
  // The resend countdown runs on the browser's clock; installed before the first page, the test can move it.
  await page.clock.install();

  const user = await createUser({ email: randomEmail("sweep"), password: STRONG_PASSWORD });
  await signInThroughUi(page, user);
  await recorded.settle();
  await gotoHydrated(page, "/settings/security");

  const modal = stepUpDialog(page);
  const first = await test.step("create: a code is emailed, a wrong code refused", async () => {
    await submitCreateToken(page, { name: "sweep-token", scope: "profile:read", expiry: "30 days" });
    await expect(modal).toBeVisible();
    const email = await waitForCodeEmail(request, user.email);
    await enterCode(page, wrongCodeFor(email.code));
    await expect(modal.getByRole("alert")).toHaveText("That code is incorrect. 4 attempts left.");
    return email;
  });

  const second = await test.step("resend after the cooldown; the first code is then refused", async () => {
    const [{ id: challengeId } = { id: "" }] = await challengesFor(user.id);
    await query(
      "UPDATE one_time_codes SET last_sent_at = last_sent_at - interval '60 seconds' WHERE id = (SELECT code_id FROM step_up_challenges WHERE id = $1)",
      [challengeId],
    );
    await page.clock.fastForward(60_000);
    await modal.getByRole("button", { name: "Send a new code", exact: true }).click();
    await expect(modal.getByRole("status").filter({ hasText: "new code" })).toHaveText(
      "We sent a new code. The previous one no longer works.",
    );
    const email = await waitForCodeEmail(request, user.email, 1);
    expect(email.code).not.toBe(first.code);
    await enterCode(page, first.code);
    await expect(modal.getByRole("alert")).toHaveText("That code is incorrect. 3 attempts left.");
    return email;
  });

  const token = await test.step("the right code: the token is shown once and works", async () => {
    await enterCode(page, second.code);
    const shown = await shownToken(page, "sweep-token");
    expect((await callMe(request, shown.token)).status()).toBe(200);
    await shown.dialog.getByRole("button", { name: "Done" }).click();
    await expect(tokensSection(page).getByRole("row").filter({ hasText: "sweep-token" })).toContainText("active");
    return shown.token;
  });

  await test.step("revoke inside the sudo window; the token stops working", async () => {
    await tokensSection(page).getByRole("button", { name: "Revoke token sweep-token" }).click();
    await page.getByRole("dialog", { name: 'Revoke token "sweep-token"?' }).getByRole("button", { name: "Revoke token" }).click();
    await expect(tokensSection(page).getByRole("status")).toHaveText("Token revoked. It stopped working immediately.");
    await expect(modal).toHaveCount(0);
    await expect(tokensSection(page).getByRole("row").filter({ hasText: "sweep-token" })).toContainText("revoked");
    expect((await callMe(request, token)).status()).toBe(401);
    // Reload too, so the page's HTML after everything happened is searched as well.
    await recorded.settle();
    await gotoHydrated(page, "/settings/security");
    await expect(tokensSection(page).getByRole("row").filter({ hasText: "sweep-token" })).toContainText("revoked");
  });

  const codes = [
    codeSecret("code 1", first.code),
    codeSecret("code 2 (resent)", second.code),
    codeSecret("the wrong code typed", wrongCodeFor(first.code)),
  ];
  const tokenOnly = tokenSecrets("the API token", token);
  const secrets = [...codes, ...tokenOnly];

  await test.step("the emails: each code only in its own code email, the token in none", async () => {
    // The last email: the revocation notice, delivered after the change committed.
    await waitForMessage(request, user.email, { match: (message) => message.subject === "An API token was revoked" });
    const messages = await listMessages(request, user.email);
    expect(messages.filter(isCodeEmail).map((message) => message.id)).toEqual([second.id, first.id]);
    // The notifications name the token by its display prefix, which is all they may show.
    expect(messages.map((message) => message.subject)).toEqual(
      expect.arrayContaining(["A new API token was created", "An API token was revoked"]),
    );
    for (const message of messages) {
      const own = message.id === first.id ? "code 1" : message.id === second.id ? "code 2 (resent)" : null;
      const searched = secrets.filter((secret) => secret.label !== own);
      // Control: the search finds a code where it belongs.
      if (own)
        expect(
          findSecrets(
            message.text,
            secrets.filter((secret) => secret.label === own),
            "its own email",
          ),
        ).not.toEqual([]);
      expect(findSecrets(`${message.subject}\n${message.text}\n${message.html}`, searched, `email "${message.subject}"`)).toEqual([]);
    }
  });

  // Everything below is asserted softly, so one run reports every place a secret turned up.
  await test.step("(a) responses the browser received: the token only in the one response that displays it, codes in none", async () => {
    await page.waitForLoadState("networkidle");
    await recorded.settle();
    expect.soft(recorded.failures, "requests that could not be recorded").toEqual([]);
    const { responses } = recorded;
    // What was searched, without the bodies (one of which holds the token).
    const summary = responses.map(
      (response) =>
        `${response.method} ${response.url} ${response.status}${response.isAction ? " (action)" : ""} ${response.text.length} chars`,
    );
    await test.info().attach("responses searched", { body: summary.join("\n"), contentType: "text/plain" });

    const actions = responses.filter((response) => response.isAction);
    // Sign-in; create (step-up required); create with the wrong code; resend; with the stale code; with the right code; revoke.
    expect(actions.length, "server-action responses captured").toBeGreaterThanOrEqual(7);
    expect(
      responses.some((response) => response.method === "GET" && response.url.endsWith("/settings/security")),
      "the page's HTML was captured",
    ).toBe(true);

    const showingToken = responses.filter((response) => findSecrets(response.text, tokenOnly, response.url).length > 0);
    expect(showingToken.map((response) => [response.method, new URL(response.url).pathname, response.isAction, response.status])).toEqual([
      ["POST", "/settings/security", true, 200],
    ]);
    expect(showingToken[0]?.requestBody).toContain("sweep-token");
    // Control: the codes went to the server in action bodies (never in a URL, see (d)).
    for (const code of codes.slice(0, 2)) {
      expect(
        actions.some((action) => findSecrets(action.requestBody, [code], "request body").length > 0),
        `${code.label} in a request body`,
      ).toBe(true);
    }

    const hits: Hit[] = responses.flatMap((response) => {
      const where = `${response.method} ${response.url} (${response.status})`;
      return findSecrets(response.text, response === showingToken[0] ? codes : secrets, where);
    });
    expect.soft(hits, "secrets in responses").toEqual([]);
  });

  await test.step("(b) the server's log", async () => {
    const log = await flushedServerLogSince(request, logOffset, randomBytes(8).toString("hex"));
    // The log is really there: next dev logs each request.
    expect(log).toContain("POST /settings/security");
    expect(log).toContain("GET /api/v1/me");
    expect.soft(findSecrets(log, secrets, "server log"), "secrets in the server log").toEqual([]);
  });

  await test.step("(c) every audit row written during the test", async () => {
    const rows = await query<{ json: string; actor_id: string | null }>(
      "SELECT row_to_json(a)::text AS json, actor_id FROM audit_events a WHERE created_at >= $1 ORDER BY id",
      [started],
    );
    expect(rows.filter((row) => row.actor_id === user.id).length, "this user's audit rows").toBeGreaterThanOrEqual(9);
    expect
      .soft(
        rows.flatMap((row) => findSecrets(row.json, secrets, "audit_events")),
        "secrets in audit rows",
      )
      .toEqual([]);
  });

  await test.step("(d) every URL the browser requested", async () => {
    expect(urls.length).toBeGreaterThan(10);
    expect
      .soft(
        urls.flatMap((url) => findSecrets(url, secrets, "browser URL")),
        "secrets in URLs",
      )
      .toEqual([]);
  });

  await test.step("(e) every other table, except the dev mailbox (which stands in for the inbox)", async () => {
    const tables = await query<{ name: string }>(
      "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> 'mailbox_messages' ORDER BY 1",
    );
    expect(tables.map((table) => table.name)).toEqual(
      expect.arrayContaining(["api_tokens", "one_time_codes", "step_up_challenges", "email_outbox"]),
    );
    const hits: Hit[] = [];
    for (const { name } of tables) {
      const rows = await query<{ json: string }>(`SELECT row_to_json(t)::text AS json FROM "${name}" t`);
      hits.push(...rows.flatMap((row) => findSecrets(row.json, secrets, name)));
    }
    expect.soft(hits, "secrets in database tables").toEqual([]);
  });
});
