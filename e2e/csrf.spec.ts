import { expect, test, type APIRequestContext, type Page, type Request } from "@playwright/test";
import { randomEmail, STRONG_PASSWORD } from "./helpers/accounts";
import { auditEventsFor, closeDb, createUser, query } from "./helpers/db";
import { listMessages } from "./helpers/mailbox";
import { gotoHydrated } from "./helpers/page";

/**
 * The CSRF guard (proxy.ts, lib/security/same-origin.ts) must refuse a state-changing request whose
 * Origin is foreign or missing, or whose Sec-Fetch-Site is cross-site, before any action runs.
 *
 * A real cross-site page cannot be staged on localhost, so the app's own form sends its server-action
 * POST and the test rewrites the headers in flight. `route.continue({ headers })` is not enough:
 * Chromium (156 here) puts its own Origin and Sec-Fetch-* back below the interception layer, while
 * `request.allHeaders()` still reports the rewritten values (a foreign Origin went through with 200 and
 * created a sign-up). So the rewritten request is sent with `route.fetch`, from Playwright's own HTTP
 * client, which sends exactly the headers given (plus the context's cookies) and no Origin or
 * Sec-Fetch-* of its own; the browser then receives the server's real response. Each case asserts the
 * status the server returned and that the database is unchanged, and the control case shows that the
 * same path with untouched headers goes through.
 */

const APP_ORIGIN = "http://localhost:3100";
// The body proxy.ts answers with, so a 403 from anything else does not count.
const GUARD_REFUSAL = `"error":"cross_site_request"`;

type Tamper = { name: string; rewrite: (headers: Record<string, string>) => Record<string, string> };

const TAMPERS: Tamper[] = [
  { name: "a foreign Origin", rewrite: (headers) => ({ ...headers, origin: "https://evil.test" }) },
  { name: "no Origin", rewrite: ({ origin: _origin, ...headers }) => headers },
  { name: "Sec-Fetch-Site: cross-site", rewrite: (headers) => ({ ...headers, "sec-fetch-site": "cross-site" }) },
];

const isServerAction = (request: Request) => request.method() === "POST" && request.headers()["next-action"] !== undefined;

/**
 * Sends the page's next server-action POST that carries `marker` (the form's email: the login page
 * also asks for passkey options on its own) with rewritten headers; `result()` gives what was sent and the status.
 */
async function tamperWithNextAction(page: Page, marker: string, rewrite: Tamper["rewrite"]) {
  const isTheForm = (request: Request) => isServerAction(request) && (request.postData() ?? "").includes(marker);
  let sent: Record<string, string> | undefined;
  let status: number | undefined;
  let body: string | undefined;
  await page.route(
    (url) => url.origin === APP_ORIGIN,
    async (route) => {
      if (!isTheForm(route.request())) return route.continue();
      sent = rewrite(await route.request().allHeaders());
      const response = await route.fetch({ headers: sent });
      status = response.status();
      body = await response.text();
      await route.fulfill({ response });
    },
  );
  const response = page.waitForResponse((candidate) => isTheForm(candidate.request()));
  return {
    result: async () => {
      await response;
      return { status, body, sent };
    },
  };
}

async function expectNoSignUpTrace(email: string, request: APIRequestContext) {
  expect(await query("SELECT 1 FROM sign_up_requests WHERE email = $1", [email]), "sign_up_requests rows").toHaveLength(0);
  expect(await query("SELECT 1 FROM rate_limits WHERE key = $1", [`sign-up:email:${email}`]), "rate limit counted").toHaveLength(0);
  expect(await auditEventsFor(email), "audit rows").toHaveLength(0);
  expect(await listMessages(request, email), "emails sent").toHaveLength(0);
}

test.afterAll(closeDb);

test.describe("the sign-up form's server action", () => {
  for (const tamper of TAMPERS) {
    test(`with ${tamper.name} is refused with 403 and changes nothing`, async ({ page, request }) => {
      const email = randomEmail("csrf-signup");
      await gotoHydrated(page, "/signup");
      const tampered = await tamperWithNextAction(page, email, tamper.rewrite);
      await page.getByLabel("Email address").fill(email);
      await page.getByLabel("Password").fill(STRONG_PASSWORD);
      await page.getByRole("button", { name: "Create account" }).click();

      const { status, body, sent } = await tampered.result();
      expect(sent, "the action POST was intercepted").toBeDefined();
      expect(status).toBe(403);
      expect(body).toContain(GUARD_REFUSAL);
      await expect(page).toHaveURL(/\/signup$/);
      await expectNoSignUpTrace(email, request);
    });
  }

  test("intercepted but untouched goes through (control)", async ({ page, request }) => {
    const email = randomEmail("csrf-control");
    await gotoHydrated(page, "/signup");
    const tampered = await tamperWithNextAction(page, email, (headers) => headers);
    await page.getByLabel("Email address").fill(email);
    await page.getByLabel("Password").fill(STRONG_PASSWORD);
    await page.getByRole("button", { name: "Create account" }).click();

    const { status, sent } = await tampered.result();
    expect(sent?.origin).toBe(APP_ORIGIN);
    expect(status).not.toBe(403);
    await expect(page).toHaveURL(/\/verify-email$/);
    expect(await query("SELECT 1 FROM sign_up_requests WHERE email = $1", [email])).toHaveLength(1);
    expect(await listMessages(request, email)).toHaveLength(1);
  });
});

test.describe("the sign-in form's server action", () => {
  for (const tamper of TAMPERS) {
    test(`with ${tamper.name} is refused with 403 and creates no session`, async ({ page }) => {
      const user = await createUser({ email: randomEmail("csrf-signin"), password: STRONG_PASSWORD });
      await gotoHydrated(page, "/login");
      const tampered = await tamperWithNextAction(page, user.email, tamper.rewrite);
      await page.getByLabel("Email address").fill(user.email);
      await page.getByLabel("Password").fill(user.password);
      await page.getByRole("button", { name: "Sign in" }).click();

      const { status, body, sent } = await tampered.result();
      expect(sent, "the action POST was intercepted").toBeDefined();
      expect(status).toBe(403);
      expect(body).toContain(GUARD_REFUSAL);
      await expect(page).toHaveURL(/\/login$/);
      expect(await query("SELECT 1 FROM sessions WHERE user_id = $1", [user.id]), "sessions").toHaveLength(0);
      expect(await auditEventsFor(user.email), "audit rows").toHaveLength(0);
      expect(await query("SELECT 1 FROM rate_limits WHERE key = $1", [`sign-in:account:${user.email}`])).toHaveLength(0);
      expect((await page.context().cookies()).map((cookie) => cookie.name)).not.toContain("authjs.session-token");
    });
  }
});

test.describe("a raw POST to /login (no browser)", () => {
  test("with a foreign Origin is refused with 403", async ({ request }) => {
    const response = await request.post("/login", {
      headers: { origin: "https://evil.test" },
      form: { email: "user@example.com", password: "x" },
    });
    expect(response.status()).toBe(403);
    expect(await response.text()).toContain(GUARD_REFUSAL);
  });

  test("without an Origin is refused with 403", async ({ request }) => {
    // Playwright's request client sends no Origin unless told to.
    const response = await request.post("/login", { form: { email: "user@example.com", password: "x" } });
    expect(response.status()).toBe(403);
    expect(await response.text()).toContain(GUARD_REFUSAL);
  });

  test("with the app's own Origin passes the guard (control)", async ({ request }) => {
    const response = await request.post("/login", { headers: { origin: APP_ORIGIN }, form: { email: "user@example.com", password: "x" } });
    expect(response.status()).not.toBe(403);
  });
});
