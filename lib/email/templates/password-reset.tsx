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
  PRODUCT_NAME,
  type EmailMessageContent,
} from "./layout";

/** Who asked: an account gets the code; an address without one, or a disabled account, is told why there is none. */
export type PasswordResetRecipient = "account" | "no_account" | "disabled";

const SUBJECT = `Reset your ${PRODUCT_NAME} password`;

/**
 * The code, and a link that carries it in the URL's fragment: browsers never send a fragment to a
 * server, a proxy or a Referer header, so the code reaches only the page's own script.
 */
export function passwordResetMessage(input: {
  recipient: PasswordResetRecipient;
  resetId: string;
  code: string;
  expiresInMinutes: number;
}): EmailMessageContent {
  const { APP_URL } = getEnv();
  const heading = "Reset your password";
  if (input.recipient !== "account") {
    const why =
      input.recipient === "disabled"
        ? "Someone asked to reset the password of the account with this address, but the account is disabled, so it cannot be reset. Contact your administrator."
        : `Someone asked to reset a ${PRODUCT_NAME} password for this address, but no account uses it. If it was you, you may have signed up with another address.`;
    const ignore = "If you didn't ask, you can ignore this email: nothing has changed.";
    return {
      subject: SUBJECT,
      react: (
        <EmailLayout preview="About your password reset request" heading={heading} appUrl={APP_URL}>
          <Paragraph>{why}</Paragraph>
          <Note>{ignore}</Note>
        </EmailLayout>
      ),
      text: plainText({ heading, paragraphs: [why, ignore], appUrl: APP_URL }),
    };
  }
  const resetUrl = appLink(APP_URL, `/reset-password?id=${input.resetId}#code=${input.code}`);
  const intro = "Someone — hopefully you — asked to reset your password. Open this link to choose a new one:";
  const typed = "Or enter this code on the reset page where you asked:";
  const expiry = `The link and the code expire in ${input.expiresInMinutes} minutes and work once. With two-step verification on, you also need your authenticator app or a recovery code.`;
  const ignore = "If you didn't ask, ignore this email: your password stays as it is.";
  return {
    subject: SUBJECT,
    react: (
      <EmailLayout preview="Your password reset link and code" heading={heading} appUrl={APP_URL}>
        <Paragraph>
          {intro} <EmailLink href={resetUrl}>Choose a new password</EmailLink>
        </Paragraph>
        <Paragraph>{typed}</Paragraph>
        <CodeBox code={input.code} />
        <Paragraph>{expiry}</Paragraph>
        <Note>{ignore}</Note>
      </EmailLayout>
    ),
    text: plainText({ heading, paragraphs: [`${intro} ${resetUrl}`, typed, input.code, expiry, ignore], appUrl: APP_URL }),
  };
}

/** After the reset, to the same address: where from, what stays valid, and a way to report it. */
export function passwordWasResetMessage(input: {
  reportToken: string;
  holdUntil: string | null;
  at: Date;
  meta: RequestMeta;
}): EmailMessageContent {
  const { APP_URL } = getEnv();
  const heading = "Your password was reset";
  const reportUrl = appLink(APP_URL, `/password-reset/report?token=${encodeURIComponent(input.reportToken)}`);
  const securityUrl = appLink(APP_URL, "/settings/security");
  const summary = "Your password was reset with a code sent to this address. Every session on the account was signed out.";
  const facts: [string, string][] = [
    ["When", formatDateTime(input.at)],
    ["From", origin(input.meta)],
  ];
  if (input.holdUntil) facts.push(["Held until", formatDateTime(new Date(input.holdUntil))]);
  const tokens = `Your API tokens still work. Review them on the security page: ${securityUrl}`;
  const hold = input.holdUntil
    ? "Until then, nobody can change the email address, turn off or set up two-step verification, create recovery codes or delete the account."
    : null;
  const report = "If this wasn't you, report it now: every session on the account is signed out again, and we tell you what to do next.";
  return {
    subject: heading,
    react: (
      <EmailLayout preview={summary} heading={heading} appUrl={APP_URL}>
        <Paragraph>{summary}</Paragraph>
        <Facts facts={facts} />
        {hold && <Paragraph>{hold}</Paragraph>}
        <Paragraph>
          Your API tokens still work. <EmailLink href={securityUrl}>Review them on the security page</EmailLink>.
        </Paragraph>
        <Paragraph>
          {report} <EmailLink href={reportUrl}>This wasn&apos;t me</EmailLink>
        </Paragraph>
        <Note>You receive this notice for every security change to your account.</Note>
      </EmailLayout>
    ),
    text: plainText({
      heading,
      paragraphs: [summary, factsText(facts), ...(hold ? [hold] : []), tokens, `${report} ${reportUrl}`],
      appUrl: APP_URL,
    }),
  };
}
