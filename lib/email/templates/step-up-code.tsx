import "server-only";
import { getEnv } from "@/lib/env";
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

export type StepUpCodeMessageInput = {
  code: string;
  /** e.g. `create API token "ci-deploy"` */
  description: string;
  details: Record<string, string>;
  expiresAt: Date;
  requestedAt: Date;
  ip: string | null;
  userAgent: string | null;
  cancelToken: string;
};

/** The step-up code email. Deliberately has no sign-in link: only the code and a way to refuse. */
export function stepUpCodeMessage(input: StepUpCodeMessageInput): EmailMessageContent {
  const { APP_URL } = getEnv();
  const cancelUrl = appLink(APP_URL, `/step-up/cancel?token=${encodeURIComponent(input.cancelToken)}`);
  const facts: [string, string][] = [
    ...Object.entries(input.details),
    ["Requested", formatDateTime(input.requestedAt)],
    ["From", origin(input)],
    ["Code expires", formatDateTime(input.expiresAt)],
  ];
  const intro = `Use this code to ${input.description}:`;
  const never = "Never share this code. We will never ask you for it by phone, chat or email.";
  const wasntMe = "Didn't ask for this? Someone may know your password. Cancel the request and sign out that device:";

  return {
    subject: `Your code to ${input.description}`,
    react: (
      <EmailLayout preview={`Your code to ${input.description}`} heading="Confirm a security change" appUrl={APP_URL}>
        <Paragraph>{intro}</Paragraph>
        <CodeBox code={input.code} />
        <Facts facts={facts} />
        <Paragraph>
          {wasntMe} <EmailLink href={cancelUrl}>This wasn&apos;t me</EmailLink>
        </Paragraph>
        <Note>{never}</Note>
      </EmailLayout>
    ),
    text: plainText({
      heading: "Confirm a security change",
      paragraphs: [intro, input.code, factsText(facts), `${wasntMe} ${cancelUrl}`, never],
      appUrl: APP_URL,
    }),
  };
}
