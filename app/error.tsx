"use client";

import { useTranslations } from "next-intl";
import { Button } from "@/components/ui/button";

/** Shown when a request fails unexpectedly, e.g. a form posted from a blocked origin or during an outage. */
export default function ErrorPage({ reset }: { error: Error; reset: () => void }) {
  const t = useTranslations("auth");
  const common = useTranslations("common");
  return (
    <div className="mx-auto max-w-md px-4 py-24 text-center" role="alert">
      <h1 className="text-2xl font-bold tracking-tight">{t("error.title")}</h1>
      <p className="mt-2 text-sm text-slate-600">{t("error.body")}</p>
      <div className="mt-6 flex justify-center gap-3">
        <Button onClick={() => reset()}>{common("tryAgain")}</Button>
        <Button variant="secondary" onClick={() => window.location.reload()}>
          {t("error.reload")}
        </Button>
      </div>
    </div>
  );
}
