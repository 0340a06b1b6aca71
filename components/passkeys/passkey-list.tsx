import { PasskeyIcon } from "@/components/passkeys/passkey-icon";
import { Button } from "@/components/ui/button";
import { formatDateTime } from "@/shared/format";
import type { PasskeyDto } from "@/shared/passkeys";

type PasskeyListProps = {
  passkeys: PasskeyDto[];
  /** With the button pressed, for focus to go back to. */
  onRename: (passkey: PasskeyDto, from: HTMLElement) => void;
  onRemove: (passkey: PasskeyDto, from: HTMLElement) => void;
};

export function PasskeyList({ passkeys, onRename, onRemove }: PasskeyListProps) {
  if (passkeys.length === 0) {
    return (
      <div className="rounded-lg border border-dashed border-slate-300 px-6 py-10 text-center">
        <PasskeyIcon strokeWidth={1.5} className="mx-auto size-10 text-slate-400" />
        <p className="mt-3 text-sm font-semibold text-slate-900">No passkeys yet</p>
        <p className="mt-1 text-sm text-slate-600">
          Add one to sign in with your fingerprint, face or screen lock instead of your password.
        </p>
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
                  Synced
                </span>
              ) : (
                <span className="rounded-full bg-slate-100 px-2 py-0.5 text-xs font-medium text-slate-700 ring-1 ring-slate-500/20 ring-inset">
                  This device only
                </span>
              )}
            </p>
            <p className="mt-1 text-sm text-slate-600">
              Added <DateText iso={passkey.createdAt} />
              <span aria-hidden="true"> · </span>
              <span className="sr-only">, </span>
              {passkey.lastUsedAt ? (
                <>
                  Last used <DateText iso={passkey.lastUsedAt} />
                </>
              ) : (
                "Never used"
              )}
            </p>
          </div>
          <div className="flex shrink-0 gap-2">
            <Button
              variant="secondary"
              className="flex-1 px-3 py-1.5 sm:flex-none"
              onClick={(event) => onRename(passkey, event.currentTarget)}
            >
              Rename<span className="sr-only"> passkey {passkey.name}</span>
            </Button>
            <Button
              variant="secondary"
              className="flex-1 px-3 py-1.5 text-red-700 sm:flex-none"
              onClick={(event) => onRemove(passkey, event.currentTarget)}
            >
              Remove<span className="sr-only"> passkey {passkey.name}</span>
            </Button>
          </div>
        </li>
      ))}
    </ul>
  );
}

function DateText({ iso }: { iso: string }) {
  return <time dateTime={iso}>{formatDateTime(new Date(iso))}</time>;
}
