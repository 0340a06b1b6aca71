"use client";

import { useTranslations } from "next-intl";
import { useEffect, useId, useRef, type ReactNode } from "react";
import { Button } from "@/components/ui/button";
import { CopyButton } from "@/components/ui/copy-button";

type OneTimeSecretProps = {
  value: string;
  /** What it is: the copy button and the fallback message name it (in the catalog, per noun). */
  noun: "token" | "secret";
  label: string;
  /** Where to keep it, after "Copy it now — you won't be able to see it again." */
  advice: ReactNode;
  hint?: string;
  onDone: () => void;
};

/** The one and only view of a secret the server just made (a token, a signing secret); it lives in these props and nowhere else. */
export function OneTimeSecret({ value, noun, label, advice, hint, onDone }: OneTimeSecretProps) {
  const t = useTranslations("security");
  const fieldId = useId();
  const hintId = useId();
  const fieldRef = useRef<HTMLInputElement>(null);

  // The submit button that had focus is gone; put the user on the secret itself.
  useEffect(() => {
    fieldRef.current?.focus();
    fieldRef.current?.select();
  }, []);

  return (
    <div className="space-y-5">
      <div className="flex gap-3 rounded-lg bg-amber-50 px-4 py-3 text-sm text-amber-900 ring-1 ring-amber-200 ring-inset">
        <svg aria-hidden="true" viewBox="0 0 20 20" className="mt-0.5 size-4 shrink-0 text-amber-700" fill="currentColor">
          <path d="M8.26 2.9a2 2 0 0 1 3.48 0l6.28 11.1A2 2 0 0 1 16.28 17H3.72a2 2 0 0 1-1.74-3L8.26 2.9ZM10 7a1 1 0 0 0-1 1v3a1 1 0 1 0 2 0V8a1 1 0 0 0-1-1Zm0 8a1 1 0 1 0 0-2 1 1 0 0 0 0 2Z" />
        </svg>
        <p>
          <strong className="font-semibold">{t("ui.oneTimeSecret.warning")}</strong> {advice}
        </p>
      </div>
      <div className="space-y-1.5">
        <label htmlFor={fieldId} className="block text-sm font-medium text-slate-800">
          {label}
        </label>
        <input
          ref={fieldRef}
          id={fieldId}
          readOnly
          value={value}
          spellCheck={false}
          autoComplete="off"
          aria-describedby={hint ? hintId : undefined}
          onFocus={(event) => event.currentTarget.select()}
          className="block w-full rounded-md border-0 bg-slate-50 px-3 py-2.5 font-mono text-sm text-slate-900 ring-1 ring-slate-300 ring-inset focus:ring-2 focus:ring-indigo-600 focus:outline-none"
        />
        {hint && (
          <p id={hintId} className="text-xs text-slate-600">
            {hint}
          </p>
        )}
      </div>
      <CopyButton
        text={value}
        onCopyFailed={() => {
          fieldRef.current?.select();
          return t("ui.oneTimeSecret.copyFailed", { noun });
        }}
      >
        {t("ui.oneTimeSecret.copy", { noun })}
      </CopyButton>
      <div className="flex justify-end border-t border-slate-200 pt-5">
        <Button onClick={onDone}>{t("ui.done")}</Button>
      </div>
    </div>
  );
}
