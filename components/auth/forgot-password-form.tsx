"use client";

import { useTranslations } from "next-intl";
import { forgotPasswordAction } from "@/actions/password-reset";
import { TextField } from "@/components/forms/text-field";
import { useServerForm } from "@/components/forms/use-server-form";
import { Button } from "@/components/ui/button";
import { LiveMessage } from "@/components/ui/notice";

const loadForgotPasswordSchema = () => import("@/shared/password-reset").then((module) => module.forgotPasswordSchema);

export function ForgotPasswordForm() {
  const t = useTranslations("auth");
  const { form, state, pending, formProps } = useServerForm(loadForgotPasswordSchema, forgotPasswordAction, { email: "" });
  return (
    <form {...formProps} className="space-y-5">
      <LiveMessage tone="error" message={state.ok ? null : state.message} />
      <TextField
        form={form}
        name="email"
        label={t("fields.email")}
        type="email"
        autoComplete="username"
        inputMode="email"
        description={t("forgotPassword.form.emailHint")}
        required
      />
      <Button type="submit" pending={pending} pendingText={t("forgotPassword.form.submitting")} className="w-full">
        {t("forgotPassword.form.submit")}
      </Button>
    </form>
  );
}
