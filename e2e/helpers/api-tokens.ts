import { expect, type APIRequestContext, type Locator, type Page } from "@playwright/test";
import { query } from "./db";
import { extractCode, listMessages, waitForMessage, type MailboxMessage } from "./mailbox";

/** The API tokens section of /settings/security, the step-up code modal, and their emails. */

const TOKEN_PATTERN = /^asec_[0-9A-Za-z]{38}$/;

/** Step-up code emails ("Your code to …"), not the notifications sent after a change. */
export const isCodeEmail = (message: MailboxMessage): boolean => message.subject.startsWith("Your code to ");

export async function codeEmails(request: APIRequestContext, to: string): Promise<MailboxMessage[]> {
  return (await listMessages(request, to)).filter(isCodeEmail);
}

/** Waits for code email number `after + 1` and returns it with its code. */
export async function waitForCodeEmail(request: APIRequestContext, to: string, after = 0): Promise<MailboxMessage & { code: string }> {
  const message = await waitForMessage(request, to, { after, match: isCodeEmail });
  return { ...message, code: extractCode(message.text) };
}

/** The email's "This wasn't me" link, as a path on the app. */
export function cancelLinkPath(message: MailboxMessage): string {
  const match = /https?:\/\/[^\s"<>]+(\/step-up\/cancel\?token=[A-Za-z0-9_%-]+)/.exec(message.text);
  if (!match?.[1]) throw new Error(`no "This wasn't me" link in message:\n${message.text}`);
  return match[1];
}

/** A 6-digit code that is certainly not `code`. */
export function wrongCodeFor(code: string): string {
  return String((Number(code) + 1) % 1_000_000).padStart(6, "0");
}

export const stepUpDialog = (page: Page): Locator => page.getByRole("dialog", { name: "Confirm it's you" });
export const createDialog = (page: Page): Locator => page.getByRole("dialog", { name: "Create an API token" });
export const tokensSection = (page: Page): Locator => page.getByRole("region", { name: "API tokens" });

export type TokenForm = { name: string; scope?: string; expiry?: string };

/** Opens "Create token", fills the form and submits it; the code modal (or an error) comes next. */
export async function submitCreateToken(page: Page, { name, scope = "profile:read", expiry = "30 days" }: TokenForm): Promise<void> {
  await openCreateDialog(page);
  await fillCreateForm(page, { name, scope, expiry });
  await createDialog(page).getByRole("button", { name: "Create token" }).click();
}

export async function openCreateDialog(page: Page): Promise<Locator> {
  await tokensSection(page).getByRole("button", { name: "Create token" }).click();
  const dialog = createDialog(page);
  await expect(dialog).toBeVisible();
  return dialog;
}

export async function fillCreateForm(page: Page, { name, scope = "profile:read", expiry = "30 days" }: TokenForm): Promise<void> {
  const dialog = createDialog(page);
  await dialog.getByLabel("Name").fill(name);
  await dialog.getByRole("checkbox", { name: new RegExp(`^${scope}\\b`) }).check();
  // The radios are visually hidden; their labels are the buttons people click.
  await dialog.getByText(expiry, { exact: true }).click();
  await expect(dialog.getByRole("radio", { name: expiry })).toBeChecked();
}

/** Types the code into the open code modal and presses Enter, as a person would. */
export async function enterCode(page: Page, code: string): Promise<void> {
  const input = stepUpDialog(page).getByLabel("6-digit code");
  await expect(input).toBeEnabled();
  await input.fill("");
  await input.pressSequentially(code);
  await input.press("Enter");
}

/** The plaintext from the "Token … created" dialog. */
export async function shownToken(page: Page, name: string): Promise<{ dialog: Locator; token: string }> {
  const dialog = page.getByRole("dialog", { name: `Token "${name}" created` });
  await expect(dialog).toBeVisible();
  const field = dialog.getByLabel("Your new token");
  await expect(field).toHaveValue(TOKEN_PATTERN);
  return { dialog, token: await field.inputValue() };
}

export function callMe(request: APIRequestContext, token: string) {
  return request.get("/api/v1/me", { headers: { Authorization: `Bearer ${token}` } });
}

export type ChallengeRow = { id: string; action: string; cancelled_at: Date | null; reported_at: Date | null; session_id: string };

export function challengesFor(userId: string): Promise<ChallengeRow[]> {
  return query<ChallengeRow>(
    "SELECT id, action, cancelled_at, reported_at, session_id FROM step_up_challenges WHERE user_id = $1 ORDER BY created_at",
    [userId],
  );
}

export type ApiTokenRow = {
  id: string;
  name: string;
  display_prefix: string;
  token_hash: string;
  scopes: string[];
  revoked_at: Date | null;
  expires_at: Date;
  created_at: Date;
};

export function apiTokensFor(userId: string): Promise<ApiTokenRow[]> {
  return query<ApiTokenRow>(
    "SELECT id, name, display_prefix, token_hash, scopes, revoked_at, expires_at, created_at FROM api_tokens WHERE user_id = $1 ORDER BY created_at",
    [userId],
  );
}

/** The step-up and API-token audit trail of a user, oldest first. */
export async function securityEventsFor(userId: string): Promise<{ type: string; outcome: string; reason: string | null }[]> {
  return query("SELECT type, outcome, reason FROM audit_events WHERE actor_id = $1 AND type NOT LIKE 'auth.%' ORDER BY id", [userId]);
}
