"use client";

import { useTranslations } from "next-intl";
import { useEffect, useId, useRef, useState } from "react";
import { Button } from "@/components/ui/button";
import { CopyButton, selectContents } from "@/components/ui/copy-button";
import { Modal, ModalIcon } from "@/components/ui/dialog";
import { Notice } from "@/components/ui/notice";
import { OutlineIcon } from "@/components/ui/outline-icon";
import type { Translate } from "@/i18n/translate";

const RECOVERY_CODES_FILE_NAME = "account-security-recovery-codes.txt";

type RecoveryCodesProps = {
  codes: string[];
  accountEmail: string;
  /** Called once the user has ticked "I have saved these codes" and pressed Done. */
  onDone: () => void;
};

/** The dialog that shows a new set of codes; it closes only through "Done". */
export function RecoveryCodesModal({ title, description, ...codes }: RecoveryCodesProps & { title: string; description: string }) {
  return (
    <Modal
      className="sm:max-w-lg"
      title={title}
      description={description}
      dismissible={false}
      onOpenAutoFocus={(event) => event.preventDefault()}
      onCloseAutoFocus={(event) => event.preventDefault()}
      icon={
        <ModalIcon tone="emerald">
          <path d="m5 12.5 4.5 4.5L19 7.5" />
        </ModalIcon>
      }
    >
      <RecoveryCodes {...codes} />
    </Modal>
  );
}

/**
 * The one and only view of a set of recovery codes: copy, download (.txt) and print, then an
 * explicit "I have saved these codes" before the dialog may close.
 */
function RecoveryCodes({ codes, accountEmail, onDone }: RecoveryCodesProps) {
  const t = useTranslations("security");
  const listId = useId();
  const checkboxId = useId();
  const listRef = useRef<HTMLOListElement>(null);
  const checkboxRef = useRef<HTMLInputElement>(null);
  const [saved, setSaved] = useState(false);
  const [unsavedError, setUnsavedError] = useState(false);
  const text = recoveryCodesText(t, codes, accountEmail);

  // The button that had focus is gone; start the user at the codes.
  useEffect(() => {
    listRef.current?.focus();
  }, []);

  const download = () => {
    const url = URL.createObjectURL(new Blob([text], { type: "text/plain;charset=utf-8" }));
    const link = document.createElement("a");
    link.href = url;
    link.download = RECOVERY_CODES_FILE_NAME;
    document.body.append(link);
    link.click();
    link.remove();
    // Revoked after the browser has started the download.
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  };

  const done = () => {
    if (saved) return onDone();
    setUnsavedError(true);
    checkboxRef.current?.focus();
  };

  return (
    <div className="space-y-5">
      <Notice tone="warning">
        {t.rich("twoFactor.recoveryCodes.warning", { strong: (chunks) => <strong className="font-semibold">{chunks}</strong> })}
      </Notice>
      <div data-print-area className="rounded-lg bg-slate-50 p-4 ring-1 ring-slate-200 ring-inset">
        <p className="hidden pb-3 text-sm text-slate-900 print:block">
          {t("twoFactor.recoveryCodes.printHeading", { email: accountEmail })}
        </p>
        <p id={listId} className="sr-only">
          {t("twoFactor.recoveryCodes.listLabel")}
        </p>
        <ol
          ref={listRef}
          tabIndex={-1}
          aria-labelledby={listId}
          className="grid grid-cols-2 gap-x-6 gap-y-2 font-mono text-base text-slate-900 tabular-nums outline-none! focus-visible:ring-2 focus-visible:ring-indigo-600"
        >
          {codes.map((code) => (
            <li key={code} className="select-all">
              {code}
            </li>
          ))}
        </ol>
      </div>
      <div className="flex flex-wrap items-start gap-3">
        <CopyButton
          text={codes.join("\n")}
          onCopyFailed={() => {
            selectContents(listRef.current);
            return t("twoFactor.recoveryCodes.copyFailed");
          }}
        >
          {t("twoFactor.recoveryCodes.copy")}
        </CopyButton>
        <Button variant="secondary" onClick={download}>
          <OutlineIcon>
            <path d="M10 3v10m0 0-4-4m4 4 4-4M4 16h12" />
          </OutlineIcon>
          {t("twoFactor.recoveryCodes.download")}
        </Button>
        <Button variant="secondary" onClick={() => window.print()}>
          <OutlineIcon>
            <path d="M6 7V3h8v4M6 14H4V8h12v6h-2M6 11h8v6H6z" />
          </OutlineIcon>
          {t("twoFactor.recoveryCodes.print")}
        </Button>
      </div>
      <div className="space-y-1.5 border-t border-slate-200 pt-5">
        <div className="flex items-start gap-3">
          <input
            ref={checkboxRef}
            id={checkboxId}
            type="checkbox"
            checked={saved}
            required
            aria-invalid={unsavedError && !saved ? true : undefined}
            aria-describedby={unsavedError && !saved ? `${checkboxId}-error` : undefined}
            onChange={(event) => {
              setSaved(event.currentTarget.checked);
              setUnsavedError(false);
            }}
            className="mt-0.5 size-4 rounded border-slate-300 accent-indigo-600"
          />
          <label htmlFor={checkboxId} className="text-sm font-medium text-slate-800">
            {t("twoFactor.recoveryCodes.savedConfirm")}
          </label>
        </div>
        {unsavedError && !saved && (
          <p id={`${checkboxId}-error`} role="alert" className="text-sm text-red-700">
            {t("twoFactor.recoveryCodes.unsaved")}
          </p>
        )}
      </div>
      <div className="flex justify-end">
        <Button onClick={done}>{t("ui.done")}</Button>
      </div>
    </div>
  );
}

function recoveryCodesText(t: Translate<"security">, codes: string[], accountEmail: string): string {
  return [
    t("twoFactor.recoveryCodes.fileTitle"),
    t("twoFactor.recoveryCodes.fileAccount", { email: accountEmail }),
    "",
    t("twoFactor.recoveryCodes.fileUsage"),
    t("twoFactor.recoveryCodes.fileKeep"),
    "",
    ...codes,
    "",
  ].join("\n");
}
