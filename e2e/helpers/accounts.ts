import { randomBytes } from "node:crypto";
import { expect, type Page } from "@playwright/test";
import { gotoHydrated } from "./page";

/** A fresh address per test, so tests never share accounts, limits or mail. */
export function randomEmail(label = "user"): string {
  return `e2e-${label}-${randomBytes(5).toString("hex")}@example.com`;
}

/** Long, uncommon, and free of the email's local part, so the password policy accepts it. */
export const STRONG_PASSWORD = "violet-tractor-lantern-42";

/** Signs in through the login form, for tests that need a session but are not about signing in. */
export async function signInThroughUi(page: Page, credentials: { email: string; password: string }): Promise<void> {
  await gotoHydrated(page, "/login");
  await page.getByLabel("Email address").fill(credentials.email);
  await page.getByLabel("Password").fill(credentials.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/settings$/);
}
