import { expect, test, type Page } from "@playwright/test";
import { gotoHydrated } from "./helpers/page";

// A German browser (Accept-Language: de-DE) and an account with no language of its own: the console speaks German.
test.use({ locale: "de-DE" });

/** The seeded admin (tooling/demo-accounts.ts); this spec only reads, so it spends no step-up code. */
const ADMIN = { email: "admin@example.com", password: "correct-horse-battery" };

/** Signs in through the login form by its field names, whatever language its labels are in. */
async function signIn(page: Page): Promise<void> {
  await gotoHydrated(page, "/login");
  await page.locator('input[name="email"]').fill(ADMIN.email);
  await page.locator('input[name="password"]').fill(ADMIN.password);
  await page.locator('form button[type="submit"]').click();
  await expect(page).toHaveURL(/\/settings$/);
}

/** The page is German and no message is missing (a missing one renders as ⟦namespace.key⟧). */
async function expectGerman(page: Page, path: string, heading: string): Promise<void> {
  await page.goto(path);
  await expect(page.locator("html")).toHaveAttribute("lang", "de");
  await expect(page.getByRole("heading", { level: 1, name: heading })).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Verwaltung" }).getByRole("link", { name: heading })).toHaveAttribute(
    "aria-current",
    "page",
  );
  await expect(page.locator("body")).not.toContainText("⟦");
}

test("the admin console speaks German to a German browser, and the audit log keeps its times in UTC", async ({ page }) => {
  await signIn(page);

  await expectGerman(page, "/admin/audit", "Audit-Log");
  await expect(page.getByRole("img", { name: "Audit-Ereignisse pro Tag" })).toBeVisible();
  await expect(page.getByRole("region", { name: "Auffällige Konten" })).toBeVisible();
  const filters = page.getByRole("search", { name: "Audit-Ereignisse filtern" });
  await expect(filters.getByLabel("Ereignistyp").locator("option", { hasText: "Anmeldungen" })).toHaveCount(1);
  await expect(filters.getByRole("button", { name: "Filter anwenden" })).toBeVisible();
  // Signing in just now recorded events, so the table has rows; every time is in UTC and says so.
  const times = page.getByRole("table", { name: "Audit-Ereignisse, neueste zuerst" }).locator("tbody tr td:first-child time");
  await expect(times.first()).toBeVisible();
  for (const text of await times.allInnerTexts()) expect(text.trim()).toMatch(/^\d{2}\.\d{2}\.\d{4}, \d{2}:\d{2}:\d{2} UTC$/);

  await expectGerman(page, `/admin/users?email=${encodeURIComponent(ADMIN.email)}`, "Nutzer");
  await expect(page.getByRole("table", { name: "Konten, nach E-Mail-Adresse" })).toBeVisible();
  await page.getByRole("link", { name: ADMIN.email, exact: true }).click();
  await expect(page.getByRole("heading", { level: 1, name: ADMIN.email })).toBeVisible();
  await expect(page.getByText("Das ist Ihr eigenes Konto.")).toBeVisible();
  await expect(page.getByRole("region", { name: "Aktive Sitzungen" })).toBeVisible();
  await expect(page.locator("body")).not.toContainText("⟦");

  await expectGerman(page, "/admin/tokens", "API-Tokens");
  await expect(page.getByRole("search", { name: "API-Tokens filtern" })).toBeVisible();

  await expectGerman(page, "/admin/streaming", "Audit-Streaming");
  await expect(page.getByRole("button", { name: "Ziel hinzufügen" })).toBeVisible();

  await expectGerman(page, "/admin/jobs", "Hintergrundjobs");
  await expect(page.getByRole("table", { name: "Warteschlangen der Hintergrundjobs" })).toBeVisible();
});

test.describe("on a phone", () => {
  test.use({ viewport: { width: 390, height: 844 } });

  test("the German console fits 390 px: nothing runs off the page's side", async ({ page }) => {
    await signIn(page);
    for (const path of ["/admin/audit", "/admin/users", "/admin/tokens", "/admin/streaming", "/admin/jobs"]) {
      await page.goto(path);
      await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
      // Wide tables scroll inside their own box; the page itself never scrolls sideways. On failure, say what sticks out.
      const overflowing = await page.evaluate(() =>
        [...document.querySelectorAll("body *")]
          .filter((element) => element.getBoundingClientRect().right > window.innerWidth + 1)
          .slice(0, 5)
          .map((element) => `<${element.tagName.toLowerCase()} class="${element.className}">`),
      );
      expect(await page.evaluate(() => document.documentElement.scrollWidth), `${path}: ${overflowing.join(", ")}`).toBeLessThanOrEqual(
        390,
      );
    }
  });
});
