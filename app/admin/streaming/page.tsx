import type { Metadata } from "next";
import { AdminShell } from "@/components/admin/admin-shell";
import { StreamDestinations } from "@/components/audit-stream/stream-destinations";
import { listStreamDestinations } from "@/lib/audit-stream/destinations";
import { requireAdmin } from "@/lib/auth/admin";
import { getEnv } from "@/lib/env";

export const metadata: Metadata = { title: "Audit streaming · Admin", robots: { index: false, follow: false } };

export default async function AdminStreamingPage() {
  await requireAdmin("admin.streaming");
  const destinations = await listStreamDestinations();
  const env = getEnv();
  return (
    <AdminShell
      current="/admin/streaming"
      title="Audit streaming"
      description="Every audit event, pushed in signed batches to your SIEM. Adding, editing, pausing, resuming and deleting a destination need your own step-up and are recorded."
    >
      <StreamDestinations
        destinations={destinations}
        allowLoopbackHttp={!env.isProduction}
        pauseAfterMinutes={env.AUDIT_STREAM_PAUSE_AFTER_MINUTES}
      />
    </AdminShell>
  );
}
