"use client";

import { useTranslations } from "next-intl";
import { OneTimeSecret } from "@/components/ui/one-time-secret";

/** The one and only view of a new token's plaintext. */
export function CreatedToken({ token, onDone }: { token: string; onDone: () => void }) {
  const t = useTranslations("security");
  return <OneTimeSecret value={token} noun="token" label={t("tokens.created.label")} advice={t("tokens.created.advice")} onDone={onDone} />;
}
