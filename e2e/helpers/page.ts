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
