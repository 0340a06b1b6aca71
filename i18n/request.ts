import "server-only";
import { getRequestConfig } from "next-intl/server";
import { cookies, headers } from "next/headers";
import { log } from "@/lib/log";
import { getCurrentSession } from "@/lib/sessions/current";
import { CATALOGS } from "./catalogs";
import { formats, isTimeZone, TIME_ZONE_COOKIE } from "./formats";
import type { Locale } from "./locales";
import { missingMessage } from "./missing";
import { negotiateLocale } from "./negotiate";

/** The account's chosen language, else the browser's best match, else English. */
export async function requestLocale(): Promise<Locale> {
  const session = await getCurrentSession();
  return session?.locale ?? negotiateLocale((await headers()).get("accept-language"));
}

/** The browser's own zone once it has told us (the audit log and CSV stay in UTC regardless). */
export async function requestTimeZone(): Promise<string> {
  const zone = (await cookies()).get(TIME_ZONE_COOKIE)?.value;
  return isTimeZone(zone) ? zone : "UTC";
}

export default getRequestConfig(async () => {
  const locale = await requestLocale();
  return {
    locale,
    messages: CATALOGS[locale],
    timeZone: await requestTimeZone(),
    now: new Date(),
    formats,
    onError(error) {
      // The key names the message, never a value: no code or address reaches the log.
      log("error", "i18n.failed", { code: error.code, locale });
    },
    getMessageFallback: ({ namespace, key }) => missingMessage(namespace, key),
  };
});
