"use client";

import { useTranslations } from "next-intl";
import Link from "next/link";
import { useActionState } from "react";
import { reportStepUpAction } from "@/actions/step-up";
import { Button } from "@/components/ui/button";
import { LiveMessage } from "@/components/ui/notice";
import { initialActionState } from "@/shared/action-state";

export function ReportForm({ token }: { token: string }) {
  const t = useTranslations("stepUp");
  const [state, dispatch, pending] = useActionState(reportStepUpAction, initialActionState);
  return (
    <div className="space-y-4">
      <LiveMessage tone="success" message={state.ok ? t("report.done") : null} />
      <LiveMessage tone="error" message={state.ok ? null : state.message} />
      {state.ok ? (
        <Link href="/login" className="block text-center text-sm font-semibold text-indigo-700 hover:underline">
          {t("report.signIn")}
        </Link>
      ) : (
        <form action={dispatch}>
          <input type="hidden" name="token" value={token} />
          <Button type="submit" variant="danger" pending={pending} pendingText={t("report.cancelling")} className="w-full">
            {t("report.submit")}
          </Button>
        </form>
      )}
    </div>
  );
}
