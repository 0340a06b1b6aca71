"use client";

import { useTranslations } from "next-intl";
import { useState, type ReactNode } from "react";
import { Button } from "@/components/ui/button";
import { OutlineIcon } from "@/components/ui/outline-icon";

type CopyButtonProps = {
  text: string;
  children: ReactNode;
  /** When the clipboard is refused: select the text for the user and say how to copy it. */
  onCopyFailed: () => string;
};

/** A copy button and the status line that announces the outcome. */
export function CopyButton({ text, children, onCopyFailed }: CopyButtonProps) {
  const t = useTranslations("common");
  // What the status line says: copied, or how to copy by hand.
  const [outcome, setOutcome] = useState<{ copied: true } | { copied: false; advice: string } | null>(null);

  const copy = async () => {
    setOutcome(null);
    try {
      await navigator.clipboard.writeText(text);
      setOutcome({ copied: true });
    } catch {
      setOutcome({ copied: false, advice: onCopyFailed() });
    }
  };

  return (
    <div className="flex flex-wrap items-center gap-3">
      <Button variant="secondary" onClick={copy} className="shrink-0">
        <OutlineIcon>
          <rect x="7" y="7" width="10" height="10" rx="2" />
          <path d="M13 7V5a2 2 0 0 0-2-2H5a2 2 0 0 0-2 2v6a2 2 0 0 0 2 2h2" />
        </OutlineIcon>
        {children}
      </Button>
      <div role="status" aria-atomic="true" className={`text-sm font-medium ${outcome?.copied ? "text-emerald-700" : "text-slate-700"}`}>
        {outcome && (outcome.copied ? t("copied") : outcome.advice)}
      </div>
    </div>
  );
}

/** Selects an element's text, so the user can copy it by hand when the clipboard is refused. */
export function selectContents(element: HTMLElement | null) {
  if (!element) return;
  const range = document.createRange();
  range.selectNodeContents(element);
  const selection = window.getSelection();
  selection?.removeAllRanges();
  selection?.addRange(range);
}
