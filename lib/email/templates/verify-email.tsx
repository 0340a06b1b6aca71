import "server-only";
import type { Locale } from "@/i18n/locales";
import { getEnv } from "@/lib/env";
import { CodeBox, EmailLayout, emailWords, Note, Paragraph, plainText, PRODUCT_NAME, type EmailMessageContent } from "./layout";

export function verifyEmailMessage({
  locale,
  code,
  expiresInMinutes,
}: {
  locale: Locale;
  code: string;
  expiresInMinutes: number;
}): EmailMessageContent {
  const { APP_URL } = getEnv();
  const words = emailWords(locale);
  const { t } = words;
  const heading = t("verifyEmail.heading");
  const intro = t("verifyEmail.intro");
  const expiry = t("verifyEmail.expiry", { minutes: expiresInMinutes });
  const ignore = t("verifyEmail.ignore");

  return {
    subject: t("verifyEmail.subject", { product: PRODUCT_NAME }),
    react: (
      <EmailLayout words={words} preview={t("verifyEmail.preview")} heading={heading} appUrl={APP_URL}>
        <Paragraph>{intro}</Paragraph>
        <CodeBox code={code} />
        <Paragraph>{expiry}</Paragraph>
        <Note>{ignore}</Note>
      </EmailLayout>
    ),
    text: plainText({ words, heading, paragraphs: [intro, code, expiry, ignore], appUrl: APP_URL }),
  };
}
