import "server-only";
import { getEnv } from "@/lib/env";
import type { RequestMeta } from "@/lib/http/request-meta";
import { formatDateTime } from "@/shared/format";
import {
  appLink,
  CodeBox,
  EmailLayout,
  EmailLink,
  Facts,
  factsText,
  Note,
  origin,
  Paragraph,
  plainText,
  type EmailMessageContent,
} from "./layout";

/** To the new address: the code that confirms it. No sign-in link; the code is entered on the security page. */
export function confirmNewEmailMessage({ code, expiresInHours }: { code: string; expiresInHours: number }): EmailMessageContent {
  const { APP_URL } = getEnv();
  const heading = "Confirm your new email address";
  const securityUrl = appLink(APP_URL, "/settings/security");
  const intro =
    "Someone signed in to an Account Security account asked to use this address for it. Enter this code on the security page to confirm:";
  const expiry = `The code expires in ${expiresInHours} hours and can be used once.`;
  const ignore = "If you didn't ask for this, ignore this email: the address is not added without the code.";
  return {
    subject: "Confirm your new email address",
    react: (
      <EmailLayout preview="Your code to confirm this email address" heading={heading} appUrl={APP_URL}>
        <Paragraph>{intro}</Paragraph>
        <CodeBox code={code} />
        <Paragraph>
          {expiry} Security page: <EmailLink href={securityUrl}>{securityUrl}</EmailLink>
        </Paragraph>
        <Note>{ignore}</Note>
      </EmailLayout>
    ),
    text: plainText({ heading, paragraphs: [intro, code, `${expiry} Security page: ${securityUrl}`, ignore], appUrl: APP_URL }),
  };
}

/** To the old address, once, when the change is confirmed: the new address masked, and a way to report it. */
export function emailChangedMessage(input: {
  maskedNewEmail: string;
  reportToken: string;
  at: Date;
  meta: RequestMeta;
}): EmailMessageContent {
  const { APP_URL } = getEnv();
  const heading = "Your account's email address was changed";
  const reportUrl = appLink(APP_URL, `/email-change/report?token=${encodeURIComponent(input.reportToken)}`);
  const summary = `Security emails for your account now go to ${input.maskedNewEmail}, and you sign in with that address.`;
  const facts: [string, string][] = [
    ["New address", input.maskedNewEmail],
    ["When", formatDateTime(input.at)],
    ["From", origin(input.meta)],
  ];
  const report = "If this wasn't you, report it now: every session on the account is signed out and we tell you what to do next.";
  return {
    subject: heading,
    react: (
      <EmailLayout preview={summary} heading={heading} appUrl={APP_URL}>
        <Paragraph>{summary}</Paragraph>
        <Facts facts={facts} />
        <Paragraph>
          {report} <EmailLink href={reportUrl}>This wasn&apos;t me</EmailLink>
        </Paragraph>
        <Note>This is the last email this address receives about the account.</Note>
      </EmailLayout>
    ),
    text: plainText({ heading, paragraphs: [summary, factsText(facts), `${report} ${reportUrl}`], appUrl: APP_URL }),
  };
}
