import { expect, test, type Page } from "@playwright/test";
import { randomEmail, signInThroughUi, STRONG_PASSWORD } from "./helpers/accounts";
import { enterCode, stepUpDialog, waitForCodeEmail } from "./helpers/api-tokens";
import { expectNoSeriousA11yViolations } from "./helpers/axe";
import { closeDb, createUser, query, sessionsFor, type TestUser } from "./helpers/db";
import { extractCode, listMessages, waitForMessage, type MailboxMessage } from "./helpers/mailbox";
import { gotoHydrated } from "./helpers/page";

/**
 * Changing the email address through the real UI: step-up (code to the current address), a code
 * to the new address entered on the security page, one notice to the old address with a
 * "this wasn't me" link, and that link's page, which signs every session out.
 */

test.afterAll(closeDb);

const CONFIRM_SUBJECT = "Confirm your new email address";
const OLD_ADDRESS_NOTICE = "Your account's email address was changed";

const emailSection = (page: Page) => page.getByRole("region", { name: "Email address" });

async function signedInOnSecurityPage(page: Page, label: string): Promise<TestUser> {
  const user = await createUser({ email: randomEmail(label), password: STRONG_PASSWORD });
  await signInThroughUi(page, user);
  await gotoHydrated(page, "/settings/security");
  await expect(emailSection(page)).toContainText(user.email);
  return user;
}

/** Submits the new address and answers the step-up code sent to the current one. */
async function requestChange(
  page: Page,
  request: Parameters<typeof waitForCodeEmail>[0],
  user: TestUser,
  newEmail: string,
  codeEmailsBefore = 0,
) {
  const section = emailSection(page);
  await section.getByLabel("New email address").fill(newEmail);
  await section.getByRole("button", { name: "Change email address" }).click();
  await expect(stepUpDialog(page)).toBeVisible();
  await enterCode(page, (await waitForCodeEmail(request, user.email, codeEmailsBefore)).code);
  await expect(stepUpDialog(page)).toHaveCount(0);
}

function reportLinkPath(message: MailboxMessage): string {
  const match = /https?:\/\/[^\s"<>]+(\/email-change\/report\?token=[A-Za-z0-9_%-]+)/.exec(message.text);
  if (!match?.[1]) throw new Error(`no "This wasn't me" link in message:\n${message.text}`);
  return match[1];
}

async function emailOf(userId: string): Promise<string | undefined> {
  return (await query<{ email: string }>("SELECT email FROM users WHERE id = $1", [userId]))[0]?.email;
}

test("change the email address end to end; the old address is told once and its report link signs every session out", async ({
  page,
  request,
  browser,
}) => {
  const user = await signedInOnSecurityPage(page, "email-old");
  const newEmail = randomEmail("email-new");
  const section = emailSection(page);
  const [newLocal = "", newDomain = ""] = newEmail.split("@");

  await test.step("the section shows the current address; the request asks for a code from the current inbox", async () => {
    await expect(section.getByRole("definition")).toHaveText(user.email);
    await expectNoSeriousA11yViolations(page);
    await section.getByLabel("New email address").fill(newEmail.toUpperCase());
    await section.getByRole("button", { name: "Change email address" }).click();
    const modal = stepUpDialog(page);
    // The new address appears masked in the modal and the code email.
    await expect(modal).toContainText(`To change your email address to ${newLocal.slice(0, 2)}`);
    await expect(modal).toContainText(`@${newDomain}`);
    await expect(modal.getByLabel("6-digit code")).toBeVisible();
    const email = await waitForCodeEmail(request, user.email);
    expect(email.subject).toMatch(/^Your code to change your email address to /);
    // Nothing is sent to the new address before the current inbox has answered.
    expect(await listMessages(request, newEmail)).toEqual([]);
    await enterCode(page, email.code);
    await expect(modal).toHaveCount(0);
  });

  await test.step("pending: the code field is focused and the address is unchanged until it is entered", async () => {
    await expect(section).toContainText(`We sent a code to ${newEmail}.`);
    const field = section.getByLabel(`Code sent to ${newEmail}`);
    await expect(field).toBeFocused();
    await expect(section.getByRole("button", { name: "Use a different address" })).toBeVisible();
    await expectNoSeriousA11yViolations(page);
    expect(await emailOf(user.id)).toBe(user.email);
    // It survives a reload: the page reads the pending change from the server.
    await gotoHydrated(page, "/settings/security");
    await expect(section).toContainText(`We sent a code to ${newEmail}.`);
    await expect(section.getByLabel(`Code sent to ${newEmail}`)).not.toBeFocused();
  });

  const confirmation = await waitForMessage(request, newEmail, { match: (message) => message.subject === CONFIRM_SUBJECT });
  const newAddressCode = extractCode(confirmation.text);

  await test.step("a wrong code is refused with the attempts left", async () => {
    const field = section.getByLabel(`Code sent to ${newEmail}`);
    await field.fill(newAddressCode === "000000" ? "000001" : "000000");
    await section.getByRole("button", { name: "Confirm new address" }).click();
    await expect(section.getByRole("alert")).toHaveText("That code is incorrect. 4 attempts left.");
    await expect(field).toHaveValue("");
    await expect(field).toBeFocused();
    expect(await emailOf(user.id)).toBe(user.email);
  });

  await test.step("the right code switches the account; the page and header show the new address", async () => {
    await section.getByLabel(`Code sent to ${newEmail}`).fill(newAddressCode);
    await section.getByRole("button", { name: "Confirm new address" }).click();
    await expect(section.getByRole("status")).toHaveText(`Your email address is now ${newEmail}.`);
    await expect(section.getByRole("definition")).toHaveText(newEmail);
    await expect(page.locator("header")).toContainText(newEmail);
    await expect(section.getByLabel("New email address")).toBeVisible();
    expect(await emailOf(user.id)).toBe(newEmail);
    await expectNoSeriousA11yViolations(page);
  });

  let reportPath = "";
  await test.step("the old address gets exactly one notice, with the new address masked and a report link", async () => {
    const notice = await waitForMessage(request, user.email, { match: (message) => message.subject === OLD_ADDRESS_NOTICE });
    expect(notice.text).not.toContain(newEmail);
    expect(notice.text).toContain(`@${newDomain}`);
    reportPath = reportLinkPath(notice);
    // The new address's own notice is queued with the old one's; once it is there, nothing else is coming.
    await waitForMessage(request, newEmail, { match: (message) => message.subject === "Your email address was changed" });
    expect((await listMessages(request, user.email)).filter((message) => message.subject === OLD_ADDRESS_NOTICE)).toHaveLength(1);
  });

  await test.step("the report link's page is read-only on GET, even signed out", async () => {
    const stranger = await browser.newContext();
    const reportPage = await stranger.newPage();
    await gotoHydrated(reportPage, reportPath);
    await expect(reportPage.getByRole("heading", { level: 1 })).toHaveText("Didn't change your email address?");
    await expect(reportPage.getByRole("main")).toContainText(`${newLocal.slice(0, 2)}`);
    await expect(reportPage.getByRole("main")).not.toContainText(newEmail);
    await expect(reportPage.getByRole("main")).toContainText(/Changed\s*\w{3} \d{1,2}, \d{4}/);
    await expectNoSeriousA11yViolations(reportPage);
    // Mail scanners fetch links: a second GET changes nothing either.
    await reportPage.reload();
    expect((await sessionsFor(user.id)).every((session) => session.revoked_at === null)).toBe(true);

    await test.step("reporting signs every session out and says what happens next", async () => {
      await reportPage.getByRole("button", { name: "Report and sign out every session" }).click();
      await expect(reportPage.getByRole("status")).toHaveText("Reported. Every session on the account was signed out.");
      const next = reportPage.getByRole("heading", { name: "What happens next" });
      await expect(next).toBeFocused();
      const main = reportPage.getByRole("main");
      await expect(main).toContainText("signed out, on every device");
      await expect(main).toContainText(/quote this reference: [0-9A-F]{8}/);
      await expect(main).toContainText("change your password");
      await expectNoSeriousA11yViolations(reportPage);

      const sessions = await sessionsFor(user.id);
      expect(sessions.length).toBeGreaterThan(0);
      expect(sessions.every((session) => session.revoked_at !== null)).toBe(true);
      const [change] = await query<{ reported_at: Date | null }>(
        "SELECT reported_at FROM email_changes WHERE user_id = $1 AND confirmed_at IS NOT NULL",
        [user.id],
      );
      expect(change?.reported_at).toBeInstanceOf(Date);
      expect(await query("SELECT 1 FROM audit_events WHERE target_id = $1 AND type = 'email.change_reported'", [user.id])).toHaveLength(1);
    });

    await test.step("the link works once", async () => {
      await reportPage.goto(reportPath);
      await expect(reportPage.getByRole("heading", { level: 1 })).toHaveText("This link has expired or was already used");
    });
    await stranger.close();
  });

  await test.step("the browser that made the change is signed out", async () => {
    await page.goto("/settings");
    await expect(page).toHaveURL(/\/login(\?|$)/);
  });
});

test("a taken address gets the same answer and no email; 'Use a different address' voids the code", async ({ page, request }) => {
  const user = await signedInOnSecurityPage(page, "email-taken");
  const other = await createUser({ email: randomEmail("email-owner"), password: STRONG_PASSWORD });
  const section = emailSection(page);

  await test.step("the pending state looks exactly as for a free address", async () => {
    await requestChange(page, request, user, other.email);
    await expect(section).toContainText(`We sent a code to ${other.email}.`);
    await expect(section.getByLabel(`Code sent to ${other.email}`)).toBeFocused();
    // The change request's response came after the email would have been sent; its owner gets nothing.
    expect(await listMessages(request, other.email)).toEqual([]);
  });

  await test.step("'Use a different address' ends the pending change and returns to the form", async () => {
    await section.getByRole("button", { name: "Use a different address" }).click();
    await expect(section.getByRole("status")).toHaveText(`Cancelled. The code sent to ${other.email} no longer works.`);
    await expect(section.getByLabel("New email address")).toBeFocused();
    const codes = await query<{ consumed_at: Date | null }>(
      "SELECT c.consumed_at FROM one_time_codes c JOIN email_changes e ON e.id = c.id WHERE e.user_id = $1",
      [user.id],
    );
    expect(codes).toHaveLength(1);
    expect(codes[0]?.consumed_at).toBeInstanceOf(Date);
    await gotoHydrated(page, "/settings/security");
    await expect(section.getByLabel("New email address")).toBeVisible();
    await expect(section).not.toContainText("We sent a code");
  });

  await test.step("the same address as now is refused in the form", async () => {
    await section.getByLabel("New email address").fill(user.email);
    await section.getByRole("button", { name: "Change email address" }).click();
    await expect(section).toContainText("That is already your email address");
    await expect(section.getByLabel("New email address")).toBeFocused();
    await expect(stepUpDialog(page)).toHaveCount(0);
    expect(await emailOf(user.id)).toBe(user.email);
  });
});
