"use client";

import { useTranslations } from "next-intl";
import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import { LiveMessage } from "@/components/ui/notice";
import { secondsUntil, useNow } from "@/components/ui/use-now";
import { initialActionState, type ActionState } from "@/shared/action-state";

type ResendAction = (
  previous: ActionState<{ resendAvailableAt: string }>,
  input: FormData,
) => Promise<ActionState<{ resendAvailableAt: string }>>;

/** "Send a new code", counting down the cooldown the server set (it refuses earlier sends anyway). */
export function ResendCode({ action, initialAvailableAt }: { action: ResendAction; initialAvailableAt: string }) {
  const t = useTranslations("auth");
  const [state, dispatch, pending] = useActionState(action, initialActionState as ActionState<{ resendAvailableAt: string }>);
  const secondsLeft = secondsUntil(state.data?.resendAvailableAt ?? initialAvailableAt, useNow());
  return (
    <form action={dispatch} className="space-y-3 border-t border-slate-200 pt-5 text-center">
      <LiveMessage tone={state.ok ? "success" : "error"} message={state.message} />
      <p className="text-sm text-slate-600">{t("resendCode.prompt")}</p>
      <Button type="submit" variant="secondary" pending={pending} disabled={secondsLeft > 0}>
        {secondsLeft > 0 ? t("resendCode.sendIn", { seconds: secondsLeft }) : t("resendCode.send")}
      </Button>
    </form>
  );
}
