"use client";

import { useFormatter, useTranslations } from "next-intl";

/**
 * A moment in the viewer's language and time zone (the zone the browser reported, see
 * components/layout/time-zone-cookie.tsx), with the UTC time on hover. Server and browser render
 * the same text, so nothing changes on hydration.
 */
export function LocalTime({ iso, style = "dateAndTime" }: { iso: string; style?: "dateAndTime" | "date" }) {
  const format = useFormatter();
  const t = useTranslations("common");
  const date = new Date(iso);
  const utc = t("utc", { time: format.dateTime(date, { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" }) });
  return (
    <time dateTime={iso} title={utc} className="whitespace-nowrap">
      {format.dateTime(date, style)}
    </time>
  );
}
