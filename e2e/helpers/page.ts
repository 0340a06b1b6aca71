import type { Page } from "@playwright/test";

/**
 * Navigates and waits until React has hydrated the page's forms. Before that a submit is a plain
 * no-JavaScript form post, and client-side validation or typed-in values can be skipped.
 */
export async function gotoHydrated(page: Page, path: string): Promise<void> {
  await page.goto(path);
  await waitForHydration(page);
}

export async function waitForHydration(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const forms = [...document.querySelectorAll("form")];
    // React attaches its props to every DOM node it hydrates.
    return forms.length > 0 && forms.every((form) => Object.keys(form).some((key) => key.startsWith("__reactProps$")));
  });
}

const POLICY_MESSAGE = /Content Security Policy|Refused to|Permissions Policy/i;

/** Every console message or uncaught error on the page that speaks of the CSP or the Permissions-Policy. */
export function watchForPolicyReports(page: Page): string[] {
  const reports: string[] = [];
  page.on("console", (message) => {
    if (POLICY_MESSAGE.test(message.text())) reports.push(`${message.type()}: ${message.location().url} ${message.text()}`);
  });
  page.on("pageerror", (error) => {
    if (POLICY_MESSAGE.test(error.message)) reports.push(`pageerror: ${error.message}`);
  });
  return reports;
}
