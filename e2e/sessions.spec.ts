import { expect, test } from "@playwright/test";
import { randomEmail, signInThroughUi, STRONG_PASSWORD } from "./helpers/accounts";
import { enterCode, stepUpDialog, waitForCodeEmail } from "./helpers/api-tokens";
import { closeDb, createUser, query, sessionsFor } from "./helpers/db";
import { gotoHydrated } from "./helpers/page";

test.afterAll(closeDb);

const SESSION_COOKIE = "authjs.session-token";

test("a session revoked on the server signs the browser out at its next request", async ({ page }) => {
  const user = await createUser({ email: randomEmail("revoked"), password: STRONG_PASSWORD });
  await signInThroughUi(page, user);
  await expect(page.getByRole("region", { name: "Account", exact: true })).toContainText(user.email);

  const sessions = await sessionsFor(user.id);
  expect(sessions).toHaveLength(1);
  // As "sign out everywhere" or an admin would: the browser still holds a well-signed cookie.
  await query("UPDATE sessions SET revoked_at = now() WHERE user_id = $1", [user.id]);
  expect((await page.context().cookies()).some((cookie) => cookie.name === SESSION_COOKIE)).toBe(true);

  await page.goto("/settings");
  await expect(page).toHaveURL(/\/login(\?|$)/);
  await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Sign out", exact: true })).toHaveCount(0);
  await expect(page.getByText(user.email)).toHaveCount(0);

  await page.goto("/settings/security");
  await expect(page).toHaveURL(/\/login(\?|$)/);
});

test("the session cookie is HttpOnly, SameSite=Lax and scoped to the whole site", async ({ page }) => {
  const user = await createUser({ email: randomEmail("cookie"), password: STRONG_PASSWORD });
  // The sign-in form's POST (the page also asks for passkey options on its own).
  const signInResponse = page.waitForResponse(
    (response) =>
      response.request().method() === "POST" &&
      new URL(response.url()).pathname === "/login" &&
      (response.request().postData() ?? "").includes(user.email),
  );
  await signInThroughUi(page, user);
  const setCookieHeaders = (await (await signInResponse).headersArray())
    .filter((header) => header.name.toLowerCase() === "set-cookie")
    .flatMap((header) => header.value.split("\n"));

  const cookie = (await page.context().cookies()).find((candidate) => candidate.name === SESSION_COOKIE);
  expect(cookie, `${SESSION_COOKIE} cookie after sign-in`).toBeDefined();
  expect(cookie?.httpOnly).toBe(true);
  expect(cookie?.sameSite).toBe("Lax");
  expect(cookie?.path).toBe("/");
  // Plain-http localhost: a Secure cookie would never be sent back. With an https APP_URL (production)
  // the app sets Secure and the `__Secure-` name prefix (useSecureCookies in lib/auth/next-auth.ts).
  expect(cookie?.secure).toBe(false);

  // The same, as the server wrote it.
  const header = setCookieHeaders.find((line) => line.startsWith(`${SESSION_COOKIE}=`));
  expect(header, "Set-Cookie for the session on the sign-in response").toBeDefined();
  const attributes = (header ?? "")
    .split(";")
    .slice(1)
    .map((part) => part.trim().toLowerCase());
  expect(attributes).toContain("httponly");
  expect(attributes).toContain("samesite=lax");
  expect(attributes).toContain("path=/");
  expect(attributes).not.toContain("secure");
});

test("the security page lists sessions and signs out another browser after a step-up code", async ({ page, browser, request }) => {
  const user = await createUser({ email: randomEmail("sessions-ui"), password: STRONG_PASSWORD });
  const otherContext = await browser.newContext();
  const other = await otherContext.newPage();
  await signInThroughUi(other, user);
  await signInThroughUi(page, user);

  await gotoHydrated(page, "/settings/security");
  const section = page.getByRole("region", { name: "Active sessions" });
  await expect(section.getByRole("listitem")).toHaveCount(2);
  await expect(section.getByText("This device")).toHaveCount(1);

  await section.getByRole("button", { name: /^Sign out the session on / }).click();
  await expect(stepUpDialog(page)).toBeVisible();
  const { code } = await waitForCodeEmail(request, user.email);
  await enterCode(page, code);
  await expect(section.getByRole("status")).toContainText("Signed out");
  await expect(section.getByRole("listitem")).toHaveCount(1);

  await other.goto("/settings");
  await expect(other).toHaveURL(/\/login(\?|$)/);
  await page.goto("/settings");
  await expect(page).toHaveURL(/\/settings$/);
  expect(await query("SELECT 1 FROM audit_events WHERE actor_id = $1 AND type = 'session.revoked'", [user.id])).toHaveLength(1);
  await otherContext.close();
});
