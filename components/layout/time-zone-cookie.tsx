"use client";

import { useRouter } from "next/navigation";
import { useEffect } from "react";
import { TIME_ZONE_COOKIE } from "@/i18n/formats";

const ONE_YEAR = 60 * 60 * 24 * 365;

/**
 * Tells the server the browser's time zone, so server-rendered times are the viewer's own. On the
 * first visit (and after travelling) the page renders in the old zone once, then refreshes.
 */
export function TimeZoneCookie({ current }: { current: string }) {
  const router = useRouter();
  useEffect(() => {
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (!zone || zone === current) return;
    document.cookie = `${TIME_ZONE_COOKIE}=${encodeURIComponent(zone)}; path=/; max-age=${ONE_YEAR}; samesite=lax`;
    router.refresh();
  }, [current, router]);
  return null;
}
