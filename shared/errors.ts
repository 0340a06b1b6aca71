import type { PublicKeyCredentialRequestOptionsJSON } from "@simplewebauthn/browser";
import type { Translate } from "@/i18n/translate";
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

/** The words for an error, in the language of `t` (useTranslations / translatorFor with "errors"). */
export function errorMessage(t: Translate<"errors">, code: ErrorCode, details: ErrorDetails = {}): string {
  switch (code) {
    case "RATE_LIMITED":
    case "RESEND_TOO_SOON":
    case "STEP_UP_LOCKED":
      return t(code, waitValues(details.retryAfterSeconds));
    case "CODE_INVALID":
      return details.attemptsLeft ? t("CODE_INVALID_ATTEMPTS", { attemptsLeft: details.attemptsLeft }) : t(code);
    case "SECOND_FACTOR_INVALID":
      return details.attemptsLeft ? t("SECOND_FACTOR_INVALID_ATTEMPTS", { attemptsLeft: details.attemptsLeft }) : t(code);
    case "LIMIT_REACHED":
      return details.limit === undefined ? t("LIMIT_REACHED_UNKNOWN") : t(code, { limit: details.limit });
    case "RECOVERY_HOLD": {
      const until = details.until ? new Date(details.until) : null;
      return until && !Number.isNaN(until.getTime()) ? t(code, { until }) : t("RECOVERY_HOLD_UNKNOWN");
    }
    default:
      return t(code);
  }
}

/** A wait under a minute in seconds, else in whole minutes rounded up ("in 2 minutes"). */
function waitValues(seconds = 60): { unit: "seconds" | "minutes"; count: number } {
  return seconds < 60 ? { unit: "seconds", count: seconds } : { unit: "minutes", count: Math.ceil(seconds / 60) };
}
