"use client";

import { useTranslations } from "next-intl";
import { OneTimeSecret } from "@/components/ui/one-time-secret";

/** The one and only view of a new destination's signing secret. */
export function CreatedSecret({ secret, onDone }: { secret: string; onDone: () => void }) {
  const t = useTranslations("admin");
  return (
    <OneTimeSecret
      value={secret}
      noun="secret"
      label={t("streaming.secret.label")}
      advice={t.rich("streaming.secret.advice", { code: (chunks) => <code className="font-mono">{chunks}</code> })}
      hint={t("streaming.secret.hint")}
      onDone={onDone}
    />
  );
}
