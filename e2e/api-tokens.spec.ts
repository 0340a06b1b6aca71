import { expect, test, type Page, type Request } from "@playwright/test";
import { randomEmail, signInThroughUi, STRONG_PASSWORD } from "./helpers/accounts";
import {
  apiTokensFor,
  callMe,
  cancelLinkPath,
  challengesFor,
  codeEmails,
  createDialog,
  enterCode,
  fillCreateForm,
  openCreateDialog,
  securityEventsFor,
  shownToken,
  stepUpDialog,
  submitCreateToken,
  tokensSection,
  waitForCodeEmail,
  wrongCodeFor,
} from "./helpers/api-tokens";
import { expectNoSeriousA11yViolations } from "./helpers/axe";
import { closeDb, createUser, query, sessionsFor, type TestUser } from "./helpers/db";
import { waitForMessage } from "./helpers/mailbox";
import { gotoHydrated, waitForHydration } from "./helpers/page";

/**
 * API tokens behind step-up, through the real UI: /settings/security → "Create token" → the code
 * modal (code read from the dev mailbox) → the token shown once → GET /api/v1/me → revoke.
 * Every test has its own user: step-up limits (5 sends an hour, lockout) are per user.
 */

test.afterAll(closeDb);

async function signedInOnSecurityPage(page: Page, label: string): Promise<TestUser> {
  const user = await createUser({ email: randomEmail(label), password: STRONG_PASSWORD });
  await signInThroughUi(page, user);
  await gotoHydrated(page, "/settings/security");
  await expect(tokensSection(page).getByText("No API tokens yet")).toBeVisible();
  return user;
}

test("create a token through the code modal, use it, and revoke it inside the sudo window without a second code", async ({
  page,
  request,
  context,
}) => {
  const user = await signedInOnSecurityPage(page, "tokens-happy");
  const [local = "", domain = ""] = user.email.split("@");
  let token = "";

  await test.step("the create form opens the code modal, focused on the code field", async () => {
    await submitCreateToken(page, { name: "ci-deploy", scope: "profile:read", expiry: "30 days" });
    const modal = stepUpDialog(page);
    await expect(modal).toBeVisible();
    await expect(modal).toContainText('To create API token "ci-deploy", enter the 6-digit code we just emailed to');
    // Where the code went, masked.
    await expect(modal).toContainText(`${local.slice(0, 2)}${"•".repeat(local.length - 2)}@${domain}`);
    await expect(modal).not.toContainText(user.email);
    const input = modal.getByLabel("6-digit code");
    await expect(input).toBeFocused();
    await expect(input).toHaveAttribute("autocomplete", "one-time-code");
    await expect(input).toHaveAttribute("inputmode", "numeric");
    await expect(modal.getByText(/^Code expires in \d+:\d\d$/)).toBeVisible();
    // Nothing exists yet.
    expect(await apiTokensFor(user.id)).toEqual([]);
  });

  await test.step("the emailed code shows the token once, with a copy button and a warning", async () => {
    const email = await waitForCodeEmail(request, user.email);
    expect(email.subject).toBe('Your code to create API token "ci-deploy"');
    const actionPosts: string[] = [];
    const onRequest = (sent: Request) => {
      if (sent.method() === "POST" && sent.headers()["next-action"]) actionPosts.push(sent.postData() ?? "");
    };
    page.on("request", onRequest);
    await enterCode(page, email.code);
    await expect(stepUpDialog(page)).toHaveCount(0);

    const shown = await shownToken(page, "ci-deploy");
    page.off("request", onRequest);
    // One round trip after the code: the change itself, carrying the code (no separate verify, no replay).
    expect(actionPosts).toHaveLength(1);
    expect(actionPosts[0]).toContain("ci-deploy");
    expect(actionPosts[0]).toContain(email.code);
    token = shown.token;
    await expect(shown.dialog).toContainText("Copy it now — you won't be able to see it again.");
    await context.grantPermissions(["clipboard-read", "clipboard-write"]);
    await shown.dialog.getByRole("button", { name: "Copy token" }).click();
    await expect(shown.dialog.getByRole("status")).toHaveText("Copied");
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(token);
  });

  await test.step("GET /api/v1/me with the token answers as the user", async () => {
    const response = await callMe(request, token);
    expect(response.status()).toBe(200);
    expect(await response.json()).toEqual({ id: user.id, email: user.email });
  });

  await test.step("after Done the list shows the token by its display prefix only", async () => {
    await page.getByRole("dialog", { name: 'Token "ci-deploy" created' }).getByRole("button", { name: "Done" }).click();
    await expect(page.getByRole("dialog")).toHaveCount(0);
    const row = tokensSection(page).getByRole("row").filter({ hasText: "ci-deploy" });
    await expect(row).toContainText(`${token.slice(0, "asec_".length + 6)}…`);
    await expect(row).toContainText("active");
    await expect(row).toContainText("profile:read");
    await expect(tokensSection(page)).toContainText("1 of 50 active tokens");
    // The plaintext is gone from the page.
    expect(await page.content()).not.toContain(token);
  });

  await test.step("revoke inside the sudo window: a confirmation, no second code", async () => {
    const posts: string[] = [];
    page.on("request", (request) => {
      if (request.method() === "POST") posts.push(request.url());
    });
    await tokensSection(page).getByRole("button", { name: "Revoke token ci-deploy" }).click();
    const confirm = page.getByRole("dialog", { name: 'Revoke token "ci-deploy"?' });
    await expect(confirm).toContainText(`${token.slice(0, 11)}…`);
    await confirm.getByRole("button", { name: "Revoke token" }).click();
    await expect(tokensSection(page).getByRole("status")).toHaveText("Token revoked. It stopped working immediately.");
    await expect(confirm).toHaveCount(0);
    await expect(stepUpDialog(page)).toHaveCount(0);
    await expect(tokensSection(page).getByRole("row").filter({ hasText: "ci-deploy" })).toContainText("revoked");
    await expect(tokensSection(page)).toContainText("0 of 50 active tokens");
    // One action call: the revoke went through on the first try, no challenge in between.
    expect(posts.filter((url) => new URL(url).pathname === "/settings/security")).toHaveLength(1);
    // The revocation notice arrives after the change; by then a code email would have too.
    await waitForMessage(request, user.email, { match: (message) => message.subject === "An API token was revoked" });
    expect((await codeEmails(request, user.email)).map((message) => message.subject)).toEqual([
      'Your code to create API token "ci-deploy"',
    ]);
    expect(await challengesFor(user.id)).toHaveLength(1);
  });

  await test.step("the revoked token is refused at once", async () => {
    const response = await callMe(request, token);
    expect(response.status()).toBe(401);
    expect(await response.json()).toMatchObject({ error: "invalid_token" });
  });

  await test.step("the database holds a hash, the revocation and the audit trail", async () => {
    const rows = await apiTokensFor(user.id);
    expect(rows).toHaveLength(1);
    const row = rows[0];
    expect(row?.name).toBe("ci-deploy");
    expect(row?.scopes).toEqual(["profile:read"]);
    expect(row?.revoked_at).toBeInstanceOf(Date);
    expect(row?.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(row?.token_hash).not.toBe(token);
    expect(row?.display_prefix).toBe(token.slice(0, 11));
    const days = ((row?.expires_at.getTime() ?? 0) - (row?.created_at.getTime() ?? 0)) / 86_400_000;
    expect(days).toBeCloseTo(30, 2);

    expect((await securityEventsFor(user.id)).map((event) => [event.type, event.outcome, event.reason])).toEqual([
      ["step_up.challenge_sent", "SUCCESS", "api_token.create"],
      ["step_up.verified", "SUCCESS", "sudo"],
      ["step_up.grant_used", "SUCCESS", "api_token.create"],
      ["api_token.created", "SUCCESS", null],
      ["step_up.grant_used", "SUCCESS", "api_token.revoke"],
      ["api_token.revoked", "SUCCESS", null],
    ]);
  });
});

test("a wrong code is announced with the attempts left, then the right code works", async ({ page, request }) => {
  const user = await signedInOnSecurityPage(page, "tokens-wrong-code");
  await submitCreateToken(page, { name: "wrong-then-right" });
  const modal = stepUpDialog(page);
  await expect(modal).toBeVisible();
  await expect(modal.getByText("You can paste it. 5 attempts left.")).toBeVisible();
  const { code } = await waitForCodeEmail(request, user.email);

  await enterCode(page, wrongCodeFor(code));
  await expect(modal.getByRole("alert")).toHaveText("That code is incorrect. 4 attempts left.");
  await expect(modal.getByText("You can paste it. 4 attempts left.")).toBeVisible();
  // The field is cleared and focused for the next try.
  const input = modal.getByLabel("6-digit code");
  await expect(input).toHaveValue("");
  await expect(input).toBeFocused();
  expect(await apiTokensFor(user.id)).toEqual([]);

  // Pasted with a space, as from an email client.
  await page.keyboard.insertText(`${code.slice(0, 3)} ${code.slice(3)}`);
  await expect(input).toHaveValue(code);
  await modal.getByRole("button", { name: "Verify" }).click();
  const { token } = await shownToken(page, "wrong-then-right");
  expect((await callMe(request, token)).status()).toBe(200);

  expect((await securityEventsFor(user.id)).map((event) => [event.type, event.outcome, event.reason])).toEqual([
    ["step_up.challenge_sent", "SUCCESS", "api_token.create"],
    ["step_up.verify_failed", "FAILURE", "code_invalid"],
    ["step_up.verified", "SUCCESS", "sudo"],
    ["step_up.grant_used", "SUCCESS", "api_token.create"],
    ["api_token.created", "SUCCESS", null],
  ]);
});

test("the resend button counts down, then sends a new code that replaces the old one", async ({ page, request }) => {
  // The countdown runs on the browser's clock; installed before the page loads, the test can move it.
  await page.clock.install();
  const user = await signedInOnSecurityPage(page, "tokens-resend");
  await submitCreateToken(page, { name: "resend-me" });
  const modal = stepUpDialog(page);
  const first = await waitForCodeEmail(request, user.email);

  const resend = modal.getByRole("button", { name: /^Send a new code/ });
  await expect(resend).toHaveText(/^Send a new code in ([1-9]|[1-5]\d|60)s$/);
  await expect(resend).toBeDisabled();
  const shown = Number(/(\d+)s$/.exec((await resend.textContent()) ?? "")?.[1]);
  // It counts down.
  await expect(resend).not.toHaveText(`Send a new code in ${shown}s`, { timeout: 5_000 });
  await expect(resend).toBeDisabled();

  // Sixty seconds pass, for the server (the code's send time) and for the browser (its clock).
  const [{ id: challengeId } = { id: "" }] = await challengesFor(user.id);
  await query(
    "UPDATE one_time_codes SET last_sent_at = last_sent_at - interval '60 seconds' WHERE id = (SELECT code_id FROM step_up_challenges WHERE id = $1)",
    [challengeId],
  );
  await page.clock.fastForward(60_000);
  await expect(resend).toHaveText("Send a new code", { timeout: 3_000 });
  await expect(resend).toBeEnabled();

  await resend.click();
  await expect(modal.getByRole("status").filter({ hasText: "new code" })).toHaveText(
    "We sent a new code. The previous one no longer works.",
  );
  const second = await waitForCodeEmail(request, user.email, 1);
  expect(second.subject).toBe('Your code to create API token "resend-me"');
  expect(second.code).not.toBe(first.code);
  expect(
    await query("SELECT send_count FROM one_time_codes WHERE id = (SELECT code_id FROM step_up_challenges WHERE id = $1)", [challengeId]),
  ).toEqual([{ send_count: 2 }]);

  // The browser's clock is now a minute ahead, so the button is enabled again; the server still
  // holds the cooldown, and the modal shows it.
  await resend.click();
  await expect(modal.getByRole("alert")).toHaveText(/^You can request a new code in (1 minute|5\d seconds)\.$/);
  await expect(resend).toBeDisabled();
  await expect(resend).toHaveText(/^Send a new code in \d+s$/);
  expect(await codeEmails(request, user.email)).toHaveLength(2);

  // The first code no longer works; the second does.
  await enterCode(page, first.code);
  await expect(modal.getByRole("alert")).toHaveText("That code is incorrect. 4 attempts left.");
  await enterCode(page, second.code);
  const { token } = await shownToken(page, "resend-me");
  expect((await callMe(request, token)).status()).toBe(200);
  expect((await securityEventsFor(user.id)).map((event) => event.type)).toEqual([
    "step_up.challenge_sent",
    "step_up.challenge_resent",
    "step_up.verify_failed",
    "step_up.verified",
    "step_up.grant_used",
    "api_token.created",
  ]);
});

test("Esc on the code modal cancels: nothing is created and the challenge is closed", async ({ page, request }) => {
  const user = await signedInOnSecurityPage(page, "tokens-esc");
  await submitCreateToken(page, { name: "never-created" });
  const modal = stepUpDialog(page);
  await expect(modal.getByLabel("6-digit code")).toBeFocused();
  await waitForCodeEmail(request, user.email);

  await page.keyboard.press("Escape");
  await expect(modal).toHaveCount(0);
  // Back in the create dialog, which says so and keeps what was typed.
  const dialog = createDialog(page);
  await expect(dialog.getByRole("alert")).toHaveText("Cancelled. Nothing was changed.");
  await expect(dialog.getByLabel("Name")).toHaveValue("never-created");

  await expect.poll(async () => (await challengesFor(user.id))[0]?.cancelled_at ?? null).toBeInstanceOf(Date);
  expect(await apiTokensFor(user.id)).toEqual([]);
  const events = await securityEventsFor(user.id);
  expect(events.map((event) => [event.type, event.reason])).toEqual([
    ["step_up.challenge_sent", "api_token.create"],
    ["step_up.cancelled", "dismissed"],
  ]);
  // The cancelled challenge's code can no longer be used.
  expect(
    await query(
      "SELECT consumed_at IS NOT NULL AS consumed FROM one_time_codes WHERE id = (SELECT code_id FROM step_up_challenges WHERE user_id = $1)",
      [user.id],
    ),
  ).toEqual([{ consumed: true }]);

  // Closing the create dialog too leaves the list as it was.
  await page.keyboard.press("Escape");
  await expect(dialog).toHaveCount(0);
  await expect(tokensSection(page).getByText("No API tokens yet")).toBeVisible();
});

test("no serious or critical axe violations: create dialog, code modal, new token, token list", async ({ page, request }) => {
  const user = await signedInOnSecurityPage(page, "tokens-a11y");

  await openCreateDialog(page);
  await fillCreateForm(page, { name: "axe-check" });
  await expectNoSeriousA11yViolations(page);

  await createDialog(page).getByRole("button", { name: "Create token" }).click();
  await expect(stepUpDialog(page).getByLabel("6-digit code")).toBeFocused();
  await expectNoSeriousA11yViolations(page);

  // With an error showing, too.
  const { code } = await waitForCodeEmail(request, user.email);
  await enterCode(page, wrongCodeFor(code));
  await expect(stepUpDialog(page).getByRole("alert")).toHaveText("That code is incorrect. 4 attempts left.");
  await expect(stepUpDialog(page).getByRole("button", { name: "Cancel" })).toBeEnabled();
  await expectNoSeriousA11yViolations(page);

  await enterCode(page, code);
  const { dialog } = await shownToken(page, "axe-check");
  await expectNoSeriousA11yViolations(page);

  await dialog.getByRole("button", { name: "Done" }).click();
  await expect(tokensSection(page).getByRole("row").filter({ hasText: "axe-check" })).toBeVisible();
  await expectNoSeriousA11yViolations(page);
});

test('"This wasn\'t me": opening the link only explains; its button cancels and signs out the requesting session', async ({
  page,
  request,
  browser,
}) => {
  const user = await signedInOnSecurityPage(page, "tokens-not-me");
  await submitCreateToken(page, { name: "suspicious" });
  await expect(stepUpDialog(page)).toBeVisible();
  const email = await waitForCodeEmail(request, user.email);
  const link = cancelLinkPath(email);
  expect(email.text).not.toMatch(/\/login\b/);

  const stranger = await browser.newContext({ baseURL: test.info().project.use.baseURL });
  try {
    const other = await stranger.newPage();
    await test.step("GET explains and offers the button, changing nothing", async () => {
      await other.goto(link);
      await waitForHydration(other);
      await expect(other.getByRole("heading", { name: "Didn't ask for this?" })).toBeVisible();
      await expect(other.getByRole("main")).toContainText('create API token "suspicious"');
      await expect(other.getByRole("button", { name: "Cancel the request and sign out that device" })).toBeVisible();

      const [challenge] = await challengesFor(user.id);
      expect([challenge?.cancelled_at, challenge?.reported_at]).toEqual([null, null]);
      expect((await sessionsFor(user.id)).map((session) => session.revoked_at)).toEqual([null]);
      // The original session still works, and its pending code modal too.
      await expect(stepUpDialog(page)).toBeVisible();
      const response = await page.request.get("/settings/security");
      expect(response.url()).toMatch(/\/settings\/security$/);
    });

    await test.step("the button cancels the request and signs out the session that made it", async () => {
      await other.getByRole("button", { name: "Cancel the request and sign out that device" }).click();
      await expect(other.getByRole("status")).toHaveText(
        "Done. The request was cancelled and that device was signed out. Change your password if you didn't ask for this.",
      );
      const [challenge] = await challengesFor(user.id);
      expect(challenge?.reported_at).toBeInstanceOf(Date);
      expect(challenge?.cancelled_at).toBeInstanceOf(Date);
      expect((await sessionsFor(user.id)).map((session) => session.revoked_at)).toEqual([expect.any(Date)]);

      // A second use of the link finds nothing to cancel.
      await other.goto(link);
      await expect(other.getByRole("heading", { name: "This link has expired or was already used" })).toBeVisible();
    });
  } finally {
    await stranger.close();
  }

  await test.step("the original browser is signed out at its next navigation", async () => {
    await page.goto("/settings");
    await expect(page).toHaveURL(/\/login(\?|$)/);
    expect(await apiTokensFor(user.id)).toEqual([]);
    const events = await securityEventsFor(user.id);
    expect(events.map((event) => [event.type, event.outcome, event.reason])).toEqual([
      ["step_up.challenge_sent", "SUCCESS", "api_token.create"],
      ["step_up.reported", "BLOCKED", "api_token.create"],
    ]);
  });
});

test("the create form offers the scopes the account may grant: audit:read to admins only", async ({ page, browser }) => {
  const scopesOffered = async (on: Page): Promise<string[]> => {
    const dialog = await openCreateDialog(on);
    return dialog.getByRole("checkbox").evaluateAll((boxes) => boxes.map((box) => (box as HTMLInputElement).value));
  };

  await signedInOnSecurityPage(page, "tokens-scopes");
  expect(await scopesOffered(page)).toEqual(["profile:read", "tokens:read", "sessions:read", "activity:read"]);
  await expect(createDialog(page).getByRole("checkbox", { name: /^audit:read\b/ })).toHaveCount(0);

  const adminContext = await browser.newContext({ baseURL: test.info().project.use.baseURL });
  try {
    const adminPage = await adminContext.newPage();
    const admin = await createUser({ email: randomEmail("tokens-scopes-admin"), password: STRONG_PASSWORD });
    await query("UPDATE users SET role = 'ADMIN' WHERE id = $1", [admin.id]);
    await signInThroughUi(adminPage, admin);
    await gotoHydrated(adminPage, "/settings/security");
    expect(await scopesOffered(adminPage)).toEqual(["profile:read", "tokens:read", "sessions:read", "activity:read", "audit:read"]);
    await expect(createDialog(adminPage).getByRole("checkbox", { name: /^audit:read\b/ })).toHaveCount(1);
  } finally {
    await adminContext.close();
  }
});
