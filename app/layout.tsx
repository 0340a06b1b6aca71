import type { Metadata } from "next";
import { getLocale, getMessages, getNow, getTimeZone, getTranslations } from "next-intl/server";
import { headers } from "next/headers";
import type { ReactNode } from "react";
import { AppProviders } from "@/components/layout/app-providers";
import { SiteHeader } from "@/components/layout/site-header";
import { TimeZoneCookie } from "@/components/layout/time-zone-cookie";
import { clientMessages } from "@/i18n/client-messages";
import { getCurrentSession } from "@/lib/sessions/current";
import "./globals.css";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("layout");
  return { title: { default: t("title"), template: `%s · ${t("title")}` }, description: t("description") };
}

export default async function RootLayout({ children }: { children: ReactNode }) {
  const [session, locale, messages, timeZone, now, t, requestHeaders] = await Promise.all([
    getCurrentSession(),
    getLocale(),
    getMessages(),
    getTimeZone(),
    getNow(),
    getTranslations("layout"),
    headers(),
  ]);
  return (
    // next-themes sets the theme class on <html> before React hydrates: that attribute is expected to differ.
    <html lang={locale} suppressHydrationWarning>
      <body className="min-h-screen">
        <AppProviders
          locale={locale}
          messages={clientMessages(messages, "root")}
          timeZone={timeZone}
          now={now}
          nonce={requestHeaders.get("x-nonce") ?? undefined}
        >
          <a
            href="#main"
            className="sr-only focus:not-sr-only focus:absolute focus:top-4 focus:left-4 focus:z-50 focus:rounded-md focus:bg-surface focus:px-4 focus:py-2 focus:shadow"
          >
            {t("skipToContent")}
          </a>
          <TimeZoneCookie current={timeZone} />
          <SiteHeader user={session?.user ?? null} />
          <main id="main">{children}</main>
        </AppProviders>
      </body>
    </html>
  );
}
