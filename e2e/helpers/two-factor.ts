import { expect, type APIRequestContext, type Locator, type Page } from "@playwright/test";
import { generateSync } from "otplib";
import { enterCode, stepUpDialog, waitForCodeEmail } from "./api-tokens";
import { gotoHydrated } from "./page";

/** The two-step verification section of /settings/security, its dialogs, and an authenticator app for the tests. */

const PERIOD_SECONDS = 30;

export const RECOVERY_CODE_PATTERN = /^[a-z0-9]{5}-[a-z0-9]{5}$/;

export const twoFactorSection = (page: Page): Locator => page.getByRole("region", { name: "Two-step verification" });
export const setUpDialog = (page: Page): Locator => page.getByRole("dialog", { name: "Set up your authenticator app" });
export const recoveryCodesDialog = (page: Page, name = "Save your recovery codes"): Locator => page.getByRole("dialog", { name });

/** The manual key as the set-up dialog shows it (grouped) back to the raw base32 secret. */
export function secretFromManualKey(manualKey: string): string {
  return manualKey.replace(/\s/g, "");
}

function totpStep(at = Date.now()): number {
  return Math.floor(at / 1000 / PERIOD_SECONDS);
}

/** What the authenticator app shows now, or `steps` periods away. */
function totpCode(secret: string, steps = 0): string {
  return generateSync({ secret, epoch: Math.floor(Date.now() / 1000) + steps * PERIOD_SECONDS });
}

export type Totp = { code: string; step: number };

/**
 * A code from a time step after `usedStep` (the server accepts each step once), waiting for the
 * next step when needed, and never in a step's last seconds, so the server sees the same step.
 */
export async function freshTotp(secret: string, usedStep = -1, marginSeconds = 3): Promise<Totp> {
  for (;;) {
    const now = Date.now();
    const step = totpStep(now);
    const left = (step + 1) * PERIOD_SECONDS * 1000 - now;
    if (step > usedStep && left > marginSeconds * 1000) return { code: generateSync({ secret, epoch: Math.floor(now / 1000) }), step };
    await new Promise((resolve) => setTimeout(resolve, left + 100));
  }
}

/** A 6-digit code that no step in the server's ±1 window produces right now. */
export function notATotpFor(secret: string): string {
  const valid = new Set([-1, 0, 1].map((steps) => totpCode(secret, steps)));
  for (let n = 0; ; n++) {
    const candidate = String(n).padStart(6, "0");
    if (!valid.has(candidate)) return candidate;
  }
}

/** The recovery codes listed in a codes dialog. */
export async function shownRecoveryCodes(dialog: Locator): Promise<string[]> {
  const items = dialog.getByRole("list", { name: "Recovery codes" }).getByRole("listitem");
  await expect(items).toHaveCount(10);
  return (await items.allInnerTexts()).map((text) => text.trim());
}

/** Ticks "I have saved these codes" and closes the codes dialog. */
export async function confirmSaved(dialog: Locator): Promise<void> {
  await dialog.getByRole("checkbox", { name: "I have saved these codes" }).check();
  await dialog.getByRole("button", { name: "Done" }).click();
  await expect(dialog).toHaveCount(0);
}

export type Enabled = { secret: string; recoveryCodes: string[]; usedStep: number; usedCode: string };

/**
 * Turns 2FA on through the UI (step-up code from the mailbox, then a code computed from the key the
 * dialog shows), for tests about what 2FA protects. `codeEmailsBefore`: step-up code emails the
 * user already has.
 */
export async function enableTwoFactorThroughUi(
  page: Page,
  request: APIRequestContext,
  email: string,
  codeEmailsBefore = 0,
): Promise<Enabled> {
  await gotoHydrated(page, "/settings/security");
  await twoFactorSection(page).getByRole("button", { name: "Turn on" }).click();
  await expect(stepUpDialog(page)).toBeVisible();
  await enterCode(page, (await waitForCodeEmail(request, email, codeEmailsBefore)).code);
  const dialog = setUpDialog(page);
  await expect(dialog).toBeVisible();
  const secret = secretFromManualKey(await dialog.getByRole("figure", { name: "Setup key" }).locator("code").innerText());
  const totp = await freshTotp(secret);
  await dialog.getByLabel("6-digit code from the app").fill(totp.code);
  await dialog.getByRole("button", { name: "Turn on" }).click();
  const codesDialog = recoveryCodesDialog(page);
  await expect(codesDialog).toBeVisible();
  const recoveryCodes = await shownRecoveryCodes(codesDialog);
  await confirmSaved(codesDialog);
  await expect(twoFactorSection(page)).toContainText(/On since/);
  return { secret, recoveryCodes, usedStep: totp.step, usedCode: totp.code };
}

/** The code modal when it asks for both proofs. */
export function proofFields(page: Page) {
  const modal = stepUpDialog(page);
  return {
    modal,
    emailCode: modal.getByLabel(/^1\. Code we emailed to /),
    authenticatorCode: modal.getByLabel("2. Code from your authenticator app"),
    recoveryCode: modal.getByLabel("2. Recovery code"),
    verify: modal.getByRole("button", { name: "Verify" }),
  };
}

/** Fills both proofs in the open code modal and submits; switches to the recovery-code field when asked. */
export async function enterBothProofs(
  page: Page,
  emailCode: string,
  second: { method: "totp" | "recovery_code"; code: string },
): Promise<void> {
  const fields = proofFields(page);
  await expect(fields.emailCode).toBeEnabled();
  await fields.emailCode.fill(emailCode);
  if (second.method === "recovery_code" && !(await fields.recoveryCode.isVisible())) {
    await fields.modal.getByRole("button", { name: "Use a recovery code instead" }).click();
  }
  const field = second.method === "totp" ? fields.authenticatorCode : fields.recoveryCode;
  await field.fill(second.code);
  await field.press("Enter");
}
