import "server-only";
import { Body, Container, Head, Heading, Hr, Html, Link, Preview, Section, Text } from "@react-email/components";
import type { CSSProperties, ReactElement, ReactNode } from "react";
import { describeUserAgent } from "@/lib/http/user-agent";

export const PRODUCT_NAME = "Account Security";

export type EmailMessageContent = {
  subject: string;
  react: ReactElement;
  text: string;
};

const colors = { ink: "#0f172a", muted: "#475569", line: "#e2e8f0", page: "#f1f5f9", brand: "#1d4ed8" };

const styles = {
  body: {
    backgroundColor: colors.page,
    margin: 0,
    padding: "32px 0",
    fontFamily: "-apple-system, BlinkMacSystemFont, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif",
    color: colors.ink,
  },
  container: { maxWidth: "520px", margin: "0 auto", backgroundColor: "#ffffff", borderRadius: "8px", border: `1px solid ${colors.line}` },
  brand: { padding: "20px 32px", borderBottom: `1px solid ${colors.line}` },
  brandName: { margin: 0, fontSize: "14px", fontWeight: 600, letterSpacing: "0.02em", color: colors.brand },
  content: { padding: "8px 32px 24px" },
  heading: { fontSize: "20px", lineHeight: "28px", fontWeight: 600, margin: "20px 0 8px" },
  paragraph: { fontSize: "15px", lineHeight: "24px", margin: "12px 0" },
  note: { fontSize: "13px", lineHeight: "20px", margin: "12px 0", color: colors.muted },
  code: {
    display: "inline-block",
    margin: "8px 0",
    padding: "12px 20px",
    fontFamily: "ui-monospace, SFMono-Regular, Menlo, Consolas, monospace",
    fontSize: "32px",
    fontWeight: 700,
    letterSpacing: "0.3em",
    backgroundColor: colors.page,
    borderRadius: "6px",
  },
  hr: { borderColor: colors.line, margin: 0 },
  footer: { padding: "16px 32px", fontSize: "12px", lineHeight: "18px", color: colors.muted },
  link: { color: colors.brand, textDecoration: "underline" },
} satisfies Record<string, CSSProperties>;

export function EmailLayout({
  preview,
  heading,
  appUrl,
  children,
}: {
  preview: string;
  heading: string;
  appUrl: string;
  children: ReactNode;
}) {
  return (
    <Html lang="en">
      <Head />
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
              Sent by {PRODUCT_NAME} · <EmailLink href={appUrl}>{appUrl}</EmailLink>
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
    <Section>
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
    <table role="presentation" style={{ fontSize: "14px", lineHeight: "22px", borderCollapse: "collapse", margin: "8px 0" }}>
      <tbody>
        {facts.map(([label, value]) => (
          <tr key={label}>
            <td style={{ color: colors.muted, paddingRight: "16px", verticalAlign: "top" }}>{label}</td>
            <td>{value}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function factsText(facts: [string, string][]): string {
  return facts.map(([label, value]) => `${label}: ${value}`).join("\n");
}

/** "Chrome 130 on Linux, IP 203.0.113.7" */
export function origin(meta: { ip: string | null; userAgent: string | null }): string {
  return `${describeUserAgent(meta.userAgent)}${meta.ip ? `, IP ${meta.ip}` : ""}`;
}

/** The hand-written plain-text part: heading, paragraphs, then the same footer as the HTML. */
export function plainText({ heading, paragraphs, appUrl }: { heading: string; paragraphs: string[]; appUrl: string }): string {
  return [heading, "", ...paragraphs.flatMap((paragraph) => [paragraph, ""]), "—", `Sent by ${PRODUCT_NAME} · ${appUrl}`, ""].join("\n");
}

/** Links are only ever built from the configured APP_URL (an origin), never from a request. */
export function appLink(appUrl: string, path: `/${string}`): string {
  return new URL(path, appUrl).href;
}
