import { useTranslations } from "next-intl";
import Link from "next/link";
import { LocalTime } from "@/components/ui/local-time";
import type { AccountActivityDto } from "@/shared/audit-events";

const OUTCOME_CLASSES: Record<AccountActivityDto["outcome"], string> = {
  SUCCESS: "bg-emerald-50 text-emerald-800 ring-emerald-200",
  FAILURE: "bg-amber-50 text-amber-900 ring-amber-200",
  BLOCKED: "bg-red-50 text-red-800 ring-red-200",
};

/** The account's security events in words, newest first, each with a way to say it wasn't the owner. */
export function ActivityList({ events }: { events: AccountActivityDto[] }) {
  const t = useTranslations("activity");
  if (events.length === 0) return <p className="px-6 py-8 text-center text-sm text-slate-600">{t("list.empty")}</p>;
  return (
    <ol className="divide-y divide-slate-200" aria-label={t("list.label")}>
      {events.map((event) => (
        <li key={event.id} className="flex flex-col gap-2 px-6 py-4 sm:flex-row sm:items-start sm:justify-between">
          <div className="min-w-0 space-y-1">
            <p className="text-sm font-medium [overflow-wrap:anywhere] text-slate-900">{event.sentence}</p>
            <p className="flex flex-wrap items-center gap-x-3 gap-y-1 text-xs text-slate-600">
              <LocalTime iso={event.createdAt} />
              <span>{event.device}</span>
              {event.ip && <span>{t("list.ip", { ip: event.ip })}</span>}
              <span className={`rounded-full px-2 py-0.5 font-medium ring-1 ring-inset ${OUTCOME_CLASSES[event.outcome]}`}>
                {t(`list.outcomes.${event.outcome}`)}
              </span>
            </p>
          </div>
          <Link
            href={`/settings/activity/report?event=${event.id}`}
            className="shrink-0 text-sm font-medium text-red-700 hover:underline"
            aria-label={t("list.reportLabel", { sentence: event.sentence })}
          >
            {t("list.report")}
          </Link>
        </li>
      ))}
    </ol>
  );
}
