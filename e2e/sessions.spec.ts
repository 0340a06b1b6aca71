import { expect, test } from "@playwright/test";
import { randomEmail, signInThroughUi, STRONG_PASSWORD } from "./helpers/accounts";
import { closeDb, createUser, query, sessionsFor } from "./helpers/db";

test.afterAll(closeDb);

const SESSION_COOKIE = "authjs.session-token";

test("a session revoked on the server signs the browser out at its next request", async ({ page }) => {
  const user = await createUser({ email: randomEmail("revoked"), password: STRONG_PASSWORD });
  await signInThroughUi(page, user);
  await expect(page.getByRole("region", { name: "Account" })).toContainText(user.email);

  const sessions = await sessionsFor(user.id);
  expect(sessions).toHaveLength(1);
  // As "sign out everywhere" or an admin would: the browser still holds a well-signed cookie.
  await query("UPDATE sessions SET revoked_at = now() WHERE user_id = $1", [user.id]);
  expect((await page.context().cookies()).some((cookie) => cookie.name === SESSION_COOKIE)).toBe(true);

  await page.goto("/settings");
  await expect(page).toHaveURL(/\/login(\?|$)/);
  await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Sign out" })).toHaveCount(0);
  await expect(page.getByText(user.email)).toHaveCount(0);

  await page.goto("/settings/security");
  await expect(page).toHaveURL(/\/login(\?|$)/);
});

test("the session cookie is HttpOnly, SameSite=Lax and scoped to the whole site", async ({ page }) => {
  const user = await createUser({ email: randomEmail("cookie"), password: STRONG_PASSWORD });
  const signInResponse = page.waitForResponse((response) => response.request().method() === "POST" && new URL(response.url()).pathname === "/login");
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
  const attributes = (header ?? "").split(";").slice(1).map((part) => part.trim().toLowerCase());
  expect(attributes).toContain("httponly");
  expect(attributes).toContain("samesite=lax");
  expect(attributes).toContain("path=/");
  expect(attributes).not.toContain("secure");
});
