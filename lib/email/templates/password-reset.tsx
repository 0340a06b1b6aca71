import "server-only";
import type { Locale } from "@/i18n/locales";
import { getEnv } from "@/lib/env";
import type { RequestMeta } from "@/lib/http/request-meta";
import {
  appLink,
  CodeBox,
  EmailLayout,
  EmailLink,
  emailWords,
  Facts,
  factsText,
  Note,
  origin,
  Paragraph,
  plainText,
  PRODUCT_NAME,
  utcTime,
  type EmailMessageContent,
} from "./layout";

/** Who asked: an account gets the code; an address without one, or a disabled account, is told why there is none. */
export type PasswordResetRecipient = "account" | "no_account" | "disabled";

/**
 * The code, and a link that carries it in the URL's fragment: browsers never send a fragment to a
 * server, a proxy or a Referer header, so the code reaches only the page's own script.
 */
export function passwordResetMessage(input: {
  locale: Locale;
  recipient: PasswordResetRecipient;
  resetId: string;
  code: string;
  expiresInMinutes: number;
}): EmailMessageContent {
  const { APP_URL } = getEnv();
  const words = emailWords(input.locale);
  const { t } = words;
  const subject = t("passwordReset.subject", { product: PRODUCT_NAME });
  const heading = t("passwordReset.heading");
  if (input.recipient !== "account") {
    const why = input.recipient === "disabled" ? t("passwordReset.disabled") : t("passwordReset.noAccount", { product: PRODUCT_NAME });
    const ignore = t("passwordReset.nothingChanged");
    return {
      subject,
      react: (
        <EmailLayout words={words} preview={t("passwordReset.noCodePreview")} heading={heading} appUrl={APP_URL}>
          <Paragraph>{why}</Paragraph>
          <Note>{ignore}</Note>
        </EmailLayout>
      ),
      text: plainText({ words, heading, paragraphs: [why, ignore], appUrl: APP_URL }),
    };
  }
  const resetUrl = appLink(APP_URL, `/reset-password?id=${input.resetId}#code=${input.code}`);
  const intro = t("passwordReset.intro");
  const typed = t("passwordReset.typed");
  const expiry = t("passwordReset.expiry", { minutes: input.expiresInMinutes });
  const ignore = t("passwordReset.ignore");
  return {
    subject,
    react: (
      <EmailLayout words={words} preview={t("passwordReset.preview")} heading={heading} appUrl={APP_URL}>
        <Paragraph>
          {intro} <EmailLink href={resetUrl}>{t("passwordReset.link")}</EmailLink>
        </Paragraph>
        <Paragraph>{typed}</Paragraph>
        <CodeBox code={input.code} />
        <Paragraph>{expiry}</Paragraph>
        <Note>{ignore}</Note>
      </EmailLayout>
    ),
    text: plainText({ words, heading, paragraphs: [`${intro} ${resetUrl}`, typed, input.code, expiry, ignore], appUrl: APP_URL }),
  };
}

/** The subject alone, in `locale` (the outbox keeps it beside the data). */
export function passwordWasResetSubject(locale: Locale): string {
  return emailWords(locale).t("passwordWasReset.subject");
}

/** After the reset, to the same address: where from, what stays valid, and a way to report it. */
export function passwordWasResetMessage(input: {
  locale: Locale;
  reportToken: string;
  holdUntil: string | null;
  at: Date;
  meta: RequestMeta;
}): EmailMessageContent {
  const { APP_URL } = getEnv();
  const words = emailWords(input.locale);
  const { t } = words;
  const heading = t("passwordWasReset.subject");
  const reportUrl = appLink(APP_URL, `/password-reset/report?token=${encodeURIComponent(input.reportToken)}`);
  const securityUrl = appLink(APP_URL, "/settings/security");
  const summary = t("passwordWasReset.summary");
  const facts: [string, string][] = [
    [t("facts.when"), utcTime(words, input.at)],
    [t("facts.from"), origin(words, input.meta)],
  ];
  if (input.holdUntil) facts.push([t("facts.heldUntil"), utcTime(words, new Date(input.holdUntil))]);
  const hold = input.holdUntil ? t("passwordWasReset.hold") : null;
  const report = t("passwordWasReset.report");
  const wasntMe = t("links.wasntMe");
  return {
    subject: heading,
    react: (
      <EmailLayout words={words} preview={summary} heading={heading} appUrl={APP_URL}>
        <Paragraph>{summary}</Paragraph>
        <Facts facts={facts} />
        {hold && <Paragraph>{hold}</Paragraph>}
        <Paragraph>{t.rich("passwordWasReset.tokens", { link: (chunks) => <EmailLink href={securityUrl}>{chunks}</EmailLink> })}</Paragraph>
        <Paragraph>
          {report} <EmailLink href={reportUrl}>{wasntMe}</EmailLink>
        </Paragraph>
        <Note>{t("securityNotice.everyChange")}</Note>
      </EmailLayout>
    ),
    text: plainText({
      words,
      heading,
      paragraphs: [
        summary,
        factsText(facts),
        ...(hold ? [hold] : []),
        t("passwordWasReset.tokensText", { url: securityUrl }),
        `${report} ${reportUrl}`,
      ],
      appUrl: APP_URL,
    }),
  };
}
