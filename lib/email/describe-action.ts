import "server-only";
import { translatorFor } from "@/i18n/translator";
import type { EmailWords } from "@/lib/email/templates/layout";
import { describeChallenge } from "@/lib/step-up/describe";

/** What a sign-in's second factor is spent on (lib/auth/second-factor-sign-in.ts). */
const SIGN_IN = "sign in";

/**
 * What a proof was spent on, in the reader's words: a sign-in, or what the step-up challenge
 * confirms (its stored description: a phrase, or the English words of a row older than phrases).
 */
export function describeAction(words: EmailWords, action: string): string {
  if (action === SIGN_IN) return words.t("purposes.signIn");
  return describeChallenge(translatorFor(words.locale, "stepUpActions"), action);
}
