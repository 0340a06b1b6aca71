import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { expect, test, type Browser, type Page } from "@playwright/test";

/**
 * Every email, in every language, drawn by Chromium with a dark and a light colour scheme: a
 * client that honours the emails' light-only color-scheme draws them the same either way, the
 * light design (white card, dark ink) and not an inverted one.
 *
 * The emails are rendered in Node, as the outbox renders them (lib/email/samples.tsx holds one of
 * each), by a child process: the templates are server-only modules, which Playwright's loader
 * cannot import.
 */

type Rendered = { name: string; subject: string; html: string; text: string };
const LOCALES = ["en", "de"] as const;

const RENDER = `
  const { renderedEmailSamples } = await import("./lib/email/samples.tsx");
  const out = {};
  for (const locale of ${JSON.stringify(LOCALES)}) out[locale] = await renderedEmailSamples(locale);
  process.stdout.write(JSON.stringify(out));
`;

async function renderSamples(): Promise<Record<(typeof LOCALES)[number], Rendered[]>> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ["--import", "tsx", "--import", "./scripts/server-only-hook.mjs", "--input-type=module", "--eval", RENDER],
    {
      cwd: process.cwd(),
      maxBuffer: 64 * 1024 * 1024,
      env: {
        ...process.env,
        NODE_ENV: "test",
        APP_URL: "http://localhost:3100",
        AUTH_SECRET: "e2e-email-rendering-secret-0123456789abcdef",
        TOTP_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString("base64"),
      },
    },
  );
  return JSON.parse(stdout) as Record<(typeof LOCALES)[number], Rendered[]>;
}

/** What the reader sees: the page's scheme, the body and card backgrounds, the heading's ink, and every text's colours. */
function drawn(page: Page) {
  return page.evaluate(() => {
    const style = (element: Element | null) => (element ? getComputedStyle(element) : null);
    const card = document.querySelector('table[style*="max-width:520px"]');
    const texts = [...document.querySelectorAll("h1, p, td, a")]
      .filter((element) => element.textContent?.trim() && (element as HTMLElement).offsetParent !== null)
      .map((element) => {
        const computed = getComputedStyle(element);
        return `${element.tagName} ${computed.color} on ${computed.backgroundColor}`;
      });
    return {
      colorScheme: style(document.documentElement)?.colorScheme,
      body: style(document.body)?.backgroundColor,
      card: style(card)?.backgroundColor,
      heading: style(document.querySelector("h1"))?.color,
      texts,
    };
  });
}

async function pageIn(browser: Browser, colorScheme: "dark" | "light"): Promise<Page> {
  const context = await browser.newContext({ colorScheme, javaScriptEnabled: true });
  return context.newPage();
}

let samples: Awaited<ReturnType<typeof renderSamples>>;

test.beforeAll(async () => {
  test.setTimeout(120_000);
  samples = await renderSamples();
});

for (const locale of LOCALES) {
  test(`every email in ${locale} looks the same in a dark and a light colour scheme`, async ({ browser }) => {
    expect(samples[locale].length).toBeGreaterThan(30);
    const [dark, light] = [await pageIn(browser, "dark"), await pageIn(browser, "light")];
    for (const sample of samples[locale]) {
      await test.step(sample.name, async () => {
        await dark.setContent(sample.html);
        await light.setContent(sample.html);
        expect(await dark.evaluate(() => matchMedia("(prefers-color-scheme: dark)").matches)).toBe(true);
        expect(await dark.evaluate(() => document.documentElement.lang)).toBe(locale);

        const inDark = await drawn(dark);
        expect(inDark).toEqual(await drawn(light));
        // …and that is the light design, not an inverted one.
        expect(inDark).toMatchObject({
          colorScheme: "light",
          body: "rgb(241, 245, 249)",
          card: "rgb(255, 255, 255)",
          heading: "rgb(15, 23, 42)",
        });
        expect(inDark.texts.length).toBeGreaterThan(3);
      });
    }
    await dark.context().close();
    await light.context().close();
  });
}
