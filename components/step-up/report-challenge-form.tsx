"use client";

import Link from "next/link";
import { useActionState } from "react";
import { reportStepUpAction } from "@/actions/step-up";
import { Button } from "@/components/ui/button";
import { LiveMessage } from "@/components/ui/notice";
import { initialActionState } from "@/shared/action-state";

const DONE = "Done. The request was cancelled and that device was signed out. Change your password if you didn't ask for this.";

export function ReportForm({ token }: { token: string }) {
  const [state, dispatch, pending] = useActionState(reportStepUpAction, initialActionState);
  return (
    <div className="space-y-4">
      <LiveMessage tone="success" message={state.ok ? DONE : null} />
      <LiveMessage tone="error" message={state.ok ? null : state.message} />
      {state.ok ? (
        <Link href="/login" className="block text-center text-sm font-semibold text-indigo-700 hover:underline">
          Sign in to change your password
        </Link>
      ) : (
        <form action={dispatch}>
          <input type="hidden" name="token" value={token} />
          <Button type="submit" variant="danger" pending={pending} pendingText="Cancelling…" className="w-full">
            Cancel the request and sign out that device
          </Button>
        </form>
      )}
    </div>
  );
}
