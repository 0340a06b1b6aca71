import { expect, test } from "@playwright/test";
import { randomEmail, signInThroughUi, STRONG_PASSWORD } from "./helpers/accounts";
import { expectNoSeriousA11yViolations } from "./helpers/axe";
import { closeDb, createUser } from "./helpers/db";
import { waitForMessage } from "./helpers/mailbox";
import { gotoHydrated } from "./helpers/page";

test.afterAll(closeDb);

test.describe("no serious or critical axe violations", () => {
  test("signed-out pages: /login and /signup", async ({ page }) => {
    for (const path of ["/login", "/signup"]) {
      await gotoHydrated(page, path);
      await expectNoSeriousA11yViolations(page);
    }
  });

  test("/verify-email after starting a sign-up", async ({ page, request }) => {
    const email = randomEmail("a11y-verify");
    await gotoHydrated(page, "/signup");
    await page.getByLabel("Email address").fill(email);
    await page.getByLabel("Password").fill(STRONG_PASSWORD);
    await page.getByRole("button", { name: "Create account" }).click();
    await expect(page).toHaveURL(/\/verify-email$/);
    await expect(page.getByLabel("Verification code")).toBeVisible();
    await expectNoSeriousA11yViolations(page);
    // The dev mailbox, with at least this message in it.
    await waitForMessage(request, email);
    await gotoHydrated(page, `/dev/mailbox?to=${encodeURIComponent(email)}`);
    await expect(page.getByRole("heading", { level: 2, name: /Verify your email/ })).toBeVisible();
    await expectNoSeriousA11yViolations(page);
  });

  test("signed-in pages: /settings and /settings/security", async ({ page }) => {
    const user = await createUser({ email: randomEmail("a11y-settings"), password: STRONG_PASSWORD });
    await signInThroughUi(page, user);
    await expect(page.getByRole("heading", { level: 1, name: "Profile" })).toBeVisible();
    await expectNoSeriousA11yViolations(page);
    await gotoHydrated(page, "/settings/security");
    await expect(page.getByRole("heading", { level: 1, name: "Security" })).toBeVisible();
    await expectNoSeriousA11yViolations(page);
  });
});

test("sign in with the keyboard alone", async ({ page }) => {
  const user = await createUser({ email: randomEmail("keyboard"), password: STRONG_PASSWORD });
  await gotoHydrated(page, "/login");
  const email = page.getByLabel("Email address");
  const password = page.getByLabel("Password");

  // From the top of the page: skip link, site name, then the first field. Allow a little slack.
  let presses = 0;
  while (!(await email.evaluate((element) => element === document.activeElement)) && presses < 6) {
    await page.keyboard.press("Tab");
    presses++;
  }
  await expect(email).toBeFocused();
  await page.keyboard.type(user.email);
  await page.keyboard.press("Tab");
  await expect(password).toBeFocused();
  await page.keyboard.type(user.password);
  await page.keyboard.press("Enter");

  await expect(page).toHaveURL(/\/settings$/);
  await expect(page.getByRole("region", { name: "Account", exact: true })).toContainText(user.email);
});
