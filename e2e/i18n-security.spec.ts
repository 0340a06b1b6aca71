import { expect, test, type Page } from "@playwright/test";
import { randomEmail, STRONG_PASSWORD } from "./helpers/accounts";
import { closeDb, createUser, type TestUser } from "./helpers/db";
import { gotoHydrated } from "./helpers/page";

/**
 * /settings/security for a German browser (Accept-Language: de-DE): every section and the
 * create-token dialog in German, with no message missing from the catalogs (shown as ⟦…⟧).
 */

test.use({ locale: "de-DE" });
test.afterAll(closeDb);

const MISSING_MESSAGE = "⟦";

/** Signs in by the form's field names, whatever language its labels are in. */
async function signIn(page: Page, user: TestUser): Promise<void> {
  await gotoHydrated(page, "/login");
  await page.locator('input[name="email"]').fill(user.email);
  await page.locator('input[name="password"]').fill(user.password);
  await page.locator('button[type="submit"]').click();
  await expect(page).toHaveURL(/\/settings$/);
}

test("the security page and the create-token dialog are in German", async ({ page }) => {
  const user = await createUser({ email: randomEmail("i18n-security"), password: STRONG_PASSWORD });
  await signIn(page, user);
  await gotoHydrated(page, "/settings/security");

  await test.step("the page and its sections", async () => {
    await expect(page.locator("html")).toHaveAttribute("lang", "de");
    await expect(page).toHaveTitle(/^Sicherheit/);
    await expect(page.getByRole("heading", { level: 1, name: "Sicherheit" })).toBeVisible();
    for (const heading of ["API-Tokens", "Zwei-Schritt-Verifizierung", "Passkeys", "E-Mail-Adresse", "Passwort", "Aktive Sitzungen"]) {
      await expect(page.getByRole("region", { name: heading, exact: true })).toBeVisible();
    }

    const tokens = page.getByRole("region", { name: "API-Tokens", exact: true });
    await expect(tokens).toContainText("0 von 50 aktiven Tokens");
    await expect(tokens.getByText("Noch keine API-Tokens")).toBeVisible();

    const twoStep = page.getByRole("region", { name: "Zwei-Schritt-Verifizierung", exact: true });
    await expect(twoStep).toContainText("Die Zwei-Schritt-Verifizierung ist deaktiviert.");
    await expect(twoStep.getByRole("button", { name: "Aktivieren" })).toBeVisible();

    const passkeys = page.getByRole("region", { name: "Passkeys", exact: true });
    await expect(passkeys.getByRole("button", { name: "Passkey hinzufügen" })).toBeVisible();
    await expect(passkeys.getByText("Noch keine Passkeys")).toBeVisible();

    const sessions = page.getByRole("region", { name: "Aktive Sitzungen", exact: true });
    await expect(sessions.getByRole("button", { name: "Alle anderen Sitzungen abmelden" })).toBeDisabled();
    await expect(sessions.getByText("Dieses Gerät")).toBeVisible();
    await expect(sessions).toContainText("angemeldet am");

    await expect(page.locator("body")).not.toContainText(MISSING_MESSAGE);
  });

  await test.step("the create-token dialog", async () => {
    await page.getByRole("region", { name: "API-Tokens", exact: true }).getByRole("button", { name: "Token erstellen" }).click();
    const dialog = page.getByRole("dialog", { name: "API-Token erstellen" });
    await expect(dialog).toBeVisible();
    await expect(dialog).toContainText("Skripte und CI-Jobs senden es als Bearer-Token.");
    await expect(dialog.getByLabel("Name")).toHaveAttribute("placeholder", "z. B. CI-Deployment");
    // Filled first: leaving it empty would show its error and move the radios under the pointer.
    await dialog.getByLabel("Name").fill("ci-deploy");
    await expect(dialog.getByRole("group", { name: "Berechtigungen" })).toBeVisible();
    await expect(dialog.getByRole("checkbox", { name: /^profile:read\s*Ihr Profil lesen/ })).toBeVisible();

    const expiry = dialog.getByRole("group", { name: "Gültig für" });
    for (const choice of ["7 Tage", "30 Tage", "90 Tage", "1 Jahr", "Datum"]) {
      await expect(expiry.getByRole("radio", { name: choice, exact: true })).toHaveCount(1);
    }
    await expect(expiry.getByRole("radio", { name: "30 Tage", exact: true })).toBeChecked();
    await expect(expiry).toContainText("Dieses Token funktioniert ab");
    await expiry.getByText("Datum", { exact: true }).click();
    await expect(dialog.getByLabel("Ablaufdatum (UTC)")).toBeVisible();
    await expect(expiry).toContainText("Wählen Sie ein Datum bis zu 365 Tage ab heute.");
    await expect(dialog.getByRole("button", { name: "Token erstellen" })).toBeVisible();

    await expect(dialog).not.toContainText(MISSING_MESSAGE);
    await expect(page.locator("body")).not.toContainText(MISSING_MESSAGE);
  });
});
