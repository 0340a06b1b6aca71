import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { adminPageTitle, AdminShell } from "@/components/admin/admin-shell";
import { AdminTable } from "@/components/admin/admin-table";
import { ClientMessages } from "@/components/layout/client-messages";
import { LocalTime } from "@/components/ui/local-time";
import { requireAdmin } from "@/lib/auth/admin";
import { getEnv } from "@/lib/env";
import { JOB_NAMES, jobDefinitions } from "@/lib/jobs/schedule";
import { listJobQueues } from "@/lib/jobs/status";

export async function generateMetadata(): Promise<Metadata> {
  return { title: await adminPageTitle("jobs"), robots: { index: false, follow: false } };
}

const CELL = "px-3 py-2 align-top";

type JobName = (typeof JOB_NAMES)[number];
const isJobName = (name: string): name is JobName => (JOB_NAMES as readonly string[]).includes(name);

export default async function AdminJobsPage() {
  await requireAdmin("admin.jobs");
  const queues = await listJobQueues();
  const env = getEnv();
  const turnedOn = new Set(jobDefinitions(env).map((job) => job.name));
  const t = await getTranslations("admin");
  const tc = await getTranslations("common");
  /** What the queue does, in the viewer's language; a job the operator has not turned on says so. */
  const describe = (name: string) => {
    if (!isJobName(name) || !turnedOn.has(name)) return t("jobs.turnedOff");
    const days = name === "token-auto-revoke" ? env.TOKEN_AUTO_REVOKE_UNUSED_DAYS : env.AUDIT_RETENTION_DAYS;
    return t(`jobs.queues.${name}`, { days: days ?? 0 });
  };
  return (
    <ClientMessages area="admin">
      <AdminShell page="jobs">
        <AdminTable
          caption={t("jobs.caption")}
          headings={[
            t("jobs.headings.queue"),
            t("jobs.headings.schedule"),
            t("jobs.headings.waiting"),
            t("jobs.headings.running"),
            t("jobs.headings.failed"),
            t("jobs.headings.lastFinished"),
            t("jobs.headings.lastFailure"),
          ]}
          empty={queues === null ? t.rich("jobs.empty", { code: (chunks) => <code className="font-mono text-xs">{chunks}</code> }) : null}
        >
          {(queues ?? []).map((queue) => (
            <tr key={queue.name}>
              <td className={CELL}>
                <span className="font-mono text-xs">{queue.name}</span>
                <span className="block text-xs text-slate-600">{describe(queue.name)}</span>
              </td>
              <td className={`${CELL} font-mono text-xs whitespace-nowrap`}>{queue.schedule ?? t("jobs.off")}</td>
              <td className={`${CELL} tabular-nums`}>{queue.waiting}</td>
              <td className={`${CELL} tabular-nums`}>{queue.active}</td>
              <td className={`${CELL} tabular-nums ${queue.failed > 0 ? "font-semibold text-red-700" : ""}`}>{queue.failed}</td>
              <td className={CELL}>{queue.lastCompletedAt ? <LocalTime iso={queue.lastCompletedAt} /> : tc("never")}</td>
              <td className={CELL}>{queue.lastFailedAt ? <LocalTime iso={queue.lastFailedAt} /> : "—"}</td>
            </tr>
          ))}
        </AdminTable>
      </AdminShell>
    </ClientMessages>
  );
}
