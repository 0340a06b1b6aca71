import { render } from "@react-email/render";
import { describe, expect, it } from "vitest";
import { LOCALES, type Locale } from "@/i18n/locales";
import { emailSamples, legacyNoticeSample, renderedEmailSamples } from "@/lib/email/samples";

// Every email in every language: the recipient's language all through, and a light design that
// a dark-mode mail client has no reason, and no default colour, to invert.

type Element = { tag: string; style: Record<string, string>; text: string; parent: Element | null };

const VOID = new Set(["meta", "link", "br", "hr", "img", "input"]);

function styleOf(attributes: string): Record<string, string> {
  const style = /style="([^"]*)"/.exec(attributes)?.[1] ?? "";
  return Object.fromEntries(
    style
      .split(";")
      .map((declaration) => declaration.split(":"))
      .filter((parts): parts is [string, ...string[]] => parts.length >= 2)
      .map(([name, ...value]) => [name.trim(), value.join(":").trim()]),
  );
}

/** The elements of React Email's (well-formed) output, each with its inline style, own text and parent. */
function elements(html: string): Element[] {
  const found: Element[] = [];
  const open: Element[] = [];
  for (const match of html.matchAll(/<(\/?)([a-zA-Z][a-zA-Z0-9]*)((?:[^>"]|"[^"]*")*)>|([^<]+)/g)) {
    const [, closing, tag, attributes = "", text] = match;
    if (text !== undefined) {
      const current = open.at(-1);
      if (current) current.text += text;
      continue;
    }
    const name = (tag ?? "").toLowerCase();
    if (closing) {
      while (open.length && open.pop()?.tag !== name);
      continue;
    }
    const element: Element = { tag: name, style: styleOf(attributes), text: "", parent: open.at(-1) ?? null };
    found.push(element);
    if (!VOID.has(name) && !attributes.endsWith("/")) open.push(element);
  }
  return found;
}

function background(element: Element): string | undefined {
  return element.style["background-color"] ?? element.style.background;
}

/** The background a coloured element is drawn on: its own, or for a link, the paragraph's it sits in. */
function backgroundBehind(element: Element): string | undefined {
  return background(element) ?? (element.tag === "a" && element.parent ? background(element.parent) : undefined);
}

const visible = (element: Element) => element.text.replace(/[\s\u200b-\u200f\ufeff\u034f\u00a0]/g, "") !== "";

type Rendered = Awaited<ReturnType<typeof renderedEmailSamples>>;
const samples = new Map<Locale, Rendered>(
  await Promise.all(LOCALES.map(async (locale) => [locale, await renderedEmailSamples(locale)] as const)),
);
const rendered = (locale: Locale): Rendered => samples.get(locale) ?? [];

describe.each(LOCALES)("every email in %s", (locale) => {
  it.each(rendered(locale).map((sample) => [sample.name, sample] as const))("%s", (_name, { subject, html, text }) => {
    // The recipient's language, all of it: no message missing from the catalog.
    expect(html).toMatch(new RegExp(`<html[^>]* lang="${locale}"`));
    for (const part of [subject, html, text]) expect(part).not.toContain("⟦");

    // Light only, said both ways clients read it.
    expect(html).toContain('<meta name="color-scheme" content="light"/>');
    expect(html).toContain('<meta name="supported-color-schemes" content="light"/>');
    expect(html).toContain("color-scheme: light;");

    const all = elements(html);
    const root = all.find((element) => element.tag === "html");
    expect(root?.style["color-scheme"]).toBe("light");
    const body = all.find((element) => element.tag === "body");
    expect(body && background(body)).toBeTruthy();
    const container = all.find((element) => element.style["max-width"] === "520px");
    expect(container && background(container)).toBe("#ffffff");
    const code = all.find((element) => element.style["font-size"] === "32px");
    if (code) expect(background(code)).toBeTruthy();

    // Every block that sets a text colour sets its background too, never relying on the client's.
    for (const element of all.filter((candidate) => candidate.style.color)) {
      expect({ tag: element.tag, text: element.text, background: backgroundBehind(element) }).toMatchObject({
        background: expect.stringMatching(/^#/) as unknown,
      });
    }
    // No words in a client's default colour: whatever shows text names its own.
    for (const element of all.filter((candidate) => ["p", "h1", "td", "a"].includes(candidate.tag) && visible(candidate))) {
      expect({ tag: element.tag, text: element.text.trim(), color: element.style.color }).toMatchObject({
        color: expect.stringMatching(/^#/) as unknown,
      });
    }
  });
});

describe("languages", () => {
  it("every German subject, and every German body, differs from the English", () => {
    const english = new Map(rendered("en").map((sample) => [sample.name, sample]));
    for (const german of rendered("de")) {
      const match = english.get(german.name);
      expect({ name: german.name, subject: german.subject }).not.toEqual({ name: german.name, subject: match?.subject });
      expect(german.text).not.toBe(match?.text);
    }
  });

  it("English reads exactly as it did", () => {
    const subjects = Object.fromEntries(rendered("en").map((sample) => [sample.name, sample.subject]));
    expect(subjects).toMatchObject({
      verifyEmail: "Verify your email for Account Security",
      stepUpCode: 'Your code to create API token "ci-deploy"',
      "securityNotice.tokenCreated": "A new API token was created",
      "securityNotice.tokensRevokedByAdmin": "An administrator revoked your API tokens",
    });
    const notice = rendered("en").find((sample) => sample.name === "securityNotice.tokenCreated");
    expect(notice?.text).toContain('An API token named "ci-deploy" was created for your account.');
    expect(notice?.text).toContain("When: Dec 1, 2026, 3:04 PM UTC");
    expect(notice?.text).toContain("From: Chrome 130 on Linux, IP 203.0.113.7");
  });

  it("dates are in the reader's format, in UTC, saying so", () => {
    const german = rendered("de").find((sample) => sample.name === "securityNotice.tokenCreated");
    expect(german?.text).toContain("Wann: 01.12.2026, 15:04 UTC");
    expect(german?.text).toContain("Für Ihr Konto wurde ein API-Token mit dem Namen „ci-deploy“ erstellt.");
  });

  it("a notice queued before notices were keys is still delivered, its words as written and its frame in the row's language", async () => {
    for (const locale of LOCALES) {
      const content = legacyNoticeSample(locale);
      expect(content?.subject).toBe("A new API token was created");
      expect(content?.text).toContain('An API token named "ci" was created for your account.');
      expect(content?.react && (await render(content.react))).toContain(`lang="${locale}"`);
    }
  });

  it("one sample per template and notice, in every language", () => {
    for (const locale of LOCALES) expect(emailSamples(locale).map((sample) => sample.name)).toEqual(rendered("en").map((s) => s.name));
  });
});
