"use client";

import Link from "next/link";
import { signInAction } from "@/actions/auth";
import { TextField } from "@/components/forms/text-field";
import { useServerForm } from "@/components/forms/use-server-form";
import { Button } from "@/components/ui/button";
import { LiveMessage } from "@/components/ui/notice";
import { signInSchema } from "@/shared/auth";

export function LoginForm({ next }: { next?: string }) {
  const { form, state, pending, formProps } = useServerForm(signInSchema, signInAction, { email: "", password: "" });
  return (
    <form {...formProps} className="space-y-5">
      <LiveMessage tone="error" message={state.ok ? null : state.message} />
      {next && <input type="hidden" name="next" value={next} />}
      <TextField form={form} name="email" label="Email address" type="email" autoComplete="username" inputMode="email" required />
      <TextField form={form} name="password" label="Password" type="password" autoComplete="current-password" required />
      <p className="-mt-3 text-right text-sm">
        <Link href="/forgot-password" className="font-medium text-indigo-700 hover:underline">
          Forgot password?
        </Link>
      </p>
      <Button type="submit" pending={pending} pendingText="Signing in…" className="w-full">
        Sign in
      </Button>
      <p className="text-center text-xs text-slate-500">
        Just signed up?{" "}
        <Link href="/verify-email" className="font-medium text-indigo-700 hover:underline">
          Finish verifying your email
        </Link>{" "}
        first.
      </p>
    </form>
  );
}
