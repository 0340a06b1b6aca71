"use server";

import { setAccountLocale } from "@/lib/account/preferences";
import { authedAction } from "@/lib/http/action";
import { localePreferenceSchema } from "@/shared/preferences";

/** Saving the Language setting re-renders from the root layout down: `<html lang>` and every string change at once. */
export const saveLocaleAction = authedAction(
  localePreferenceSchema,
  async ({ locale }, { session }) => {
    await setAccountLocale(session, locale);
  },
  { revalidate: ["/:layout"] },
);
