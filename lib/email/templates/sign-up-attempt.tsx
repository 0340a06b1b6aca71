import "server-only";
import type { Locale } from "@/i18n/locales";
import { getEnv } from "@/lib/env";
import { appLink, EmailLayout, EmailLink, emailWords, Note, Paragraph, plainText, PRODUCT_NAME, type EmailMessageContent } from "./layout";

/** To an address that already has an account, in that account's language. */
export function signUpAttemptMessage({ locale }: { locale: Locale }): EmailMessageContent {
  const { APP_URL } = getEnv();
  const words = emailWords(locale);
  const { t } = words;
  const loginUrl = appLink(APP_URL, "/login");
  const heading = t("signUpAttempt.heading");
  const what = t("signUpAttempt.what");
  const ifYou = t("signUpAttempt.ifYou");
  const ifNot = t("signUpAttempt.ifNot");

  return {
    subject: t("signUpAttempt.subject", { product: PRODUCT_NAME }),
    react: (
      <EmailLayout words={words} preview={t("signUpAttempt.preview")} heading={heading} appUrl={APP_URL}>
        <Paragraph>{what}</Paragraph>
        <Paragraph>
          {ifYou} <EmailLink href={loginUrl}>{loginUrl}</EmailLink>
        </Paragraph>
        <Note>{ifNot}</Note>
      </EmailLayout>
    ),
    text: plainText({ words, heading, paragraphs: [what, `${ifYou} ${loginUrl}`, ifNot], appUrl: APP_URL }),
  };
}
