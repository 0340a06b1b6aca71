"use client";

import { useTranslations } from "next-intl";
import { useActionState, useEffect, useRef, type ReactNode } from "react";
import { Button } from "@/components/ui/button";
import { LiveMessage } from "@/components/ui/notice";
import { initialActionState, type ActionState } from "@/shared/action-state";

type Reported = { reference: string };
type ReportAction<Data extends Reported> = (previous: ActionState<Data>, input: FormData) => Promise<ActionState<Data>>;

/** The button behind an emailed "This wasn't me" link, then what happens next and the reference to quote. */
export function ReportForm<Data extends Reported>({
  token,
  action,
  steps,
}: {
  token: string;
  action: ReportAction<Data>;
  steps: ReactNode[];
}) {
  const t = useTranslations("auth");
  const [state, dispatch, pending] = useActionState(action, initialActionState as ActionState<Data>);
  const doneRef = useRef<HTMLHeadingElement>(null);
  const reported = state.ok ? state.data : undefined;

  // The button is gone: start the reader at what happens next.
  useEffect(() => {
    if (reported) doneRef.current?.focus();
  }, [reported]);

  if (reported) {
    return (
      <div className="space-y-4 text-sm text-slate-700">
        <LiveMessage tone="success" message={t("report.form.reported")} />
        <h2 ref={doneRef} tabIndex={-1} className="text-base font-semibold text-slate-900 outline-none!">
          {t("report.form.nextTitle")}
        </h2>
        <ol className="list-decimal space-y-2 pl-5">
          {steps.map((step, index) => (
            <li key={index}>{step}</li>
          ))}
        </ol>
        <p>
          {t.rich("report.form.reference", {
            reference: reported.reference,
            strong: (chunks) => <strong className="font-mono text-base font-semibold text-slate-900">{chunks}</strong>,
          })}
        </p>
      </div>
    );
  }

  return (
    <div className="space-y-4">
      <LiveMessage tone="error" message={state.ok ? null : state.message} />
      <form action={dispatch}>
        <input type="hidden" name="token" value={token} />
        <Button type="submit" variant="danger" pending={pending} pendingText={t("report.form.submitting")} className="w-full">
          {t("report.form.submit")}
        </Button>
      </form>
    </div>
  );
}
