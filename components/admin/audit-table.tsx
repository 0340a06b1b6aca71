import { AdminTable } from "@/components/admin/admin-table";
import { type AuditEventDto } from "@/shared/audit";

const OUTCOME_STYLES: Record<AuditEventDto["outcome"], string> = {
  SUCCESS: "bg-emerald-50 text-emerald-800 ring-emerald-200",
  FAILURE: "bg-amber-50 text-amber-900 ring-amber-200",
  BLOCKED: "bg-red-50 text-red-800 ring-red-200",
};

// Values come from users and attackers (names, user agents): React escapes them; these classes keep them short.
const CELL = "max-w-56 px-3 py-2 align-top [overflow-wrap:anywhere] line-clamp-3";

export function AuditTable({ events }: { events: AuditEventDto[] }) {
  return (
    <AdminTable
      caption="Audit events, newest first"
      headings={["Time (UTC)", "Actor", "Event", "Target", "Outcome", "Reason", "IP", "Browser / OS"]}
      empty={events.length === 0 ? "No events match these filters." : null}
    >
      {events.map((event) => (
        <tr key={event.id}>
          <td className="px-3 py-2 align-top whitespace-nowrap tabular-nums">
            <time dateTime={event.createdAt}>{event.createdAt.replace("T", " ").slice(0, 19)}</time>
          </td>
          <td className={CELL}>
            {event.deletedActorId ? (
              <>
                <span className="text-slate-600 italic">deleted account</span>{" "}
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
              {event.outcome.toLowerCase()}
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
