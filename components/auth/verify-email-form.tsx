"use client";

import { useTranslations } from "next-intl";
import { resendVerificationCodeAction, verifyEmailAction } from "@/actions/auth";
import { CodeField } from "@/components/forms/code-field";
import { ResendCode } from "@/components/forms/resend-code";
import { useServerForm } from "@/components/forms/use-server-form";
import { Button } from "@/components/ui/button";
import { LiveMessage } from "@/components/ui/notice";

const loadVerifyEmailSchema = () => import("@/shared/auth").then((module) => module.verifyEmailSchema);

export function VerifyEmailForm({ resendAvailableAt }: { resendAvailableAt: string }) {
  const t = useTranslations("auth");
  const { form, state, pending, formProps } = useServerForm(loadVerifyEmailSchema, verifyEmailAction, { code: "" });
  return (
    <div className="space-y-6">
      <form {...formProps} className="space-y-5">
        <LiveMessage tone="error" message={state.ok ? null : state.message} />
        <CodeField
          form={form}
          name="code"
          label={t("verifyEmail.form.codeLabel")}
          required
          description={t("verifyEmail.form.codeDescription")}
        />
        <Button type="submit" pending={pending} pendingText={t("verifyEmail.form.submitting")} className="w-full">
          {t("verifyEmail.form.submit")}
        </Button>
      </form>
      <ResendCode action={resendVerificationCodeAction} initialAvailableAt={resendAvailableAt} />
    </div>
  );
}
