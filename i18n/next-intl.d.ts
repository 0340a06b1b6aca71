import type { Messages } from "./catalogs";
import type { formats } from "./formats";
import type { Locale } from "./locales";

// Every t("key") is checked against the English catalog's keys, so a missing key fails typecheck.
declare module "next-intl" {
  interface AppConfig {
    Locale: Locale;
    Messages: Messages;
    Formats: typeof formats;
  }
}
