"use client";

import { useSyncExternalStore } from "react";
import { formatDateTime } from "@/shared/format";

const local = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
const noSubscription = () => () => {};

/**
 * A moment in the viewer's own time zone, UTC on hover. The server (which cannot know the zone)
 * renders UTC; the browser switches to local time once hydrated.
 */
export function LocalTime({ iso }: { iso: string }) {
  const date = new Date(iso);
  const utc = formatDateTime(date);
  const text = useSyncExternalStore(
    noSubscription,
    () => local.format(date),
    () => utc,
  );
  return (
    <time dateTime={iso} title={utc} className="whitespace-nowrap">
      {text}
    </time>
  );
}
