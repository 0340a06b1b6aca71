import { randomBytes, randomUUID } from "node:crypto";
import { expect, type APIRequestContext, type Locator, type Page } from "@playwright/test";
import { query } from "../helpers/db";
import { listMessages, waitForMessage } from "../helpers/mailbox";

/**
 * What the visual tour needs that works in every language: signing in and finding things by
 * structure (field names, section ids, roles) rather than by words, and state arranged in the
 * database where the UI to reach it is not what the tour is about.
 */

/** Navigates and waits until React has hydrated every form and select (the header's theme picker is one). */
export async function open(page: Page, path: string): Promise<void> {
  await page.goto(path);
  await hydrated(page);
}

export async function hydrated(page: Page): Promise<void> {
  await page.waitForFunction(() =>
    [...document.querySelectorAll("form, select")].every((element) => Object.keys(element).some((key) => key.startsWith("__reactProps$"))),
  );
}

export async function signIn(page: Page, user: { email: string; password: string }): Promise<void> {
  await open(page, "/login");
  await submitPassword(page, user);
  await expect(page).toHaveURL(/\/settings$/);
  await hydrated(page);
}

export async function submitPassword(page: Page, { email, password }: { email: string; password: string }): Promise<void> {
  await page.locator('input[name="email"]').fill(email);
  const field = page.locator('input[name="password"]');
  await field.fill(password);
  await field.press("Enter");
}

/** A section of the security page, by the id of its heading (`<section aria-labelledby=…>`). */
export const section = (page: Page, id: string): Locator => page.locator(`section[aria-labelledby="${id}-heading"]`);
/** The button at the end of a section's heading (a card's action). */
export const headingButton = (page: Page, id: string): Locator => section(page, id).locator(":scope > div").first().getByRole("button");

/** The dialog on top: Radix hides everything outside it, dialogs beneath included, from the accessibility tree. */
export const topDialog = (page: Page): Locator => page.getByRole("dialog");

/** Escape closes the dialog on top; `open` dialogs stay beneath it (the confirmation under a code modal). */
export async function closeDialog(page: Page, { open = 0 } = {}): Promise<void> {
  await page.keyboard.press("Escape");
  await expect(page.locator('[role="dialog"]')).toHaveCount(open);
}

// The code stands alone in the email (never inside a link's token), whatever language it is written in.
const CODE = /(?<![\w=-])(\d{6})(?![\w-])/;
const hasCode = (message: { text: string }) => CODE.test(message.text);

/** How many emails with a code `to` has: pass it to `nextCode` before doing what sends the next one. */
export async function codeEmailCount(request: APIRequestContext, to: string): Promise<number> {
  return (await listMessages(request, to)).filter(hasCode).length;
}

export async function nextCode(request: APIRequestContext, to: string, after: number): Promise<{ code: string; text: string }> {
  const message = await waitForMessage(request, to, { after, match: hasCode });
  const code = CODE.exec(message.text)?.[1];
  if (!code) throw new Error(`no code in:\n${message.text}`);
  return { code, text: message.text };
}

/** The newest email to `to` with a link to `path` (e.g. "/step-up/cancel"), as a path on the app. */
export async function linkInEmail(request: APIRequestContext, to: string, path: string): Promise<string> {
  const pattern = new RegExp(`https?://[^\\s"<>]+(${path.replace(/\//g, "\\/")}\\?token=[A-Za-z0-9_%-]+)`);
  const message = await waitForMessage(request, to, { match: (candidate) => pattern.test(candidate.text) });
  const link = pattern.exec(message.text)?.[1];
  if (!link) throw new Error(`no ${path} link in:\n${message.text}`);
  return link;
}

/** Marks 2FA as on, with 10 unused recovery codes: enough for the sign-in's second step and the admin pages to show it. */
export async function markTwoFactorOn(userId: string): Promise<void> {
  await query("UPDATE users SET two_factor_enabled_at = now(), two_factor_secret = 'visual-tour' WHERE id = $1", [userId]);
  await query(
    "INSERT INTO recovery_codes (id, user_id, code_hash) SELECT gen_random_uuid(), $1, md5(random()::text || n) FROM generate_series(1, 10) AS n",
    [userId],
  );
}

export async function makeAdmin(userId: string): Promise<void> {
  await query("UPDATE users SET role = 'ADMIN' WHERE id = $1", [userId]);
}

const PHONE_SAFARI =
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";

/** Another browser signed in to the account, as if on a phone. */
export async function addOtherSession(userId: string): Promise<void> {
  await query(
    "INSERT INTO sessions (id, user_id, ip, user_agent, expires_at) VALUES (gen_random_uuid(), $1, '203.0.113.24', $2, now() + interval '30 days')",
    [userId, PHONE_SAFARI],
  );
}

export async function addPasskey(userId: string, name: string): Promise<void> {
  await query(
    `INSERT INTO passkeys (id, user_id, credential_id, public_key, aaguid, device_type, backed_up, name, last_used_at)
     VALUES ($1, $2, $3, '\\x00'::bytea, '00000000-0000-0000-0000-000000000000', 'multiDevice', true, $4, now() - interval '2 days')`,
    [randomUUID(), userId, randomBytes(16).toString("base64url"), name],
  );
}

/** An active token, as if created a week ago and used yesterday. */
export async function addApiToken(userId: string, name: string, scopes: string[]): Promise<void> {
  await query(
    `INSERT INTO api_tokens (id, user_id, name, display_prefix, token_hash, scopes, created_at, expires_at, last_used_at, last_used_ip)
     VALUES (gen_random_uuid(), $1, $2, $3, $4, $5, now() - interval '7 days', now() + interval '23 days', now() - interval '1 day', '198.51.100.7')`,
    [userId, name, `asec_${randomBytes(3).toString("hex")}`, randomBytes(32).toString("hex"), scopes],
  );
}

/** A change of address waiting for the code sent to the new one. */
export async function addPendingEmailChange(userId: string, oldEmail: string, newEmail: string): Promise<void> {
  const id = randomUUID();
  await query(
    `INSERT INTO one_time_codes (id, purpose, recipient, code_hash, expires_at, max_attempts)
     VALUES ($1, 'EMAIL_CHANGE', $2, $3, now() + interval '30 minutes', 5)`,
    [id, newEmail, randomBytes(32).toString("hex")],
  );
  await query("INSERT INTO email_changes (id, user_id, old_email, new_email) VALUES ($1, $2, $3, $4)", [id, userId, oldEmail, newEmail]);
}
