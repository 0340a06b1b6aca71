import "server-only";
import { render } from "@react-email/render";
import type { Locale } from "@/i18n/locales";
import { translatorFor } from "@/i18n/translator";
import { securityNoticeData, type SecurityNotice } from "@/lib/email/account-notice";
import { queuedEmailContent } from "@/lib/email/queued";
import { confirmNewEmailMessage, emailChangedMessage } from "@/lib/email/templates/email-change";
import type { EmailMessageContent } from "@/lib/email/templates/layout";
import { passwordResetMessage, passwordWasResetMessage } from "@/lib/email/templates/password-reset";
import { securityNoticeMessage, type NoticeKey } from "@/lib/email/templates/security-notice";
import { signUpAttemptMessage } from "@/lib/email/templates/sign-up-attempt";
import { stepUpCodeMessage } from "@/lib/email/templates/step-up-code";
import { verifyEmailMessage } from "@/lib/email/templates/verify-email";
import { challengeDetails, describeChallenge, storedDescription, storedDetails } from "@/lib/step-up/describe";

/**
 * Every email, with made-up data, for the tests that render them all in every language
 * (test/unit/email-rendering.test.ts, e2e/email-rendering.spec.ts).
 */

const META = {
  ip: "203.0.113.7",
  userAgent: "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36",
};
const AT = new Date("2026-12-01T15:04:00.000Z");
const LATER = { date: "2026-12-08T09:30:00.000Z" };
const URL = "https://account.example.test/settings/security";
const TOKEN = "ci-deploy (ast_3kF9…)";

// One of each, so a notice added to the catalog without a sample fails typecheck.
const NOTICES: Record<NoticeKey, SecurityNotice> = {
  tokenCreated: {
    notice: "tokenCreated",
    values: { name: "ci-deploy" },
    facts: { token: TOKEN, scopes: "tokens:read, profile:read", expires: LATER },
  },
  tokenRevoked: { notice: "tokenRevoked", values: { name: "ci-deploy" }, facts: { token: TOKEN } },
  tokensRevokedByAdmin: {
    notice: "tokensRevokedByAdmin",
    values: { count: 2, name: "ci-deploy" },
    facts: { tokens: `${TOKEN}, backup (ast_8Qm2…)` },
  },
  allTokensRevokedByAdmin: { notice: "allTokensRevokedByAdmin", values: { count: 3 }, facts: { tokens: TOKEN } },
  tokenExpiringSoon: {
    notice: "tokenExpiringSoon",
    values: { name: "ci-deploy", expiresAt: LATER, url: URL },
    facts: { token: TOKEN },
    closing: "manageTokens",
  },
  tokenExpired: {
    notice: "tokenExpired",
    values: { name: "ci-deploy", expiresAt: LATER, url: URL },
    facts: { token: TOKEN },
    closing: "manageTokens",
  },
  tokenAutoRevoked: {
    notice: "tokenAutoRevoked",
    values: { name: "ci-deploy", days: 90, url: URL },
    facts: { token: TOKEN },
    closing: "manageTokens",
  },
  passkeyAdded: { notice: "passkeyAdded", values: { name: "MacBook Touch ID" }, facts: { passkey: "MacBook Touch ID" } },
  passkeyRenamed: { notice: "passkeyRenamed", values: { name: "Work laptop" } },
  passkeyRemoved: { notice: "passkeyRemoved", values: { name: "MacBook Touch ID" }, facts: { passkey: "MacBook Touch ID" } },
  accountDeleted: { notice: "accountDeleted", closing: "contactAdminNow" },
  passwordChanged: { notice: "passwordChanged", values: { signedOut: 2 } },
  accountSecured: {
    notice: "accountSecured",
    values: { via: "link", url: URL },
    facts: { sessionsSignedOut: 3 },
    closing: "secureNext",
  },
  emailChanged: { notice: "emailChanged" },
  sessionSignedOut: { notice: "sessionSignedOut", values: { device: { device: META.userAgent } } },
  otherSessionsSignedOut: { notice: "otherSessionsSignedOut", values: { count: 2 } },
  locksCleared: { notice: "locksCleared" },
  accountDisabled: { notice: "accountDisabled", closing: "contactAdminMistake" },
  accountEnabled: { notice: "accountEnabled" },
  signedOutByAdmin: { notice: "signedOutByAdmin", facts: { sessions: 4 } },
  twoFactorReset: { notice: "twoFactorReset" },
  addressMovedAway: { notice: "addressMovedAway", facts: { newAddress: "ne•••@example.test" } },
  addressMovedHere: { notice: "addressMovedHere", facts: { previousAddress: "ol•••@example.test" } },
  addressMovedHereHeld: {
    notice: "addressMovedHereHeld",
    values: { holdUntil: LATER },
    facts: { previousAddress: "ol•••@example.test" },
  },
  twoFactorOn: { notice: "twoFactorOn" },
  twoFactorOff: { notice: "twoFactorOff" },
  recoveryCodeUsed: {
    notice: "recoveryCodeUsed",
    values: { purpose: { action: storedDescription({ key: "phrases.twoFactorDisable" }) }, left: 3 },
  },
  recoveryCodesRegenerated: { notice: "recoveryCodesRegenerated" },
  streamPaused: {
    notice: "streamPaused",
    values: { name: "Failing SIEM", failingSince: LATER, url: "https://account.example.test/admin/streaming" },
    facts: { destination: "Failing SIEM", endpoint: "https://siem.example.test", lastError: null },
    closing: "resumeStream",
  },
  newSignIn: {
    notice: "newSignIn",
    facts: { device: { device: META.userAgent }, ipAddress: META.ip },
    closing: "newSignIn",
    link: { label: "secureAccount", href: "https://account.example.test/secure-account?token=sample" },
  },
};

export type EmailSample = { name: string; message: EmailMessageContent };

export function emailSamples(locale: Locale): EmailSample[] {
  const steps = translatorFor(locale, "stepUpActions");
  const notices = Object.entries(NOTICES).map(([name, notice]) => ({
    name: `securityNotice.${name}`,
    message: securityNoticeMessage({ ...securityNoticeData(notice, META), at: AT, locale }),
  }));
  return [
    { name: "verifyEmail", message: verifyEmailMessage({ locale, code: "482913", expiresInMinutes: 10 }) },
    { name: "signUpAttempt", message: signUpAttemptMessage({ locale }) },
    ...(["account", "no_account", "disabled"] as const).map((recipient) => ({
      name: `passwordReset.${recipient}`,
      message: passwordResetMessage({ locale, recipient, resetId: "3f1c2a4e", code: "731904", expiresInMinutes: 30 }),
    })),
    {
      name: "passwordWasReset",
      message: passwordWasResetMessage({ locale, reportToken: "report", holdUntil: LATER.date, at: AT, meta: META }),
    },
    { name: "confirmNewEmail", message: confirmNewEmailMessage({ locale, code: "650217", expiresInHours: 24 }) },
    {
      name: "emailChanged",
      message: emailChangedMessage({ locale, maskedNewEmail: "ne•••@example.test", reportToken: "report", at: AT, meta: META }),
    },
    {
      name: "stepUpCode",
      message: stepUpCodeMessage({
        locale,
        code: "209384",
        // As lib/step-up/proofs/email-code.ts puts a challenge into words.
        description: describeChallenge(steps, storedDescription({ key: "phrases.apiTokenCreate", values: { name: "ci-deploy" } })),
        details: challengeDetails(steps, storedDetails({ token: "ci-deploy", scopes: "tokens:read" })),
        expiresAt: new Date(LATER.date),
        requestedAt: AT,
        ...META,
        cancelToken: "cancel",
      }),
    },
    ...notices,
  ];
}

/** A notice queued before notices were stored as keys, as the outbox delivers it today. */
export function legacyNoticeSample(locale: Locale) {
  return queuedEmailContent({
    template: "securityNotice",
    data: {
      title: "A new API token was created",
      summary: 'An API token named "ci" was created for your account.',
      facts: { Token: "ci (ast_3kF9…)" },
      meta: META,
    },
    subject: "A new API token was created",
    locale,
    createdAt: AT,
  });
}

/** Every sample's subject, HTML and plain text. */
export async function renderedEmailSamples(locale: Locale): Promise<{ name: string; subject: string; html: string; text: string }[]> {
  return Promise.all(
    emailSamples(locale).map(async ({ name, message }) => ({
      name,
      subject: message.subject,
      html: await render(message.react),
      text: message.text,
    })),
  );
}
