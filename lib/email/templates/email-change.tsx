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

/** To the new address: the code that confirms it. No sign-in link; the code is entered on the security page. */
export function confirmNewEmailMessage({
  locale,
  code,
  expiresInHours,
}: {
  locale: Locale;
  code: string;
  expiresInHours: number;
}): EmailMessageContent {
  const { APP_URL } = getEnv();
  const words = emailWords(locale);
  const { t } = words;
  const heading = t("confirmNewEmail.subject");
  const securityUrl = appLink(APP_URL, "/settings/security");
  const intro = t("confirmNewEmail.intro", { product: PRODUCT_NAME });
  const expiry = t("confirmNewEmail.expiry", { hours: expiresInHours });
  const ignore = t("confirmNewEmail.ignore");
  const securityPage = t.markup("confirmNewEmail.securityPage", { url: securityUrl, link: (chunks) => chunks });
  return {
    subject: heading,
    react: (
      <EmailLayout words={words} preview={t("confirmNewEmail.preview")} heading={heading} appUrl={APP_URL}>
        <Paragraph>{intro}</Paragraph>
        <CodeBox code={code} />
        <Paragraph>
          {expiry}{" "}
          {t.rich("confirmNewEmail.securityPage", {
            url: securityUrl,
            link: (chunks) => <EmailLink href={securityUrl}>{chunks}</EmailLink>,
          })}
        </Paragraph>
        <Note>{ignore}</Note>
      </EmailLayout>
    ),
    text: plainText({ words, heading, paragraphs: [intro, code, `${expiry} ${securityPage}`, ignore], appUrl: APP_URL }),
  };
}

/** The subject alone, in `locale` (the outbox keeps it beside the data). */
export function emailChangedSubject(locale: Locale): string {
  return emailWords(locale).t("emailChanged.subject");
}

/** To the old address, once, when the change is confirmed: the new address masked, and a way to report it. */
export function emailChangedMessage(input: {
  locale: Locale;
  maskedNewEmail: string;
  reportToken: string;
  at: Date;
  meta: RequestMeta;
}): EmailMessageContent {
  const { APP_URL } = getEnv();
  const words = emailWords(input.locale);
  const { t } = words;
  const heading = t("emailChanged.subject");
  const reportUrl = appLink(APP_URL, `/email-change/report?token=${encodeURIComponent(input.reportToken)}`);
  const summary = t("emailChanged.summary", { address: input.maskedNewEmail });
  const facts: [string, string][] = [
    [t("facts.newAddress"), input.maskedNewEmail],
    [t("facts.when"), utcTime(words, input.at)],
    [t("facts.from"), origin(words, input.meta)],
  ];
  const report = t("emailChanged.report");
  return {
    subject: heading,
    react: (
      <EmailLayout words={words} preview={summary} heading={heading} appUrl={APP_URL}>
        <Paragraph>{summary}</Paragraph>
        <Facts facts={facts} />
        <Paragraph>
          {report} <EmailLink href={reportUrl}>{t("links.wasntMe")}</EmailLink>
        </Paragraph>
        <Note>{t("emailChanged.lastEmail")}</Note>
      </EmailLayout>
    ),
    text: plainText({ words, heading, paragraphs: [summary, factsText(facts), `${report} ${reportUrl}`], appUrl: APP_URL }),
  };
}
