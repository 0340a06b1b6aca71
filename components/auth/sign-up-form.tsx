"use client";

import { signUpAction } from "@/actions/auth";
import { TextField } from "@/components/forms/text-field";
import { useServerForm } from "@/components/forms/use-server-form";
import { Button } from "@/components/ui/button";
import { LiveMessage } from "@/components/ui/notice";
import { PASSWORD_MIN_LENGTH, signUpSchema } from "@/shared/auth";

export function SignUpForm() {
  const { form, state, pending, formProps } = useServerForm(signUpSchema, signUpAction, { email: "", password: "" });
  return (
    <form {...formProps} className="space-y-5">
      <LiveMessage tone="error" message={state.ok ? null : state.message} />
      <TextField form={form} name="email" label="Email address" type="email" autoComplete="email" inputMode="email" required />
      <TextField
        form={form}
        name="password"
        label="Password"
        type="password"
        autoComplete="new-password"
        required
        description={`At least ${PASSWORD_MIN_LENGTH} characters. A few unrelated words make a strong, memorable password.`}
      />
      <Button type="submit" pending={pending} pendingText="Creating account…" className="w-full">
        Create account
      </Button>
    </form>
  );
}
