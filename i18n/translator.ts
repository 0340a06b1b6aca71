import "server-only";
import { createFormatter, createTranslator } from "next-intl";
import { log } from "@/lib/log";
import { CATALOGS } from "./catalogs";
import { formats } from "./formats";
import type { Locale } from "./locales";
import { missingMessage } from "./missing";
import { requestLocale, requestTimeZone } from "./request";
import type { Namespace, Translate } from "./translate";

/**
 * A translator for code that runs outside a request's own language, e.g. an email rendered in its
 * recipient's language or the audit feed, which is always English.
 */
export function translatorFor<NS extends Namespace>(locale: Locale, namespace: NS, timeZone = "UTC"): Translate<NS> {
  return createTranslator({
    locale,
    messages: CATALOGS[locale],
    namespace,
    formats,
    timeZone,
    onError: (error) => log("error", "i18n.failed", { code: error.code, locale }),
    getMessageFallback: ({ namespace: ns, key }) => missingMessage(ns, key),
  }) as unknown as Translate<NS>;
}

/** Dates and numbers for the same code, in UTC (an email cannot know its reader's zone). */
export function formatterFor(locale: Locale) {
  return createFormatter({ locale, formats, timeZone: "UTC" });
}

/** A translator in the current request's language and time zone, for server code that is not a component (actions). */
export async function requestTranslator<NS extends Namespace>(namespace: NS): Promise<Translate<NS>> {
  return translatorFor(await requestLocale(), namespace, await requestTimeZone());
}
