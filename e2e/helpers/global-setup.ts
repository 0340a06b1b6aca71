import { chromium, type FullConfig } from "@playwright/test";
import { randomEmail, STRONG_PASSWORD } from "./accounts";
import { clearPerIpRateLimits, closeDb, createUser, query } from "./db";
import { waitForHydration } from "./page";

/**
 * Runs once the webServer is up (Playwright starts it first). `next dev` compiles each route on its
 * first visit, and a compile finishing while another test's page is open can reload that page; so
 * visit every page once, signed in and out, before the tests start.
 */
export default async function globalSetup(config: FullConfig): Promise<void> {
  await clearPerIpRateLimits();
  const use = config.projects[0]?.use ?? {};
  const browser = await chromium.launch(use.launchOptions);
  try {
    const page = await browser.newPage({ baseURL: use.baseURL });
    page.setDefaultTimeout(120_000);
    for (const path of [
      "/login",
      "/login/two-factor",
      "/signup",
      "/verify-email",
      "/forgot-password",
      "/reset-password",
      "/password-reset/report",
      "/step-up/cancel",
      "/email-change/report",
      "/secure-account",
      "/dev/mailbox",
      "/dev/mailbox/messages?to=nobody@example.com",
    ]) {
      await page.goto(path);
    }
    const user = await createUser({ email: randomEmail("warm-up"), password: STRONG_PASSWORD });
    await query("UPDATE users SET role = 'ADMIN' WHERE id = $1", [user.id]);
    await page.goto("/login");
    await waitForHydration(page);
    await page.getByLabel("Email address").fill(user.email);
    await page.getByLabel("Password").fill(user.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(/\/settings$/);
    for (const path of [
      "/settings/security",
      "/settings/activity",
      "/settings/activity/report",
      "/settings/activity/secured",
      "/admin/audit",
      "/admin/tokens",
      "/admin/users",
      `/admin/users/${user.id}`,
      "/admin/jobs",
      "/admin/streaming",
    ]) {
      await page.goto(path);
    }
    // A download, not a page: fetched with the same cookies.
    await page.request.get("/admin/audit/export?email=nobody");
  } finally {
    await browser.close();
    await closeDb();
  }
}
