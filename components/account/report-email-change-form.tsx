"use client";

import { useActionState, useEffect, useRef } from "react";
import { reportEmailChangeAction } from "@/actions/account";
import { Button } from "@/components/ui/button";
import { LiveMessage } from "@/components/ui/notice";
import { type ReportableEmailChange } from "@/shared/account";
import { initialActionState, type ActionState } from "@/shared/action-state";

export function ReportForm({ token }: { token: string }) {
  const [state, dispatch, pending] = useActionState(reportEmailChangeAction, initialActionState as ActionState<ReportableEmailChange>);
  const doneRef = useRef<HTMLHeadingElement>(null);
  const reported = state.ok ? state.data : undefined;

  // The button is gone: start the reader at what happens next.
  useEffect(() => {
    if (reported) doneRef.current?.focus();
  }, [reported]);

  if (reported) {
    return (
      <div className="space-y-4 text-sm text-slate-700">
        <LiveMessage tone="success" message="Reported. Every session on the account was signed out." />
        <h2 ref={doneRef} tabIndex={-1} className="text-base font-semibold text-slate-900 outline-none!">
          What happens next
        </h2>
        <ol className="list-decimal space-y-2 pl-5">
          <li>Whoever changed the address has been signed out, on every device, and any pending security changes were stopped.</li>
          <li>
            Contact your administrator and quote this reference:{" "}
            <strong className="font-mono text-base font-semibold text-slate-900">{reported.reference}</strong>. Your report is in their
            audit log; they can confirm who you are and put your address back on the account.
          </li>
          <li>When you can sign in again, change your password straight away: whoever did this may know it.</li>
        </ol>
      </div>
    );
  }

  return (
    <div className="space-y-4">
      <LiveMessage tone="error" message={state.ok ? null : state.message} />
      <form action={dispatch}>
        <input type="hidden" name="token" value={token} />
        <Button type="submit" variant="danger" pending={pending} pendingText="Reporting…" className="w-full">
          Report and sign out every session
        </Button>
      </form>
    </div>
  );
}
