"use client";

import { useState } from "react";
import { secondFactorSignInAction } from "@/actions/auth";
import { CodeField, RecoveryCodeField } from "@/components/forms/code-field";
import { useServerForm } from "@/components/forms/use-server-form";
import { Button } from "@/components/ui/button";
import { LiveMessage, Notice } from "@/components/ui/notice";
import { secondFactorSignInSchema } from "@/shared/two-factor";

type Method = "totp" | "recovery_code";

export function SecondFactorForm({ next, recoveryCodesLeft, warnAt }: { next?: string; recoveryCodesLeft: number; warnAt: number }) {
  const [method, setMethod] = useState<Method>("totp");
  const { form, state, pending, formProps } = useServerForm(secondFactorSignInSchema, secondFactorSignInAction, {
    method: "totp",
    code: "",
  });
  const useRecovery = method === "recovery_code";

  const switchMethod = () => {
    const nextMethod: Method = useRecovery ? "totp" : "recovery_code";
    setMethod(nextMethod);
    form.reset({ method: nextMethod, code: "" });
    // The field is replaced; put the cursor in the new one.
    requestAnimationFrame(() => form.setFocus("code"));
  };

  return (
    <form {...formProps} className="space-y-5">
      <LiveMessage tone="error" message={state.ok ? null : state.message} />
      {next && <input type="hidden" name="next" value={next} />}
      <input type="hidden" {...form.register("method")} value={method} />
      {useRecovery ? (
        <>
          <RecoveryCodeField
            key="recovery_code"
            form={form}
            name="code"
            label="Recovery code"
            description="One of the codes you saved when you turned on two-step verification, like abcde-23456. Each works once."
            autoFocus
            required
          />
          <Notice tone={recoveryCodesLeft <= warnAt ? "warning" : "info"}>
            {recoveryCodesLeft === 0
              ? "You have no recovery codes left."
              : `You have ${recoveryCodesLeft} recovery ${recoveryCodesLeft === 1 ? "code" : "codes"} left.`}
            {recoveryCodesLeft <= warnAt && " After signing in, create new ones on the security page."}
          </Notice>
        </>
      ) : (
        <CodeField
          key="totp"
          form={form}
          name="code"
          label="Code from your authenticator app"
          description="Open your authenticator app and enter the 6-digit code for this account."
          autoFocus
          required
        />
      )}
      <Button type="submit" pending={pending} pendingText="Checking…" className="w-full">
        Verify and sign in
      </Button>
      <button
        type="button"
        onClick={switchMethod}
        className="w-full text-center text-sm font-medium text-indigo-700 hover:underline focus-visible:outline-2 focus-visible:outline-indigo-600"
      >
        {useRecovery ? "Use your authenticator app instead" : "Use a recovery code instead"}
      </button>
    </form>
  );
}
