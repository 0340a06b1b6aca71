"use client";

import { useTranslations } from "next-intl";
import { useTheme } from "next-themes";
import { useSyncExternalStore } from "react";

const THEMES = ["system", "light", "dark"] as const;
const noSubscription = () => () => {};

/** System, light or dark, remembered in this browser (next-themes keeps it in localStorage). */
export function ThemePicker() {
  const t = useTranslations("layout.theme");
  const { theme, setTheme } = useTheme();
  // The server cannot know the stored choice: render "system" until hydrated, then the real one.
  const hydrated = useSyncExternalStore(
    noSubscription,
    () => true,
    () => false,
  );
  return (
    <label className="flex items-center gap-2 text-sm text-slate-600">
      <span className="sr-only sm:not-sr-only">{t("label")}</span>
      <select
        value={hydrated ? (theme ?? "system") : "system"}
        onChange={(event) => setTheme(event.target.value)}
        className="min-h-9 rounded-md border border-slate-300 bg-surface px-2 py-1 text-sm text-slate-900"
      >
        {THEMES.map((name) => (
          <option key={name} value={name}>
            {t(name)}
          </option>
        ))}
      </select>
    </label>
  );
}
