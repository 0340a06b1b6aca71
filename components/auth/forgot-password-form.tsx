"use client";

import { forgotPasswordAction } from "@/actions/password-reset";
import { TextField } from "@/components/forms/text-field";
import { useServerForm } from "@/components/forms/use-server-form";
import { Button } from "@/components/ui/button";
import { LiveMessage } from "@/components/ui/notice";
import { forgotPasswordSchema } from "@/shared/password-reset";

export function ForgotPasswordForm() {
  const { form, state, pending, formProps } = useServerForm(forgotPasswordSchema, forgotPasswordAction, { email: "" });
  return (
    <form {...formProps} className="space-y-5">
      <LiveMessage tone="error" message={state.ok ? null : state.message} />
      <TextField
        form={form}
        name="email"
        label="Email address"
        type="email"
        autoComplete="username"
        inputMode="email"
        description="The address you sign in with. We email it a code and a link."
        required
      />
      <Button type="submit" pending={pending} pendingText="Sending…" className="w-full">
        Send reset code
      </Button>
    </form>
  );
}
