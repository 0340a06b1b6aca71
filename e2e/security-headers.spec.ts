import { readFile } from "node:fs/promises";
import { expect, test, type APIResponse, type Response } from "@playwright/test";
import { randomEmail, signInThroughUi, STRONG_PASSWORD } from "./helpers/accounts";
import { enterCode, stepUpDialog, waitForCodeEmail } from "./helpers/api-tokens";
import { closeDb, createUser, query } from "./helpers/db";
import { gotoHydrated, watchForPolicyReports } from "./helpers/page";
import {
  freshTotp,
  recoveryCodesDialog,
  secretFromManualKey,
  setUpDialog,
  shownRecoveryCodes,
  twoFactorSection,
} from "./helpers/two-factor";

/**
 * The Content-Security-Policy and the other security headers (lib/security/headers.ts) on real
 * pages, and proof that the pages still work under them: not one CSP report in the console while
 * forms submit, dialogs open, the QR code renders and the recovery codes download.
 */

test.afterAll(closeDb);
test.describe.configure({ timeout: 150_000 });

function headersOf(response: Response | APIResponse | null): Record<string, string> {
  if (!response) throw new Error("no response");
  return response.headers();
}

/** The headers every response carries (the dev server runs over http: no HSTS). */
function expectSecurityHeaders(headers: Record<string, string>): void {
  expect(headers["x-content-type-options"]).toBe("nosniff");
  expect(headers["x-frame-options"]).toBe("DENY");
  expect(headers["referrer-policy"]).toBe("strict-origin");
  expect(headers["cross-origin-opener-policy"]).toBe("same-origin");
  expect(headers["permissions-policy"]).toContain("camera=()");
  expect(headers["content-security-policy"]).toContain("frame-ancestors 'none'");
  expect(headers["strict-transport-security"]).toBeUndefined();
}

/** A page's CSP: this response's nonce on scripts, no inline scripts; returns the nonce. */
function expectPageCsp(headers: Record<string, string>): string {
  expectSecurityHeaders(headers);
  const policy = headers["content-security-policy"] ?? "";
  const scriptSrc = /(?:^|;\s*)script-src ([^;]*)/.exec(policy)?.[1] ?? "";
  expect(scriptSrc).toMatch(/'nonce-[A-Za-z0-9+/]{22}=='/);
  expect(scriptSrc).toContain("'strict-dynamic'");
  expect(scriptSrc).not.toContain("'unsafe-inline'");
  for (const directive of ["default-src 'self'", "object-src 'none'", "base-uri 'none'", "form-action 'self'"])
    expect(policy).toContain(directive);
  return /'nonce-([^']+)'/.exec(scriptSrc)?.[1] ?? "";
}

/** Every script tag in the served HTML carries the nonce (the chunks they load later need none: 'strict-dynamic'). */
async function expectScriptsCarry(response: Response | null, nonce: string): Promise<void> {
  const tags = (await response?.text())?.match(/<script\b[^>]*>/g) ?? [];
  expect(tags.length).toBeGreaterThan(0);
  for (const tag of tags) expect(tag).toContain(` nonce="${nonce}"`);
}

test("sign-in and sign-up pages: every header, a fresh nonce per load, and their forms work", async ({ page }) => {
  const reports = watchForPolicyReports(page);

  const first = await page.goto("/login");
  const firstNonce = expectPageCsp(headersOf(first));
  const second = await page.goto("/login");
  const nonce = expectPageCsp(headersOf(second));
  expect(nonce).not.toBe(firstNonce);
  await gotoHydrated(page, "/login");

  await test.step("the sign-in form posts its server action and shows the answer", async () => {
    await page.getByLabel("Email address").fill(randomEmail("csp-unknown"));
    await page.getByLabel("Password").fill(STRONG_PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByText("Incorrect email or password.")).toBeVisible();
  });

  await test.step("the sign-up page validates in the browser", async () => {
    const response = await page.goto("/signup");
    expectPageCsp(headersOf(response));
    await gotoHydrated(page, "/signup");
    await page.getByRole("button", { name: "Create account" }).click();
    await expect(page.getByLabel("Email address")).toHaveAttribute("aria-invalid", "true");
  });

  expect(reports).toEqual([]);
});

test("security page: scripts carry the nonce; the code modal, the QR set-up dialog and the codes download all work", async ({ page }) => {
  const reports = watchForPolicyReports(page);
  const user = await createUser({ email: randomEmail("csp-security"), password: STRONG_PASSWORD });
  await signInThroughUi(page, user);

  const response = await page.goto("/settings/security");
  const nonce = expectPageCsp(headersOf(response));
  await expectScriptsCarry(response, nonce);
  await gotoHydrated(page, "/settings/security");

  await twoFactorSection(page).getByRole("button", { name: "Turn on" }).click();
  await expect(stepUpDialog(page)).toBeVisible();
  await enterCode(page, (await waitForCodeEmail(page.request, user.email)).code);

  const dialog = setUpDialog(page);
  const qr = dialog.getByRole("img", { name: "QR code that adds this account to an authenticator app" });
  await expect(qr.locator("svg")).toBeVisible();
  expect((await qr.boundingBox())?.width).toBeGreaterThan(100);
  const secret = secretFromManualKey(await dialog.getByRole("figure", { name: "Setup key" }).locator("code").innerText());
  await dialog.getByLabel("6-digit code from the app").fill((await freshTotp(secret)).code);
  await dialog.getByRole("button", { name: "Turn on" }).click();

  const codesDialog = recoveryCodesDialog(page);
  const codes = await shownRecoveryCodes(codesDialog);
  const [download] = await Promise.all([page.waitForEvent("download"), codesDialog.getByRole("button", { name: "Download .txt" }).click()]);
  expect(await readFile(await download.path(), "utf8")).toContain(codes[0] ?? "no codes");

  expect(reports).toEqual([]);
});

test("admin audit page, its CSV export and the bearer API carry the headers; the filter form works", async ({ page }) => {
  const reports = watchForPolicyReports(page);
  const admin = await createUser({ email: randomEmail("csp-admin"), password: STRONG_PASSWORD });
  await query("UPDATE users SET role = 'ADMIN' WHERE id = $1", [admin.id]);
  await signInThroughUi(page, admin);

  const response = await page.goto("/admin/audit");
  const nonce = expectPageCsp(headersOf(response));
  await expectScriptsCarry(response, nonce);
  await gotoHydrated(page, "/admin/audit");
  await expect(page.getByRole("img", { name: "Audit events per day" })).toBeVisible();

  const filter = page.getByRole("search", { name: "Filter audit events" });
  await filter.getByLabel("Outcome").selectOption({ label: "Success" });
  await filter.getByRole("button", { name: "Apply filters" }).click();
  await expect(page).toHaveURL(/outcome=SUCCESS/);
  await expect(page.getByRole("table", { name: "Audit events, newest first" })).toContainText(admin.email);

  const csv = await page.request.get("/admin/audit/export");
  expect(csv.status()).toBe(200);
  expectSecurityHeaders(headersOf(csv));

  const api = await page.request.get("/api/v1/me", { headers: { authorization: "Bearer asec_not-a-token" } });
  expect(api.status()).toBe(401);
  expectSecurityHeaders(headersOf(api));
  expect(headersOf(api)["content-security-policy"]).toBe("default-src 'none'; frame-ancestors 'none'");

  expect(reports).toEqual([]);
});
