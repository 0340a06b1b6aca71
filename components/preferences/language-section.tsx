"use client";

import { useTranslations } from "next-intl";
import { useActionState, useId } from "react";
import { saveLocaleAction } from "@/actions/preferences";
import { Button } from "@/components/ui/button";
import { Card, CardBody, type CardHeading } from "@/components/ui/card";
import { LiveMessage } from "@/components/ui/notice";
import { LOCALES, type Locale } from "@/i18n/locales";
import { initialActionState } from "@/shared/action-state";
import type { LocaleChoice } from "@/shared/preferences";

/** A language's name in that language ("Deutsch"), as a language picker shows it whatever the page's language. */
function ownName(locale: Locale): string {
  return new Intl.DisplayNames([locale], { type: "language" }).of(locale) ?? locale;
}

/**
 * The Language setting: Automatic (the browser's Accept-Language) or one of the product's
 * languages. Saving re-renders the whole page in it, so the confirmation is already in it too.
 */
export function LanguageSection({ heading, current }: { heading: CardHeading; current: LocaleChoice }) {
  const t = useTranslations("preferences");
  const common = useTranslations("common");
  const id = useId();
  const [state, dispatch, pending] = useActionState(saveLocaleAction, initialActionState);
  return (
    <Card {...heading}>
      <CardBody>
        <form action={dispatch} className="space-y-4">
          <LiveMessage tone={state.ok ? "success" : "error"} message={state.ok ? t("language.saved") : state.message} />
          <div className="space-y-1.5 sm:max-w-sm">
            <label htmlFor={id} className="block text-sm font-medium text-slate-800">
              {t("language.label")}
            </label>
            <select
              id={id}
              name="locale"
              defaultValue={current}
              className="block w-full rounded-md border-0 bg-surface px-3 py-2 text-slate-900 shadow-sm ring-1 ring-slate-300 ring-inset focus:ring-2 focus:ring-indigo-600 focus:outline-none focus:ring-inset"
            >
              <option value="auto">{t("language.auto")}</option>
              {LOCALES.map((locale) => (
                <option key={locale} value={locale} lang={locale}>
                  {ownName(locale)}
                </option>
              ))}
            </select>
          </div>
          <Button type="submit" pending={pending} pendingText={common("saving")}>
            {common("save")}
          </Button>
        </form>
      </CardBody>
    </Card>
  );
}
