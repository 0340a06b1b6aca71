"use client";

import { NextIntlClientProvider, type AbstractIntlMessages } from "next-intl";
import { ThemeProvider } from "next-themes";
import type { ReactNode } from "react";
import { formats } from "@/i18n/formats";
import type { Locale } from "@/i18n/locales";
import { missingMessage } from "@/i18n/missing";

type Props = {
  locale: Locale;
  messages: AbstractIntlMessages;
  timeZone: string;
  now: Date;
  nonce: string | undefined;
  children: ReactNode;
};

/**
 * The request's language, zone and theme for every client component. The theme script that
 * next-themes puts first in <body> (so the page never flashes the wrong theme) carries the
 * request's CSP nonce: nothing inline runs without one.
 */
export function AppProviders({ locale, messages, timeZone, now, nonce, children }: Props) {
  return (
    <NextIntlClientProvider
      locale={locale}
      messages={messages}
      timeZone={timeZone}
      now={now}
      formats={formats}
      getMessageFallback={({ namespace, key }) => missingMessage(namespace, key)}
      // The server already logged it (i18n/request.ts); here the visible fallback is enough.
      onError={() => {}}
    >
      <ThemeProvider attribute="class" nonce={nonce} disableTransitionOnChange>
        {children}
      </ThemeProvider>
    </NextIntlClientProvider>
  );
}
