import { expect, test, type Page } from "@playwright/test";
import { randomEmail, STRONG_PASSWORD } from "./helpers/accounts";
import { closeDb, createUser } from "./helpers/db";
import { gotoHydrated } from "./helpers/page";

/**
 * A browser that asks for German gets the signed-out screens in German: headings, labels, buttons,
 * the page's title and `lang`, no message missing from the catalogs (those render as ⟦…⟧), and the
 * server's own refusal of a wrong password in German too.
 */

test.use({ locale: "de-DE" });
test.afterAll(closeDb);

async function expectGermanPage(page: Page): Promise<void> {
  await expect(page.locator("html")).toHaveAttribute("lang", "de");
  await expect(page.locator("body")).not.toContainText("⟦");
  expect(await page.title()).not.toContain("⟦");
}

/** German runs longer than English: at a phone's width nothing may stick out sideways. */
async function expectNoSidewaysScroll(page: Page): Promise<void> {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow, `horizontal overflow on ${page.url()}`).toBeLessThanOrEqual(0);
}

test("the sign-in, sign-up and forgot-password screens are in German, and fit a phone", async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });

  await gotoHydrated(page, "/login");
  await expect(page).toHaveTitle(/^Anmelden/);
  await expect(page.getByRole("heading", { level: 1, name: "Bei Ihrem Konto anmelden" })).toBeVisible();
  await expect(page.getByLabel("E-Mail-Adresse")).toBeVisible();
  await expect(page.getByLabel("Passwort", { exact: true })).toBeVisible();
  await expect(page.getByRole("link", { name: "Passwort vergessen?" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Anmelden", exact: true })).toBeVisible();
  await expect(page.getByRole("button", { name: "Mit Passkey fortfahren" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Konto erstellen" })).toHaveAttribute("href", "/signup");
  await expectGermanPage(page);
  await expectNoSidewaysScroll(page);

  await gotoHydrated(page, "/signup");
  await expect(page).toHaveTitle(/^Konto erstellen/);
  await expect(page.getByRole("heading", { level: 1, name: "Erstellen Sie Ihr Konto" })).toBeVisible();
  await expect(page.getByLabel("E-Mail-Adresse")).toBeVisible();
  await expect(page.getByLabel("Passwort", { exact: true })).toHaveAccessibleDescription(/^Mindestens 12 Zeichen\./);
  await expect(page.getByRole("button", { name: "Konto erstellen" })).toBeVisible();
  await expectGermanPage(page);
  await expectNoSidewaysScroll(page);

  await gotoHydrated(page, "/forgot-password");
  await expect(page).toHaveTitle(/^Passwort vergessen/);
  await expect(page.getByRole("heading", { level: 1, name: "Passwort zurücksetzen" })).toBeVisible();
  await expect(page.getByLabel("E-Mail-Adresse")).toHaveAccessibleDescription(/^Die Adresse, mit der Sie sich anmelden\./);
  await expect(page.getByRole("button", { name: "Code zum Zurücksetzen senden" })).toBeVisible();
  await expectGermanPage(page);
  await expectNoSidewaysScroll(page);
});

test("a wrong password is refused in German", async ({ page }) => {
  const user = await createUser({ email: randomEmail("i18n-wrong-pw"), password: STRONG_PASSWORD });
  await gotoHydrated(page, "/login");
  await page.getByLabel("E-Mail-Adresse").fill(user.email);
  await page.getByLabel("Passwort", { exact: true }).fill("not-the-right-password");
  const response = page.waitForResponse(
    // The form's POST, not the page's own request for passkey options.
    (candidate) =>
      candidate.request().method() === "POST" &&
      new URL(candidate.url()).pathname === "/login" &&
      (candidate.request().postData() ?? "").includes(user.email),
  );
  await page.getByRole("button", { name: "Anmelden", exact: true }).click();
  expect((await response).status()).toBe(200);

  await expect(page.getByRole("main").getByRole("alert")).toHaveText("E-Mail-Adresse oder Passwort ist falsch.");
  await expect(page).toHaveURL(/\/login$/);
  await expectGermanPage(page);
});
