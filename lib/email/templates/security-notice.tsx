import "server-only";
import { getEnv } from "@/lib/env";
import type { RequestMeta } from "@/lib/http/request-meta";
import { formatDateTime } from "@/shared/format";
import { appLink, EmailLayout, EmailLink, Facts, factsText, Note, origin, Paragraph, plainText, type EmailMessageContent } from "./layout";

export type SecurityNoticeInput = {
  /** e.g. "A new API token was created" — subject and heading. */
  title: string;
  summary: string;
  facts: Record<string, string>;
  /** Instead of "review your security settings", when the account can no longer be signed in to. */
  closing?: string;
  link?: { label: string; href: string };
  at: Date;
  meta: RequestMeta;
};

/** The notice sent after every security change, so the owner hears of it even if they didn't do it. */
export function securityNoticeMessage(input: SecurityNoticeInput): EmailMessageContent {
  const { APP_URL } = getEnv();
  const securityUrl = appLink(APP_URL, "/settings/security");
  const facts: [string, string][] = [...Object.entries(input.facts), ["When", formatDateTime(input.at)]];
  // Scheduled notices (token expiry) come from no request.
  if (input.meta.ip || input.meta.userAgent) facts.push(["From", origin(input.meta)]);
  const review = "If this wasn't you, review your security settings now and change your password:";
  const closing = input.closing;

  return {
    subject: input.title,
    react: (
      <EmailLayout preview={input.summary} heading={input.title} appUrl={APP_URL}>
        <Paragraph>{input.summary}</Paragraph>
        <Facts facts={facts} />
        {closing ? (
          <Paragraph>
            {closing}
            {input.link && (
              <>
                {" "}
                <EmailLink href={input.link.href}>{input.link.label}</EmailLink>
              </>
            )}
          </Paragraph>
        ) : (
          <Paragraph>
            {review} <EmailLink href={securityUrl}>{securityUrl}</EmailLink>
          </Paragraph>
        )}
        <Note>You receive this notice for every security change to your account.</Note>
      </EmailLayout>
    ),
    text: plainText({
      heading: input.title,
      paragraphs: [
        input.summary,
        factsText(facts),
        closing
          ? [closing, input.link && `${input.link.label}: ${input.link.href}`].filter(Boolean).join("\n")
          : `${review} ${securityUrl}`,
      ],
      appUrl: APP_URL,
    }),
  };
}
