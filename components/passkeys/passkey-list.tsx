import { useFormatter, useTranslations } from "next-intl";
import type { ReactNode } from "react";
import { PasskeyIcon } from "@/components/passkeys/passkey-icon";
import { Button } from "@/components/ui/button";
import type { PreloadIntent } from "@/components/ui/on-demand";
import type { PasskeyDto } from "@/shared/passkeys";

type PasskeyListProps = {
  passkeys: PasskeyDto[];
  /** With the button pressed, for focus to go back to. */
  onRename: (passkey: PasskeyDto, from: HTMLElement) => void;
  onRemove: (passkey: PasskeyDto, from: HTMLElement) => void;
  /** Spread on the Rename and Remove buttons: each dialog's code starts downloading before the click. */
  renameIntent: PreloadIntent;
  removeIntent: PreloadIntent;
};

export function PasskeyList({ passkeys, onRename, onRemove, renameIntent, removeIntent }: PasskeyListProps) {
  const t = useTranslations("security");
  const format = useFormatter();
  const hidden = (chunks: ReactNode) => <span className="sr-only">{chunks}</span>;
  // A moment as words and as a <time> element around them.
  const moment = (iso: string) => ({
    date: format.dateTime(new Date(iso), "dateAndTime"),
    time: (chunks: ReactNode) => <time dateTime={iso}>{chunks}</time>,
  });
  if (passkeys.length === 0) {
    return (
      <div className="rounded-lg border border-dashed border-slate-300 px-6 py-10 text-center">
        <PasskeyIcon strokeWidth={1.5} className="mx-auto size-10 text-slate-400" />
        <p className="mt-3 text-sm font-semibold text-slate-900">{t("passkeys.empty.title")}</p>
        <p className="mt-1 text-sm text-slate-600">{t("passkeys.empty.body")}</p>
      </div>
    );
  }
  return (
    <ul className="divide-y divide-slate-200 border-y border-slate-200">
      {passkeys.map((passkey) => (
        <li key={passkey.id} className="flex flex-col gap-3 py-4 sm:flex-row sm:items-center sm:justify-between">
          <div className="min-w-0">
            <p className="flex flex-wrap items-center gap-2">
              <span title={passkey.name} className="max-w-full truncate font-medium text-slate-900">
                {passkey.name}
              </span>
              {passkey.synced ? (
                <span className="rounded-full bg-sky-50 px-2 py-0.5 text-xs font-medium text-sky-800 ring-1 ring-sky-600/20 ring-inset">
                  {t("passkeys.synced")}
                </span>
              ) : (
                <span className="rounded-full bg-slate-100 px-2 py-0.5 text-xs font-medium text-slate-700 ring-1 ring-slate-500/20 ring-inset">
                  {t("passkeys.deviceOnly")}
                </span>
              )}
            </p>
            <p className="mt-1 text-sm text-slate-600">
              {t.rich("passkeys.addedOn", moment(passkey.createdAt))}
              <span aria-hidden="true"> · </span>
              <span className="sr-only">, </span>
              {passkey.lastUsedAt ? t.rich("passkeys.lastUsed", moment(passkey.lastUsedAt)) : t("passkeys.neverUsed")}
            </p>
          </div>
          <div className="flex shrink-0 gap-2">
            <Button
              variant="secondary"
              className="flex-1 px-3 py-1.5 sm:flex-none"
              onClick={(event) => onRename(passkey, event.currentTarget)}
              {...renameIntent}
            >
              {t.rich("passkeys.rename", { name: passkey.name, hidden })}
            </Button>
            <Button
              variant="secondary"
              className="flex-1 px-3 py-1.5 text-red-700 sm:flex-none"
              onClick={(event) => onRemove(passkey, event.currentTarget)}
              {...removeIntent}
            >
              {t.rich("passkeys.remove", { name: passkey.name, hidden })}
            </Button>
          </div>
        </li>
      ))}
    </ul>
  );
}
