import { z } from "zod";
import { issue } from "@/i18n/issues";
import { LOCALES, type Locale } from "@/i18n/locales";

/** The Language setting's choices: one of the product's languages, or "auto" (no saved choice: the browser's language decides). */
const LOCALE_CHOICES = ["auto", ...LOCALES] as const;
export type LocaleChoice = (typeof LOCALE_CHOICES)[number];

/** The Language setting on /settings; "auto" comes out as null, what `users.locale` keeps for "follow the browser". */
export const localePreferenceSchema = z.object({
  locale: z.enum(LOCALE_CHOICES, { error: issue("invalid") }).transform((choice): Locale | null => (choice === "auto" ? null : choice)),
});
