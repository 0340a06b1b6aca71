import "server-only";
import { getEnv } from "@/lib/env";
import { appLink, EmailLayout, EmailLink, Note, Paragraph, plainText, PRODUCT_NAME, type EmailMessageContent } from "./layout";

const SUBJECT = `Sign-up attempt with your ${PRODUCT_NAME} email`;
const HEADING = "Someone tried to sign up with your email";

export function signUpAttemptMessage(): EmailMessageContent {
  const { APP_URL } = getEnv();
  const loginUrl = appLink(APP_URL, "/login");
  const what =
    "Someone tried to create a new account with this email address. You already have an account, so nothing was created and your account is unchanged.";
  const ifYou = "If it was you, sign in instead:";
  const ifNot = "If it wasn't you, you can ignore this email.";

  return {
    subject: SUBJECT,
    react: (
      <EmailLayout preview="No new account was created" heading={HEADING} appUrl={APP_URL}>
        <Paragraph>{what}</Paragraph>
        <Paragraph>
          {ifYou} <EmailLink href={loginUrl}>{loginUrl}</EmailLink>
        </Paragraph>
        <Note>{ifNot}</Note>
      </EmailLayout>
    ),
    text: plainText({ heading: HEADING, paragraphs: [what, `${ifYou} ${loginUrl}`, ifNot], appUrl: APP_URL }),
  };
}
