import type { PublicKeyCredentialRequestOptionsJSON } from "@simplewebauthn/browser";
import type { StepUpChallengeDto } from "@/shared/step-up";

/** Typed error codes, and the one place that turns them into words for people. */

export type ErrorCode =
  | "VALIDATION_FAILED"
  | "INVALID_CREDENTIALS"
  | "RATE_LIMITED"
  | "CODE_INVALID"
  | "CODE_EXPIRED"
  | "TOO_MANY_ATTEMPTS"
  | "RESEND_TOO_SOON"
  | "STEP_UP_REQUIRED"
  | "STEP_UP_LOCKED"
  | "SECOND_FACTOR_REQUIRED"
  | "SECOND_FACTOR_INVALID"
  | "WRONG_PASSWORD"
  | "TWO_FACTOR_ALREADY_ON"
  | "TWO_FACTOR_OFF"
  | "EMAIL_UNCHANGED"
  | "LIMIT_REACHED"
  | "NOT_FOUND"
  | "UNAUTHENTICATED"
  | "FORBIDDEN"
  | "EMAIL_SEND_FAILED"
  | "RECOVERY_HOLD"
  | "ACCOUNT_DISABLED"
  | "LAST_ADMIN"
  | "PASSKEY_REFUSED"
  | "OWN_ACCOUNT"
  | "UNAVAILABLE"
  | "INTERNAL";

export type ErrorDetails = {
  retryAfterSeconds?: number;
  attemptsLeft?: number;
  fieldErrors?: Record<string, string[]>;
  challenge?: StepUpChallengeDto;
  limit?: number;
  /** SECOND_FACTOR_REQUIRED on the reset page: the account's passkeys may answer these options. */
  passkeyOptions?: PublicKeyCredentialRequestOptionsJSON;
  /** RECOVERY_HOLD: when the held change becomes possible (ISO time). */
  until?: string;
};

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly details: ErrorDetails = {},
  ) {
    super(code);
    this.name = "AppError";
  }
}

export function errorMessage(code: ErrorCode, details: ErrorDetails = {}): string {
  switch (code) {
    case "VALIDATION_FAILED":
      return "Check the highlighted fields.";
    case "INVALID_CREDENTIALS":
      return "Incorrect email or password.";
    case "RATE_LIMITED":
      return `Too many attempts. Try again in ${waitText(details.retryAfterSeconds)}.`;
    case "CODE_INVALID":
      return details.attemptsLeft
        ? `That code is incorrect. ${details.attemptsLeft} ${details.attemptsLeft === 1 ? "attempt" : "attempts"} left.`
        : "That code is invalid or has expired. Request a new one.";
    case "CODE_EXPIRED":
      return "That code has expired. Request a new one.";
    case "TOO_MANY_ATTEMPTS":
      return "Too many incorrect codes. Request a new code.";
    case "RESEND_TOO_SOON":
      return `You can request a new code in ${waitText(details.retryAfterSeconds)}.`;
    case "STEP_UP_REQUIRED":
      return "Enter the code we emailed you to confirm this change.";
    case "STEP_UP_LOCKED":
      return `Too many incorrect codes. For your security, changes are locked. Try again in ${waitText(details.retryAfterSeconds)}.`;
    case "SECOND_FACTOR_REQUIRED":
      return "Enter the code from your authenticator app, or one of your recovery codes.";
    case "SECOND_FACTOR_INVALID":
      return details.attemptsLeft
        ? `That authenticator or recovery code is incorrect. ${details.attemptsLeft} ${details.attemptsLeft === 1 ? "attempt" : "attempts"} left.`
        : "That authenticator or recovery code is incorrect.";
    case "WRONG_PASSWORD":
      return "Your current password is incorrect.";
    case "TWO_FACTOR_ALREADY_ON":
      return "Two-step verification is already on.";
    case "TWO_FACTOR_OFF":
      return "Two-step verification is off.";
    case "EMAIL_UNCHANGED":
      return "That is already your email address.";
    case "LIMIT_REACHED":
      return `You have reached the limit of ${details.limit ?? "allowed"} items. Remove one first.`;
    case "NOT_FOUND":
      return "That item no longer exists.";
    case "UNAUTHENTICATED":
      return "Your session has ended. Sign in again.";
    case "FORBIDDEN":
      return "This request was blocked. Reload the page and try again.";
    case "EMAIL_SEND_FAILED":
      return "We couldn't send the email. Try again in a moment.";
    case "RECOVERY_HOLD":
      return `For your protection this change is on hold after the recent account recovery. It becomes possible on ${details.until ? formatHoldEnd(details.until) : "the day after the recovery"}.`;
    case "ACCOUNT_DISABLED":
      return "This account is disabled. Contact your administrator.";
    case "PASSKEY_REFUSED":
      return "That passkey could not be used. Try again, or use another way to continue.";
    case "LAST_ADMIN":
      return "This is the last active administrator account: another administrator has to exist first.";
    case "OWN_ACCOUNT":
      return "This is your own account. Manage it from your settings, not the admin console.";
    case "UNAVAILABLE":
      return "The service is temporarily unavailable. Try again in a moment.";
    case "INTERNAL":
      return "Something went wrong. Try again.";
  }
}

function formatHoldEnd(iso: string): string {
  return `${new Date(iso).toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" })} UTC`;
}

function waitText(seconds = 60): string {
  if (seconds < 60) return `${seconds} ${seconds === 1 ? "second" : "seconds"}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} ${minutes === 1 ? "minute" : "minutes"}`;
}
