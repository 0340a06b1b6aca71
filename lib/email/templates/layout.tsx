import "server-only";
import { Body, Container, Head, Heading, Hr, Html, Link, Preview, Section, Text } from "@react-email/components";
import type { CSSProperties, ReactElement, ReactNode } from "react";
import { UAParser } from "ua-parser-js";
import type { Locale } from "@/i18n/locales";
import type { Translate } from "@/i18n/translate";
import { formatterFor, translatorFor } from "@/i18n/translator";

export const PRODUCT_NAME = "Account Security";

export type EmailMessageContent = {
  subject: string;
  react: ReactElement;
  text: string;
};

/** What one email is put into words with: its recipient's language, dates in UTC (the zone is unknown). */
export type EmailWords = {
  locale: Locale;
  t: Translate<"emails">;
  common: Translate<"common">;
  format: ReturnType<typeof formatterFor>;
};

const wordsByLocale = new Map<Locale, EmailWords>();

/** One set per language, made once: translators and formatter hold nothing of any one email. */
export function emailWords(locale: Locale): EmailWords {
  let words = wordsByLocale.get(locale);
  if (!words) {
    words = { locale, t: translatorFor(locale, "emails"), common: translatorFor(locale, "common"), format: formatterFor(locale) };
    wordsByLocale.set(locale, words);
  }
  return words;
}

/** "Dec 1, 2026, 3:00 PM UTC" / "01.12.2026, 15:00 UTC": the reader's format, always UTC, and saying so. */
export function utcTime(words: EmailWords, date: Date): string {
  return words.common("utc", { time: words.format.dateTime(date, "dateAndTime") });
}

// Light only, in every client: the color-scheme metas tell clients that honour them not to
// recolour, and every block names its own background and text colour, so a client that does
// recolour has no default to invert into dark text on a dark page.
const colors = { ink: "#0f172a", muted: "#475569", line: "#e2e8f0", page: "#f1f5f9", surface: "#ffffff", brand: "#1d4ed8" };

const onSurface = { backgroundColor: colors.surface, color: colors.ink };

const styles = {
  html: { colorScheme: "light", backgroundColor: colors.page, color: colors.ink },
  body: {
    colorScheme: "light",
    backgroundColor: colors.page,
    margin: 0,
    padding: "32px 0",
    fontFamily: "-apple-system, BlinkMacSystemFont, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif",
    color: colors.ink,
  },
  container: { maxWidth: "520px", margin: "0 auto", ...onSurface, borderRadius: "8px", border: `1px solid ${colors.line}` },
  brand: { padding: "20px 32px", borderBottom: `1px solid ${colors.line}`, ...onSurface },
  brandName: {
    margin: 0,
    fontSize: "14px",
    fontWeight: 600,
    letterSpacing: "0.02em",
    backgroundColor: colors.surface,
    color: colors.brand,
  },
  content: { padding: "8px 32px 24px", ...onSurface },
  heading: { fontSize: "20px", lineHeight: "28px", fontWeight: 600, margin: "20px 0 8px", ...onSurface },
  paragraph: { fontSize: "15px", lineHeight: "24px", margin: "12px 0", ...onSurface },
  note: { fontSize: "13px", lineHeight: "20px", margin: "12px 0", backgroundColor: colors.surface, color: colors.muted },
  code: {
    display: "inline-block",
    margin: "8px 0",
    padding: "12px 20px",
    fontFamily: "ui-monospace, SFMono-Regular, Menlo, Consolas, monospace",
    fontSize: "32px",
    fontWeight: 700,
    letterSpacing: "0.3em",
    backgroundColor: colors.page,
    color: colors.ink,
    borderRadius: "6px",
  },
  hr: { borderColor: colors.line, backgroundColor: colors.line, margin: 0 },
  footer: { padding: "16px 32px", fontSize: "12px", lineHeight: "18px", backgroundColor: colors.surface, color: colors.muted },
  link: { color: colors.brand, textDecoration: "underline" },
  facts: { fontSize: "14px", lineHeight: "22px", borderCollapse: "collapse", margin: "8px 0", ...onSurface },
  factLabel: { backgroundColor: colors.surface, color: colors.muted, paddingRight: "16px", verticalAlign: "top" },
  factValue: { ...onSurface, verticalAlign: "top" },
} satisfies Record<string, CSSProperties>;

// Some clients (Apple Mail, Outlook for Mac) read the scheme from CSS, not the meta.
const LIGHT_ONLY_CSS = ":root { color-scheme: light; supported-color-schemes: light; }";

export function EmailLayout({
  words,
  preview,
  heading,
  appUrl,
  children,
}: {
  words: EmailWords;
  preview: string;
  heading: string;
  appUrl: string;
  children: ReactNode;
}) {
  return (
    <Html lang={words.locale} style={styles.html}>
      <Head>
        <meta name="color-scheme" content="light" />
        <meta name="supported-color-schemes" content="light" />
        <style>{LIGHT_ONLY_CSS}</style>
      </Head>
      <Preview>{preview}</Preview>
      <Body style={styles.body}>
        <Container style={styles.container}>
          <Section style={styles.brand}>
            <Text style={styles.brandName}>{PRODUCT_NAME}</Text>
          </Section>
          <Section style={styles.content}>
            <Heading as="h1" style={styles.heading}>
              {heading}
            </Heading>
            {children}
          </Section>
          <Hr style={styles.hr} />
          <Section style={styles.footer}>
            <Text style={{ ...styles.note, margin: 0 }}>
              {words.t.rich("layout.footer", {
                product: PRODUCT_NAME,
                url: appUrl,
                link: (chunks) => <EmailLink href={appUrl}>{chunks}</EmailLink>,
              })}
            </Text>
          </Section>
        </Container>
      </Body>
    </Html>
  );
}

export function Paragraph({ children }: { children: ReactNode }) {
  return <Text style={styles.paragraph}>{children}</Text>;
}

export function Note({ children }: { children: ReactNode }) {
  return <Text style={styles.note}>{children}</Text>;
}

export function CodeBox({ code }: { code: string }) {
  return (
    <Section style={onSurface}>
      <Text style={styles.code}>{code}</Text>
    </Section>
  );
}

export function EmailLink({ href, children }: { href: string; children: ReactNode }) {
  return (
    <Link href={href} style={styles.link}>
      {children}
    </Link>
  );
}

/** Label/value rows (what, when, from where) for security emails. */
export function Facts({ facts }: { facts: [string, string][] }) {
  return (
    <table role="presentation" style={styles.facts}>
      <tbody>
        {facts.map(([label, value]) => (
          <tr key={label}>
            <td style={styles.factLabel}>{label}</td>
            <td style={styles.factValue}>{value}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function factsText(facts: [string, string][]): string {
  return facts.map(([label, value]) => `${label}: ${value}`).join("\n");
}

/** "Chrome 130 on Linux", in the reader's language. */
export function deviceName(words: EmailWords, userAgent: string | null): string {
  if (!userAgent) return words.t("device.unknown");
  const { browser, os } = UAParser(userAgent);
  const browserName = browser.name ? `${browser.name}${browser.major ? ` ${browser.major}` : ""}` : words.t("device.unknownBrowser");
  return os.name
    ? words.t("device.browserOnOs", { browser: browserName, os: `${os.name}${os.version ? ` ${os.version}` : ""}` })
    : browserName;
}

/** "Chrome 130 on Linux, IP 203.0.113.7" */
export function origin(words: EmailWords, meta: { ip: string | null; userAgent: string | null }): string {
  const device = deviceName(words, meta.userAgent);
  return meta.ip ? words.t("origin", { device, ip: meta.ip }) : device;
}

/** The hand-written plain-text part: heading, paragraphs, then the same footer as the HTML. */
export function plainText({
  words,
  heading,
  paragraphs,
  appUrl,
}: {
  words: EmailWords;
  heading: string;
  paragraphs: string[];
  appUrl: string;
}): string {
  const footer = words.t.markup("layout.footer", { product: PRODUCT_NAME, url: appUrl, link: (chunks) => chunks });
  return [heading, "", ...paragraphs.flatMap((paragraph) => [paragraph, ""]), "—", footer, ""].join("\n");
}

/** Links are only ever built from the configured APP_URL (an origin), never from a request. */
export function appLink(appUrl: string, path: `/${string}`): string {
  return new URL(path, appUrl).href;
}
