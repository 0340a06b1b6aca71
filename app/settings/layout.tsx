import type { ReactNode } from "react";
import { ClientMessages } from "@/components/layout/client-messages";
import { SettingsNav } from "@/components/layout/settings-nav";
import { StepUpProvider } from "@/components/step-up/step-up-provider";
import { requireSession } from "@/lib/sessions/current";

export default async function SettingsLayout({ children }: { children: ReactNode }) {
  await requireSession();
  return (
    <ClientMessages area="settings">
      <div className="mx-auto grid max-w-5xl gap-8 px-4 py-10 sm:px-6 md:grid-cols-[12rem_1fr]">
        <SettingsNav />
        <div className="min-w-0">
          <StepUpProvider>{children}</StepUpProvider>
        </div>
      </div>
    </ClientMessages>
  );
}
