import "server-only";
import type { Locale } from "@/i18n/locales";
import { db } from "@/lib/db";
import type { CurrentSession } from "@/lib/sessions/lifecycle";

/**
 * The account's Language setting: a locale, or null to follow the browser's Accept-Language
 * (i18n/request.ts). A preference, not a security change: no step-up, nothing in the audit log.
 * The session query reads it on every request, so the next page is already in it.
 */
export async function setAccountLocale(session: CurrentSession, locale: Locale | null): Promise<void> {
  await db.user.update({ where: { id: session.user.id }, data: { locale } });
}
