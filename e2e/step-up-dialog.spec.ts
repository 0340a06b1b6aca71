import { readFileSync } from "node:fs";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { randomEmail, signInThroughUi, STRONG_PASSWORD } from "./helpers/accounts";
import {
  apiTokensFor,
  cancelLinkPath,
  challengesFor,
  createDialog,
  enterCode,
  fillCreateForm,
  openCreateDialog,
  shownToken,
  stepUpDialog,
  tokensSection,
  waitForCodeEmail,
} from "./helpers/api-tokens";
import { closeDb, createUser, type TestUser } from "./helpers/db";
import { extractCode, waitForMessage, type MailboxMessage } from "./helpers/mailbox";
import { gotoHydrated, waitForHydration } from "./helpers/page";

/**
 * One dialog at a time: a protected action run from inside a dialog (the create-token form) asks
 * for its code in that same dialog, in the form's place, instead of stacking a second dialog over
 * it, so a screen reader meets one dialog at a time; cancelling the code step goes back to the form
 * as it was. Also the code step and the "This wasn't me" page in German.
 */

test.afterAll(closeDb);

/** The German catalogs, so the German test follows their keys (the create form's words are another area's). */
const catalog = (namespace: string) => JSON.parse(readFileSync(path.join(process.cwd(), "messages/de", `${namespace}.json`), "utf8"));
const deSecurity = catalog("security") as {
  page: { sections: { apiTokens: { title: string } } };
  tokens: { create: { submit: string; title: string } };
};

/** Every dialog element in the page, hidden or not: there must never be two. */
const dialogElements = (page: Page) => page.locator('[role="dialog"]');

async function signedInOnSecurityPage(page: Page, label: string): Promise<TestUser> {
  const user = await createUser({ email: randomEmail(label), password: STRONG_PASSWORD });
  await signInThroughUi(page, user);
  await gotoHydrated(page, "/settings/security");
  await expect(tokensSection(page).getByText("No API tokens yet")).toBeVisible();
  return user;
}

test("the code step takes the create form's place in one dialog; Cancel goes back to the form as it was", async ({ page, request }) => {
  const user = await signedInOnSecurityPage(page, "one-dialog");

  await test.step("submitting the form turns its dialog into the code step, focused on the code field", async () => {
    await openCreateDialog(page);
    await fillCreateForm(page, { name: "one-dialog", scope: "tokens:read", expiry: "90 days" });
    await createDialog(page).getByRole("button", { name: "Create token" }).click();

    const code = stepUpDialog(page);
    await expect(code).toBeVisible();
    await expect(page.getByRole("dialog")).toHaveCount(1);
    await expect(dialogElements(page)).toHaveCount(1);
    expect(await page.locator('[aria-modal="true"]').count()).toBeLessThanOrEqual(1);
    await expect(createDialog(page)).toHaveCount(0);
    await expect(code).toContainText('To create API token "one-dialog", enter the 6-digit code we just emailed to');
    await expect(code.getByLabel("6-digit code")).toBeFocused();
    // The form is not in the accessibility tree meanwhile: only the code step's fields and buttons are.
    await expect(code.getByRole("textbox", { name: "Name" })).toHaveCount(0);
    await expect(page.getByLabel("Name")).toBeHidden();
    await expect(code.getByRole("button", { name: "Create token" })).toHaveCount(0);
    await expect(code.getByRole("button", { name: "Verify" })).toBeVisible();
  });

  await test.step("Cancel goes back to the form, with what was typed and the focus on its button", async () => {
    await waitForCodeEmail(request, user.email);
    await stepUpDialog(page).getByRole("button", { name: "Cancel" }).click();

    const form = createDialog(page);
    await expect(form).toBeVisible();
    await expect(stepUpDialog(page)).toHaveCount(0);
    await expect(page.getByRole("dialog")).toHaveCount(1);
    await expect(dialogElements(page)).toHaveCount(1);
    await expect(form.getByRole("alert")).toHaveText("Cancelled. Nothing was changed.");
    await expect(form.getByLabel("Name")).toHaveValue("one-dialog");
    await expect(form.getByRole("checkbox", { name: /^tokens:read\b/ })).toBeChecked();
    await expect(form.getByRole("radio", { name: "90 days" })).toBeChecked();
    await expect(form.getByRole("button", { name: "Create token" })).toBeFocused();
    await expect.poll(async () => (await challengesFor(user.id))[0]?.cancelled_at ?? null).toBeInstanceOf(Date);
    expect(await apiTokensFor(user.id)).toEqual([]);
  });

  await test.step("submitting again (a new name: a new request) and the emailed code create the token", async () => {
    const form = createDialog(page);
    await form.getByLabel("Name").fill("one-dialog-2");
    await form.getByRole("button", { name: "Create token" }).click();
    await expect(stepUpDialog(page)).toContainText('To create API token "one-dialog-2"');
    await expect(stepUpDialog(page).getByLabel("6-digit code")).toBeFocused();
    await expect(dialogElements(page)).toHaveCount(1);

    await enterCode(page, (await waitForCodeEmail(request, user.email, 1)).code);
    const { dialog, token } = await shownToken(page, "one-dialog-2");
    await expect(page.getByRole("dialog")).toHaveCount(1);
    await expect(dialogElements(page)).toHaveCount(1);
    const [row] = await apiTokensFor(user.id);
    expect(row).toMatchObject({ name: "one-dialog-2", scopes: ["tokens:read"], display_prefix: token.slice(0, 11) });

    await dialog.getByRole("button", { name: "Done" }).click();
    await expect(page.getByRole("dialog")).toHaveCount(0);
    await expect(tokensSection(page).getByRole("row").filter({ hasText: "one-dialog-2" })).toContainText("active");
  });
});

test("Esc on the code step goes back to the form; a second Esc closes it", async ({ page, request }) => {
  const user = await signedInOnSecurityPage(page, "one-dialog-esc");
  await openCreateDialog(page);
  await fillCreateForm(page, { name: "esc-twice" });
  await createDialog(page).getByRole("button", { name: "Create token" }).click();
  await expect(stepUpDialog(page).getByLabel("6-digit code")).toBeFocused();
  await waitForCodeEmail(request, user.email);

  await page.keyboard.press("Escape");
  await expect(stepUpDialog(page)).toHaveCount(0);
  await expect(createDialog(page).getByLabel("Name")).toHaveValue("esc-twice");
  await expect(dialogElements(page)).toHaveCount(1);
  // Once the cancellation has reached the server (the form says so), Esc closes the form too.
  await expect(createDialog(page).getByRole("alert")).toHaveText("Cancelled. Nothing was changed.");
  await expect(createDialog(page).getByRole("button", { name: "Create token" })).toBeFocused();

  await page.keyboard.press("Escape");
  await expect(page.getByRole("dialog")).toHaveCount(0);
});

test("a protected button outside any dialog still gets the code step as a dialog of its own", async ({ page }) => {
  await signedInOnSecurityPage(page, "one-dialog-page");
  await page.getByRole("region", { name: "Two-step verification" }).getByRole("button", { name: "Turn on" }).click();
  await expect(stepUpDialog(page)).toBeVisible();
  await expect(dialogElements(page)).toHaveCount(1);
  await expect(stepUpDialog(page)).toContainText("To turn on two-step verification, enter the 6-digit code we just emailed to");
  await stepUpDialog(page).getByRole("button", { name: "Cancel" }).click();
  await expect(page.getByRole("dialog")).toHaveCount(0);
});

test.describe("in German", () => {
  test.use({ locale: "de-DE" });

  const isCodeEmail = (message: MailboxMessage) => message.text.includes("/step-up/cancel?token=");

  test("the code step and the “This wasn't me” page speak German", async ({ page, request, browser }) => {
    const user = await createUser({ email: randomEmail("one-dialog-de"), password: STRONG_PASSWORD });
    await gotoHydrated(page, "/login");
    await page.locator('input[name="email"]').fill(user.email);
    await page.locator('input[name="password"]').fill(user.password);
    await page.locator('button[type="submit"]').click();
    await expect(page).toHaveURL(/\/settings$/);
    await gotoHydrated(page, "/settings/security");

    const tokens = page.getByRole("region", { name: deSecurity.page.sections.apiTokens.title, exact: true });
    await tokens.getByRole("button", { name: deSecurity.tokens.create.submit }).click();
    const form = page.getByRole("dialog", { name: deSecurity.tokens.create.title });
    await form.getByRole("textbox").first().fill("de-token");
    await form.getByRole("checkbox").first().check();
    await form.locator('button[type="submit"]').click();

    const code = page.getByRole("dialog", { name: "Bestätigen Sie Ihre Identität" });
    await expect(code).toBeVisible();
    await expect(dialogElements(page)).toHaveCount(1);
    await expect(code).toContainText("Um das API-Token „de-token“ zu erstellen, geben Sie den 6-stelligen Code ein, den wir gerade an");
    const field = code.getByLabel("6-stelliger Code");
    await expect(field).toBeFocused();
    await expect(code.getByText("Sie können ihn einfügen. Noch 5 Versuche.")).toBeVisible();
    await expect(code.getByText(/^Code läuft ab in \d+:\d\d$/)).toBeVisible();
    await expect(code.getByRole("button", { name: /^Neuer Code in \d+ s$/ })).toBeDisabled();
    await expect(code.getByRole("button", { name: "Abbrechen" })).toBeVisible();
    await expect(page.locator("body")).not.toContainText("⟦");

    const email = await waitForMessage(request, user.email, { match: isCodeEmail });
    const stranger = await browser.newContext({ baseURL: test.info().project.use.baseURL, locale: "de-DE" });
    try {
      const other = await stranger.newPage();
      await other.goto(cancelLinkPath(email));
      await waitForHydration(other);
      await expect(other.getByRole("heading", { name: "Nicht von Ihnen angefordert?" })).toBeVisible();
      await expect(other.getByRole("main")).toContainText("Die Anfrage war,");
      await expect(other.getByRole("main")).toContainText("das API-Token „de-token“ zu erstellen");
      await expect(other.getByRole("button", { name: "Anfrage abbrechen und Gerät abmelden" })).toBeVisible();
      expect(await other.title()).toContain("Das waren nicht Sie?");
      await expect(other.locator("body")).not.toContainText("⟦");
    } finally {
      await stranger.close();
    }

    await field.pressSequentially(extractCode(email.text));
    await field.press("Enter");
    await expect(code).toHaveCount(0);
    await expect(dialogElements(page)).toHaveCount(1);
    await expect.poll(async () => (await apiTokensFor(user.id)).map((row) => row.name)).toEqual(["de-token"]);
  });
});
