import { match } from "@formatjs/intl-localematcher";
import Negotiator from "negotiator";
import { DEFAULT_LOCALE, LOCALES, type Locale } from "./locales";

/** The best of our languages for an Accept-Language header ("de-AT,de;q=0.9,en;q=0.5" → de). */
export function negotiateLocale(acceptLanguage: string | null | undefined): Locale {
  const requested = new Negotiator({ headers: { "accept-language": acceptLanguage ?? "" } }).languages();
  try {
    return match(requested, LOCALES, DEFAULT_LOCALE) as Locale;
  } catch {
    // A malformed tag ("*", "x-?") makes the matcher throw: it is a browser we cannot read.
    return DEFAULT_LOCALE;
  }
}
