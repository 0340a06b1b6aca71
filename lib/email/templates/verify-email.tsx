import "server-only";
import { getEnv } from "@/lib/env";
import { CodeBox, EmailLayout, Note, Paragraph, plainText, PRODUCT_NAME, type EmailMessageContent } from "./layout";

const SUBJECT = `Verify your email for ${PRODUCT_NAME}`;
const HEADING = "Confirm your email address";

export function verifyEmailMessage({ code, expiresInMinutes }: { code: string; expiresInMinutes: number }): EmailMessageContent {
  const { APP_URL } = getEnv();
  const intro = "Enter this code to finish creating your account:";
  const expiry = `The code expires in ${expiresInMinutes} minute${expiresInMinutes === 1 ? "" : "s"} and can be used once.`;
  const ignore = "If you didn't sign up, you can ignore this email. No account is created without this code.";

  return {
    subject: SUBJECT,
    react: (
      <EmailLayout preview="Your sign-up verification code" heading={HEADING} appUrl={APP_URL}>
        <Paragraph>{intro}</Paragraph>
        <CodeBox code={code} />
        <Paragraph>{expiry}</Paragraph>
        <Note>{ignore}</Note>
      </EmailLayout>
    ),
    text: plainText({ heading: HEADING, paragraphs: [intro, code, expiry, ignore], appUrl: APP_URL }),
  };
}
