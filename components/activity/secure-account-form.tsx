"use client";

import { useTranslations } from "next-intl";
import Link from "next/link";
import { useActionState } from "react";
import { secureAccountAction } from "@/actions/activity";
import { Button } from "@/components/ui/button";
import { LiveMessage } from "@/components/ui/notice";
import { initialActionState } from "@/shared/action-state";

/** Posts the report; on success the action moves on to what to do next. */
export function SecureAccountForm({ event }: { event: string | null }) {
  const t = useTranslations("activity");
  const common = useTranslations("common");
  const [state, dispatch, pending] = useActionState(secureAccountAction, initialActionState);
  return (
    <form action={dispatch} className="space-y-4">
      <LiveMessage tone="error" message={state.ok ? null : state.message} />
      {event && <input type="hidden" name="event" value={event} />}
      <div className="flex flex-wrap items-center gap-4">
        <Button type="submit" variant="danger" pending={pending} pendingText={t("report.submitting")}>
          {t("report.submit")}
        </Button>
        <Link href="/settings/activity" className="text-sm font-medium text-slate-700 hover:underline">
          {common("cancel")}
        </Link>
      </div>
    </form>
  );
}
