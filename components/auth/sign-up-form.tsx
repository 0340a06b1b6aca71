"use client";

import { useTranslations } from "next-intl";
import { signUpAction } from "@/actions/auth";
import { TextField } from "@/components/forms/text-field";
import { useServerForm } from "@/components/forms/use-server-form";
import { Button } from "@/components/ui/button";
import { LiveMessage } from "@/components/ui/notice";
import { PASSWORD_MIN_LENGTH } from "@/shared/password-rules";

const loadSignUpSchema = () => import("@/shared/auth").then((module) => module.signUpSchema);

export function SignUpForm() {
  const t = useTranslations("auth");
  const { form, state, pending, formProps } = useServerForm(loadSignUpSchema, signUpAction, { email: "", password: "" });
  return (
    <form {...formProps} className="space-y-5">
      <LiveMessage tone="error" message={state.ok ? null : state.message} />
      <TextField form={form} name="email" label={t("fields.email")} type="email" autoComplete="email" inputMode="email" required />
      <TextField
        form={form}
        name="password"
        label={t("fields.password")}
        type="password"
        autoComplete="new-password"
        required
        description={t("signUp.form.passwordHint", { min: PASSWORD_MIN_LENGTH })}
      />
      <Button type="submit" pending={pending} pendingText={t("signUp.form.submitting")} className="w-full">
        {t("signUp.form.submit")}
      </Button>
    </form>
  );
}
