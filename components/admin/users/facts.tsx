import { useFormatter, useTranslations } from "next-intl";
import type { ReactNode } from "react";
import type { AdminUserLocks, AdminUserSummaryDto } from "@/shared/admin-users";

/** Small pieces the user list and the account page show alike. */

const PILL_TONES = {
  green: "bg-emerald-50 text-emerald-800 ring-emerald-200",
  red: "bg-red-50 text-red-800 ring-red-200",
  amber: "bg-amber-50 text-amber-900 ring-amber-200",
  indigo: "bg-indigo-50 text-indigo-800 ring-indigo-200",
} as const;

function Pill({ tone, children }: { tone: keyof typeof PILL_TONES; children: ReactNode }) {
  return (
    <span className={`inline-block rounded-full px-2 py-0.5 text-xs font-medium whitespace-nowrap ring-1 ring-inset ${PILL_TONES[tone]}`}>
      {children}
    </span>
  );
}

export function StatusPill({ status }: { status: AdminUserSummaryDto["status"] }) {
  const t = useTranslations("admin");
  return status === "active" ? <Pill tone="green">{t("users.status.active")}</Pill> : <Pill tone="red">{t("users.status.disabled")}</Pill>;
}

export function AdminPill() {
  const t = useTranslations("admin");
  return <Pill tone="indigo">{t("users.role.admin")}</Pill>;
}

const LOCK_KINDS = ["signIn", "secondFactor", "stepUp"] as const satisfies readonly (keyof AdminUserLocks)[];

/** Each lock in force with its time left, or a dash. */
export function LockList({ locks }: { locks: AdminUserLocks }) {
  const t = useTranslations("admin");
  const format = useFormatter();
  const active = LOCK_KINDS.flatMap((kind) => {
    const lock = locks[kind];
    return lock ? [{ kind, lock }] : [];
  });
  if (active.length === 0) return <span className="text-slate-600">{t("users.locks.none")}</span>;
  /** "· 12 min left", "· 40 s left". */
  const timeLeft = (seconds: number) => {
    if (seconds < 60) return t("users.locks.secondsLeft", { seconds: Math.max(1, seconds) });
    const minutes = Math.ceil(seconds / 60);
    if (minutes < 120) return t("users.locks.minutesLeft", { minutes });
    return t("users.locks.hoursLeft", { hours: Math.ceil(minutes / 60) });
  };
  return (
    <ul className="space-y-0.5">
      {active.map(({ kind, lock }) => (
        <li key={kind} className="whitespace-nowrap">
          <span className="font-medium text-amber-900">{t(`users.locks.${kind}`)}</span>{" "}
          <time
            dateTime={lock.until}
            title={t("users.locks.until", { time: format.dateTime(new Date(lock.until), "dateAndTime") })}
            className="text-slate-600"
          >
            {timeLeft(lock.secondsLeft)}
          </time>
        </li>
      ))}
    </ul>
  );
}

export function TwoFactorSummary({ twoFactor }: { twoFactor: AdminUserSummaryDto["twoFactor"] }) {
  const t = useTranslations("admin");
  if (!twoFactor.authenticator) return <span className="text-slate-600">{t("users.twoFactor.off")}</span>;
  return <span className="whitespace-nowrap">{t("users.twoFactor.on", { count: twoFactor.recoveryCodesLeft })}</span>;
}
