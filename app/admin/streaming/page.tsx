import type { Metadata } from "next";
import { adminPageTitle, AdminShell } from "@/components/admin/admin-shell";
import { StreamDestinations } from "@/components/audit-stream/stream-destinations";
import { ClientMessages } from "@/components/layout/client-messages";
import { listStreamDestinations } from "@/lib/audit-stream/destinations";
import { requireAdmin } from "@/lib/auth/admin";
import { getEnv } from "@/lib/env";

export async function generateMetadata(): Promise<Metadata> {
  return { title: await adminPageTitle("streaming"), robots: { index: false, follow: false } };
}

export default async function AdminStreamingPage() {
  await requireAdmin("admin.streaming");
  const destinations = await listStreamDestinations();
  const env = getEnv();
  return (
    <ClientMessages area="adminTokens">
      <AdminShell page="streaming">
        <StreamDestinations
          destinations={destinations}
          allowLoopbackHttp={!env.isProduction}
          pauseAfterMinutes={env.AUDIT_STREAM_PAUSE_AFTER_MINUTES}
        />
      </AdminShell>
    </ClientMessages>
  );
}
