import { useFormatter, useTranslations } from "next-intl";
import { AdminTable, Pager } from "@/components/admin/admin-table";
import { auditFilterQuery, type AuditEventDto, type AuditFilter } from "@/shared/audit";

const OUTCOME_STYLES: Record<AuditEventDto["outcome"], string> = {
  SUCCESS: "bg-emerald-50 text-emerald-800 ring-emerald-200",
  FAILURE: "bg-amber-50 text-amber-900 ring-amber-200",
  BLOCKED: "bg-red-50 text-red-800 ring-red-200",
};

// Values come from users and attackers (names, user agents): React escapes them; these classes keep them short.
const CELL = "max-w-56 px-3 py-2 align-top [overflow-wrap:anywhere] line-clamp-3";

/** The audit log stays in UTC (as its CSV does), to the second, in the viewer's language. */
const UTC_TIME = { dateStyle: "medium", timeStyle: "medium", timeZone: "UTC" } as const;

/** The page of events under the filters: its heading, the CSV of the whole filter, the table, and paging. */
export function AuditEvents({
  events,
  filter,
  cursor,
  nextCursor,
}: {
  events: AuditEventDto[];
  /** The filter without its cursor: what the export and "Newest events" use. */
  filter: Omit<AuditFilter, "cursor">;
  /** Where this page starts, when it is not the first. */
  cursor: string | undefined;
  nextCursor: string | null;
}) {
  const t = useTranslations("admin");
  return (
    <section aria-labelledby="events-heading" className="space-y-3">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h2 id="events-heading" className="text-base font-semibold text-slate-900">
          {cursor ? t("audit.events.headingOlder") : t("audit.events.heading")}
        </h2>
        <a
          href={`/admin/audit/export${auditFilterQuery(filter)}`}
          download
          className="rounded-md bg-surface px-3 py-1.5 text-sm font-semibold text-slate-900 shadow-sm ring-1 ring-slate-300 ring-inset hover:bg-slate-50"
        >
          {t("audit.events.export")}
        </a>
      </div>
      <AuditTable events={events} />
      <Pager
        first={cursor ? { href: `/admin/audit${auditFilterQuery(filter)}`, label: t("audit.events.newest") } : null}
        next={
          nextCursor ? { href: `/admin/audit${auditFilterQuery({ ...filter, cursor: nextCursor })}`, label: t("audit.events.older") } : null
        }
      />
    </section>
  );
}

function AuditTable({ events }: { events: AuditEventDto[] }) {
  const t = useTranslations("admin");
  const tc = useTranslations("common");
  const format = useFormatter();
  return (
    <AdminTable
      caption={t("audit.table.caption")}
      headings={[
        t("audit.table.headings.time"),
        t("audit.table.headings.actor"),
        t("audit.table.headings.event"),
        t("audit.table.headings.target"),
        t("audit.table.headings.outcome"),
        t("audit.table.headings.reason"),
        t("audit.table.headings.ip"),
        t("audit.table.headings.device"),
      ]}
      empty={events.length === 0 ? t("audit.table.empty") : null}
    >
      {events.map((event) => (
        <tr key={event.id}>
          <td className="px-3 py-2 align-top whitespace-nowrap tabular-nums">
            <time dateTime={event.createdAt}>{tc("utc", { time: format.dateTime(new Date(event.createdAt), UTC_TIME) })}</time>
          </td>
          <td className={CELL}>
            {event.deletedActorId ? (
              <>
                <span className="text-slate-600 italic">{t("audit.table.deletedAccount")}</span>{" "}
                <span className="font-mono text-xs">{event.deletedActorId}</span>
              </>
            ) : (
              (event.actorEmail ?? "—")
            )}
          </td>
          <td className="max-w-72 px-3 py-2 align-top [overflow-wrap:anywhere]">
            <span className="line-clamp-3">{event.sentence}</span>
            <span className="mt-0.5 block font-mono text-xs text-slate-500">{event.type}</span>
          </td>
          <td className={CELL}>
            {event.targetName ?? event.target ?? "—"}
            {event.targetName && event.target && <span className="block font-mono text-xs text-slate-500">{event.target}</span>}
          </td>
          <td className="px-3 py-2 align-top">
            <span className={`rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${OUTCOME_STYLES[event.outcome]}`}>
              {t(`audit.table.outcomes.${event.outcome}`)}
            </span>
          </td>
          <td className={CELL}>{event.reason ?? "—"}</td>
          <td className="px-3 py-2 align-top whitespace-nowrap">{event.ip ?? "—"}</td>
          <td className={CELL}>{event.device}</td>
        </tr>
      ))}
    </AdminTable>
  );
}
