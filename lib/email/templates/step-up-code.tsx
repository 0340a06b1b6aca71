import "server-only";
import type { Locale } from "@/i18n/locales";
import { getEnv } from "@/lib/env";
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
  utcTime,
  type EmailMessageContent,
} from "./layout";

export type StepUpCodeMessageInput = {
  locale: Locale;
  code: string;
  /** What the code confirms, already in the reader's words, e.g. `create API token "ci-deploy"`. */
  description: string;
  /** The challenge's details, label and value, already in the reader's words. */
  details: [string, string][];
  expiresAt: Date;
  requestedAt: Date;
  ip: string | null;
  userAgent: string | null;
  cancelToken: string;
};

/** The step-up code email. Deliberately has no sign-in link: only the code and a way to refuse. */
export function stepUpCodeMessage(input: StepUpCodeMessageInput): EmailMessageContent {
  const { APP_URL } = getEnv();
  const words = emailWords(input.locale);
  const { t } = words;
  const cancelUrl = appLink(APP_URL, `/step-up/cancel?token=${encodeURIComponent(input.cancelToken)}`);
  const facts: [string, string][] = [
    ...input.details,
    [t("facts.requested"), utcTime(words, input.requestedAt)],
    [t("facts.from"), origin(words, input)],
    [t("facts.codeExpires"), utcTime(words, input.expiresAt)],
  ];
  const subject = t("stepUpCode.subject", { description: input.description });
  const heading = t("stepUpCode.heading");
  const intro = t("stepUpCode.intro", { description: input.description });
  const never = t("stepUpCode.never");
  const wasntMe = t("stepUpCode.wasntMe");

  return {
    subject,
    react: (
      <EmailLayout words={words} preview={subject} heading={heading} appUrl={APP_URL}>
        <Paragraph>{intro}</Paragraph>
        <CodeBox code={input.code} />
        <Facts facts={facts} />
        <Paragraph>
          {wasntMe} <EmailLink href={cancelUrl}>{t("links.wasntMe")}</EmailLink>
        </Paragraph>
        <Note>{never}</Note>
      </EmailLayout>
    ),
    text: plainText({
      words,
      heading,
      paragraphs: [intro, input.code, factsText(facts), `${wasntMe} ${cancelUrl}`, never],
      appUrl: APP_URL,
    }),
  };
}
