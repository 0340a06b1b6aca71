import { NextIntlClientProvider } from "next-intl";
import { getMessages } from "next-intl/server";
import type { ReactNode } from "react";
import { clientMessages, type ClientArea } from "@/i18n/client-messages";

/**
 * Sends the browser the catalogs `area`'s client components read (i18n/client-messages.ts), for
 * everything under it in place of the root layout's; the language, zone and fallbacks stay the
 * root provider's.
 */
export async function ClientMessages({ area, children }: { area: ClientArea; children: ReactNode }) {
  return <NextIntlClientProvider messages={clientMessages(await getMessages(), area)}>{children}</NextIntlClientProvider>;
}
