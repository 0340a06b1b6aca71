import type { Metadata } from "next";
import { AdminShell } from "@/components/admin/admin-shell";
import { AdminTable } from "@/components/admin/admin-table";
import { requireAdmin } from "@/lib/auth/admin";
import { listJobQueues } from "@/lib/jobs/status";
import { formatDateTime } from "@/shared/format";

export const metadata: Metadata = { title: "Background jobs · Admin", robots: { index: false, follow: false } };

const CELL = "px-3 py-2 align-top";

export default async function AdminJobsPage() {
  await requireAdmin("admin.jobs");
  const queues = await listJobQueues();
  return (
    <AdminShell
      current="/admin/jobs"
      title="Background jobs"
      description="Scheduled and retried work, on the app's Postgres (pg-boss). Each job runs on one worker across every instance; a failed run is retried with backoff."
    >
      <AdminTable
        caption="Background job queues"
        headings={["Queue", "Schedule (UTC)", "Waiting", "Running", "Failed", "Last finished", "Last failure"]}
        empty={queues === null ? "No worker has started yet: background jobs begin with the first app instance or `npm run worker`." : null}
      >
        {(queues ?? []).map((queue) => (
          <tr key={queue.name}>
            <td className={CELL}>
              <span className="font-mono text-xs">{queue.name}</span>
              <span className="block text-xs text-slate-600">{queue.description}</span>
            </td>
            <td className={`${CELL} font-mono text-xs whitespace-nowrap`}>{queue.schedule ?? "off"}</td>
            <td className={`${CELL} tabular-nums`}>{queue.waiting}</td>
            <td className={`${CELL} tabular-nums`}>{queue.active}</td>
            <td className={`${CELL} tabular-nums ${queue.failed > 0 ? "font-semibold text-red-700" : ""}`}>{queue.failed}</td>
            <td className={`${CELL} whitespace-nowrap`}>
              {queue.lastCompletedAt ? formatDateTime(new Date(queue.lastCompletedAt)) : "never"}
            </td>
            <td className={`${CELL} whitespace-nowrap`}>{queue.lastFailedAt ? formatDateTime(new Date(queue.lastFailedAt)) : "—"}</td>
          </tr>
        ))}
      </AdminTable>
    </AdminShell>
  );
}
