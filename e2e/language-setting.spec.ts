import { expect, test, type Page } from "@playwright/test";
import { randomEmail, signInThroughUi, STRONG_PASSWORD } from "./helpers/accounts";
import { expectNoSeriousA11yViolations } from "./helpers/axe";
import { closeDb, createUser, query } from "./helpers/db";
import { gotoHydrated } from "./helpers/page";

/**
 * The Language setting on /settings: the account's choice outranks the browser's Accept-Language,
 * takes effect on the page at once, survives a reload, and "Automatic" hands it back to the browser.
 */

test.afterAll(closeDb);

// An English browser: whatever German the page shows comes from the account's choice.
test.use({ locale: "en-US" });

const savedLocale = async (userId: string) =>
  (await query<{ locale: string | null }>("SELECT locale FROM users WHERE id = $1", [userId]))[0]?.locale;
const heading = (page: Page) => page.getByRole("heading", { level: 1 });

test("picking Deutsch turns the app German at once and for good; Automatic gives the browser's English back", async ({ page }) => {
  const user = await createUser({ email: randomEmail("language"), password: STRONG_PASSWORD });
  await signInThroughUi(page, user);
  await gotoHydrated(page, "/settings");
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
  const english = page.getByRole("region", { name: "Language" });
  const select = english.getByLabel("Language");
  await expect(select).toHaveValue("auto");
  // Each language is offered in its own words, whatever the page's language.
  await expect(select.getByRole("option")).toHaveText(["Automatic (browser's language)", "English", "Deutsch"]);

  await test.step("Deutsch: the page re-renders in German, <html lang> too", async () => {
    await select.selectOption({ label: "Deutsch" });
    await english.getByRole("button", { name: "Save" }).click();
    await expect(heading(page)).toHaveText("Profil");
    await expect(page.locator("html")).toHaveAttribute("lang", "de");
    const german = page.getByRole("region", { name: "Sprache" });
    await expect(german.getByRole("status")).toHaveText("Sprache gespeichert.");
    await expect(page.getByRole("navigation", { name: "Einstellungen" }).getByRole("link", { name: "Sicherheit" })).toBeVisible();
    expect(await savedLocale(user.id)).toBe("de");
    await expectNoSeriousA11yViolations(page);
  });

  await test.step("a reload, and another page, stay German", async () => {
    await page.reload();
    await expect(heading(page)).toHaveText("Profil");
    await expect(page.locator("html")).toHaveAttribute("lang", "de");
    await expect(page.getByRole("region", { name: "Sprache" }).getByLabel("Sprache")).toHaveValue("de");
    await page.getByRole("navigation", { name: "Einstellungen" }).getByRole("link", { name: "Aktivität" }).click();
    await expect(heading(page)).toHaveText("Sicherheitsaktivität");
    await expect(page).toHaveTitle(/^Sicherheitsaktivität/);
  });

  await test.step("the German settings fit a phone's width", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    for (const path of ["/settings", "/settings/activity"]) {
      await gotoHydrated(page, path);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    }
  });

  await test.step("Automatic: the browser's English again", async () => {
    await gotoHydrated(page, "/settings");
    const german = page.getByRole("region", { name: "Sprache" });
    await german.getByLabel("Sprache").selectOption("auto");
    await german.getByRole("button", { name: "Speichern" }).click();
    await expect(heading(page)).toHaveText("Profile");
    await expect(page.locator("html")).toHaveAttribute("lang", "en");
    await expect(page.getByRole("region", { name: "Language" }).getByRole("status")).toHaveText("Language saved.");
    expect(await savedLocale(user.id)).toBeNull();
    await page.reload();
    await expect(heading(page)).toHaveText("Profile");
    await expect(page.getByRole("region", { name: "Language" }).getByLabel("Language")).toHaveValue("auto");
  });
});
