"use client";

import { useTranslations } from "next-intl";
import { useState } from "react";
import { secondFactorSignInAction } from "@/actions/auth";
import { CodeField, RecoveryCodeField } from "@/components/forms/code-field";
import { useServerForm } from "@/components/forms/use-server-form";
import { Button } from "@/components/ui/button";
import { LiveMessage, Notice } from "@/components/ui/notice";

type Method = "totp" | "recovery_code";

const loadSecondFactorSchema = () => import("@/shared/two-factor").then((module) => module.secondFactorSignInSchema);

export function SecondFactorForm({ next, recoveryCodesLeft, warnAt }: { next?: string; recoveryCodesLeft: number; warnAt: number }) {
  const t = useTranslations("auth");
  const [method, setMethod] = useState<Method>("totp");
  const { form, state, pending, formProps } = useServerForm(loadSecondFactorSchema, secondFactorSignInAction, {
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
            label={t("secondFactor.recoveryLabel")}
            description={t("twoFactor.form.recoveryDescription")}
            autoFocus
            required
          />
          <Notice tone={recoveryCodesLeft <= warnAt ? "warning" : "info"}>
            {recoveryCodesLeft <= warnAt
              ? t("twoFactor.form.codesLeftLow", { count: recoveryCodesLeft })
              : t("twoFactor.form.codesLeft", { count: recoveryCodesLeft })}
          </Notice>
        </>
      ) : (
        <CodeField
          key="totp"
          form={form}
          name="code"
          label={t("secondFactor.totpLabel")}
          description={t("twoFactor.form.totpDescription")}
          autoFocus
          required
        />
      )}
      <Button type="submit" pending={pending} pendingText={t("twoFactor.form.submitting")} className="w-full">
        {t("twoFactor.form.submit")}
      </Button>
      <button
        type="button"
        onClick={switchMethod}
        className="w-full text-center text-sm font-medium text-indigo-700 hover:underline focus-visible:outline-2 focus-visible:outline-indigo-600"
      >
        {useRecovery ? t("secondFactor.useTotp") : t("secondFactor.useRecovery")}
      </button>
    </form>
  );
}
