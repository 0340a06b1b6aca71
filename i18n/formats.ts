import type { Formats } from "next-intl";

/** Named date formats: `format.dateTime(date, "dateAndTime")`, in the viewer's locale and time zone. */
export const formats = {
  dateTime: {
    dateAndTime: { dateStyle: "medium", timeStyle: "short" },
    date: { dateStyle: "medium" },
    time: { timeStyle: "short" },
  },
} satisfies Formats;

/** The cookie the browser keeps its IANA time zone in (components/layout/time-zone-cookie.tsx). */
export const TIME_ZONE_COOKIE = "tz";

export function isTimeZone(value: string | undefined): value is string {
  if (!value || value.length > 64) return false;
  try {
    new Intl.DateTimeFormat("en", { timeZone: value });
    return true;
  } catch {
    return false;
  }
}
