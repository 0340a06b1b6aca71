"use client";

import { useActionState } from "react";
import { resendVerificationCodeAction, verifyEmailAction } from "@/actions/auth";
import { CodeField } from "@/components/forms/code-field";
import { useServerForm } from "@/components/forms/use-server-form";
import { Button } from "@/components/ui/button";
import { LiveMessage } from "@/components/ui/notice";
import { secondsUntil, useNow } from "@/components/ui/use-now";
import { initialActionState, type ActionState } from "@/shared/action-state";
import { verifyEmailSchema } from "@/shared/auth";

export function VerifyEmailForm({ resendAvailableAt }: { resendAvailableAt: string }) {
  const { form, state, pending, formProps } = useServerForm(verifyEmailSchema, verifyEmailAction, { code: "" });
  return (
    <div className="space-y-6">
      <form {...formProps} className="space-y-5">
        <LiveMessage tone="error" message={state.ok ? null : state.message} />
        <CodeField
          form={form}
          name="code"
          label="Verification code"
          required
          description="Enter the 6-digit code from the email. You can paste it."
        />
        <Button type="submit" pending={pending} pendingText="Verifying…" className="w-full">
          Verify email
        </Button>
      </form>
      <ResendCode initialAvailableAt={resendAvailableAt} />
    </div>
  );
}

function ResendCode({ initialAvailableAt }: { initialAvailableAt: string }) {
  const [state, dispatch, pending] = useActionState(
    resendVerificationCodeAction,
    initialActionState as ActionState<{ resendAvailableAt: string }>,
  );
  const secondsLeft = secondsUntil(state.data?.resendAvailableAt ?? initialAvailableAt, useNow());
  return (
    <form action={dispatch} className="space-y-3 border-t border-slate-200 pt-5 text-center">
      <LiveMessage tone={state.ok ? "success" : "error"} message={state.message} />
      <p className="text-sm text-slate-600">Didn&apos;t get it? Check your spam folder, or</p>
      <Button type="submit" variant="secondary" pending={pending} disabled={secondsLeft > 0}>
        {secondsLeft > 0 ? `Send a new code in ${secondsLeft}s` : "Send a new code"}
      </Button>
    </form>
  );
}
