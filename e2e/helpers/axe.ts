import AxeBuilder from "@axe-core/playwright";
import { expect, type Page } from "@playwright/test";

const TAGS = ["wcag2a", "wcag2aa", "wcag21aa"];
const BLOCKING = new Set(["serious", "critical"]);

/** Fails on serious or critical WCAG 2.1 A/AA violations, listing each rule and the offending elements. */
export async function expectNoSeriousA11yViolations(page: Page): Promise<void> {
  await finishTransitions(page);
  const results = await new AxeBuilder({ page })
    .withTags(TAGS)
    // The Next.js dev-tools badge exists only in `next dev`, not in the product.
    .exclude("nextjs-portal")
    .analyze();
  const blocking = results.violations
    .filter((violation) => BLOCKING.has(violation.impact ?? ""))
    .map(
      (violation) =>
        `${violation.impact} ${violation.id}: ${violation.help}\n    ${violation.nodes.map((node) => node.target.join(" ")).join("\n    ")}`,
    );
  expect(blocking, `axe violations on ${page.url()}`).toEqual([]);
}

/**
 * Colours measured mid-transition are neither the old nor the new ones: a button fading from its
 * disabled grey, or a dialog fading in, fails color-contrast for 150 ms. Waits for every finite
 * animation and transition (a spinner's endless one excepted) to end.
 */
async function finishTransitions(page: Page): Promise<void> {
  await page.evaluate(async () => {
    const finite = document.getAnimations().filter((animation) => animation.effect?.getComputedTiming().iterations !== Infinity);
    await Promise.all(finite.map((animation) => animation.finished.catch(() => undefined)));
  });
}
