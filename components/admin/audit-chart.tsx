import { useFormatter, useTranslations } from "next-intl";
import { type DailyCount } from "@/shared/audit";

const WIDTH = 720;
const HEIGHT = 180;
const PAD = { top: 10, right: 8, bottom: 24, left: 40 };
const SERIES = [
  { key: "success", className: "fill-indigo-300" },
  { key: "failure", className: "fill-amber-500" },
  { key: "blocked", className: "fill-red-600" },
] as const;

/** A calendar day of the chart ("2026-03-14"), which is a UTC day. */
const utcDay = (day: string) => new Date(`${day}T00:00:00Z`);

/** Events per day as stacked bars, failures and blocks on top in warm colours; a table for screen readers and print. */
export function AuditChart({ days }: { days: DailyCount[] }) {
  const t = useTranslations("admin");
  const format = useFormatter();
  const dayLabel = (day: string) => format.dateTime(utcDay(day), { dateStyle: "medium", timeZone: "UTC" });
  const totals = days.map((day) => day.success + day.failure + day.blocked);
  const max = Math.max(1, ...totals);
  const plotWidth = WIDTH - PAD.left - PAD.right;
  const plotHeight = HEIGHT - PAD.top - PAD.bottom;
  const slot = plotWidth / Math.max(1, days.length);
  const barWidth = Math.max(1, slot * 0.7);
  const y = (value: number) => (value / max) * plotHeight;
  const sum = (key: (typeof SERIES)[number]["key"]) => days.reduce((total, day) => total + day[key], 0);
  const first = days[0]?.day;
  const last = days.at(-1)?.day;
  const description = t("chart.description", {
    days: days.length,
    first: first ? dayLabel(first) : "",
    last: last ? dayLabel(last) : "",
    success: sum("success"),
    failure: sum("failure"),
    blocked: sum("blocked"),
    max,
  });

  return (
    <figure className="rounded-xl bg-surface p-5 shadow-sm ring-1 ring-slate-200">
      <figcaption className="flex flex-wrap items-center justify-between gap-3">
        <span className="text-sm font-semibold text-slate-900">{t("chart.heading")}</span>
        <span className="flex flex-wrap gap-x-4 gap-y-1 text-xs text-slate-600" aria-hidden="true">
          {SERIES.map((series) => (
            <span key={series.key} className="flex items-center gap-1.5">
              <svg viewBox="0 0 10 10" className="size-2.5">
                <rect width="10" height="10" className={series.className} />
              </svg>
              {t(`chart.series.${series.key}`)}
            </span>
          ))}
        </span>
      </figcaption>
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        role="img"
        aria-labelledby="audit-chart-title audit-chart-desc"
        className="mt-3 h-auto w-full"
      >
        <title id="audit-chart-title">{t("chart.title")}</title>
        <desc id="audit-chart-desc">{description}</desc>
        <line x1={PAD.left} x2={WIDTH - PAD.right} y1={HEIGHT - PAD.bottom} y2={HEIGHT - PAD.bottom} className="stroke-slate-300" />
        <text x={PAD.left - 6} y={PAD.top + 8} textAnchor="end" className="fill-slate-500 text-[10px]">
          {max}
        </text>
        <text x={PAD.left - 6} y={HEIGHT - PAD.bottom} textAnchor="end" className="fill-slate-500 text-[10px]">
          0
        </text>
        {days.map((day, index) => {
          let base = HEIGHT - PAD.bottom;
          const x = PAD.left + index * slot + (slot - barWidth) / 2;
          return (
            <g key={day.day}>
              {SERIES.map((series) => {
                const height = y(day[series.key]);
                base -= height;
                return height > 0 ? (
                  <rect key={series.key} x={x} y={base} width={barWidth} height={height} className={series.className} />
                ) : null;
              })}
              {(index === 0 || index === days.length - 1 || index % Math.ceil(days.length / 6) === 0) && (
                <text x={x + barWidth / 2} y={HEIGHT - 8} textAnchor="middle" className="fill-slate-500 text-[10px]">
                  {format.dateTime(utcDay(day.day), { month: "2-digit", day: "2-digit", timeZone: "UTC" })}
                </text>
              )}
            </g>
          );
        })}
      </svg>
      <details className="mt-3 text-sm">
        <summary className="cursor-pointer font-medium text-indigo-700">{t("chart.showTable")}</summary>
        <div className="mt-2 max-h-64 overflow-auto">
          <table className="w-full text-left text-xs">
            <caption className="sr-only">{t("chart.title")}</caption>
            <thead>
              <tr className="text-slate-600">
                <th scope="col" className="py-1 pr-4 font-medium">
                  {t("chart.day")}
                </th>
                {SERIES.map((series) => (
                  <th key={series.key} scope="col" className="py-1 pr-4 font-medium">
                    {t(`chart.series.${series.key}`)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {days.map((day) => (
                <tr key={day.day} className="border-t border-slate-100">
                  <th scope="row" className="py-1 pr-4 font-normal whitespace-nowrap">
                    <time dateTime={day.day}>{dayLabel(day.day)}</time>
                  </th>
                  {SERIES.map((series) => (
                    <td key={series.key} className="py-1 pr-4 tabular-nums">
                      {day[series.key]}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}
