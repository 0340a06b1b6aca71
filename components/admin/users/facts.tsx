import type { ReactNode } from "react";
import { formatTimeLeft, type AdminUserLocks, type AdminUserSummaryDto } from "@/shared/admin-users";
import { formatDateTime } from "@/shared/format";

/** Small pieces the user list and the account page show alike. */

const PILL_TONES = {
  green: "bg-emerald-50 text-emerald-800 ring-emerald-200",
  red: "bg-red-50 text-red-800 ring-red-200",
  amber: "bg-amber-50 text-amber-900 ring-amber-200",
  indigo: "bg-indigo-50 text-indigo-800 ring-indigo-200",
} as const;

export function Pill({ tone, children }: { tone: keyof typeof PILL_TONES; children: ReactNode }) {
  return (
    <span className={`inline-block rounded-full px-2 py-0.5 text-xs font-medium whitespace-nowrap ring-1 ring-inset ${PILL_TONES[tone]}`}>
      {children}
    </span>
  );
}

export function StatusPill({ status }: { status: AdminUserSummaryDto["status"] }) {
  return status === "active" ? <Pill tone="green">active</Pill> : <Pill tone="red">disabled</Pill>;
}

const LOCK_LABELS: Record<keyof AdminUserLocks, string> = {
  signIn: "Sign-in",
  secondFactor: "Second factor",
  stepUp: "Step-up",
};

/** Each lock in force with its time left, or a dash. */
export function LockList({ locks }: { locks: AdminUserLocks }) {
  const active = (Object.keys(LOCK_LABELS) as (keyof AdminUserLocks)[]).flatMap((kind) => {
    const lock = locks[kind];
    return lock ? [{ kind, lock }] : [];
  });
  if (active.length === 0) return <span className="text-slate-600">None</span>;
  return (
    <ul className="space-y-0.5">
      {active.map(({ kind, lock }) => (
        <li key={kind} className="whitespace-nowrap">
          <span className="font-medium text-amber-900">{LOCK_LABELS[kind]} locked</span>{" "}
          <time dateTime={lock.until} title={`Until ${formatDateTime(new Date(lock.until))}`} className="text-slate-600">
            · {formatTimeLeft(lock.secondsLeft)}
          </time>
        </li>
      ))}
    </ul>
  );
}

export function TwoFactorSummary({ twoFactor }: { twoFactor: AdminUserSummaryDto["twoFactor"] }) {
  if (!twoFactor.authenticator) return <span className="text-slate-600">Off</span>;
  return (
    <span className="whitespace-nowrap">
      Authenticator · {twoFactor.recoveryCodesLeft} {twoFactor.recoveryCodesLeft === 1 ? "recovery code" : "recovery codes"} left
    </span>
  );
}

export function UtcTime({ iso }: { iso: string }) {
  return <time dateTime={iso}>{formatDateTime(new Date(iso))}</time>;
}
