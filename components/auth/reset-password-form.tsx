"use client";

import { useTranslations } from "next-intl";
import { useEffect, useRef, useState } from "react";
import { resendPasswordResetAction, resetPasswordAction } from "@/actions/password-reset";
import { CodeField, normalizeCodeInput, RecoveryCodeField } from "@/components/forms/code-field";
import { ResendCode } from "@/components/forms/resend-code";
import { TextField } from "@/components/forms/text-field";
import { useServerForm } from "@/components/forms/use-server-form";
import { ceremonyFailureMessage, getPasskeyAssertion } from "@/components/passkeys/webauthn";
import { Button } from "@/components/ui/button";
import { LiveMessage, Notice } from "@/components/ui/notice";
import { PASSWORD_MIN_LENGTH } from "@/shared/password-rules";

type Method = "totp" | "recovery_code" | "passkey";

/**
 * The code comes typed, or from the email's link: it travels in the URL's fragment (never sent to
 * a server), is put into the field here, and the fragment is dropped from the address bar.
 */
const loadResetPasswordSchema = () => import("@/shared/password-reset").then((module) => module.resetPasswordSchema);

export function ResetPasswordForm({ resetId, resendAvailableAt }: { resetId: string; resendAvailableAt?: string }) {
  const t = useTranslations("auth");
  const { form, state, pending, formProps } = useServerForm(loadResetPasswordSchema, resetPasswordAction, {
    resetId,
    code: "",
    newPassword: "",
  });
  const [method, setMethod] = useState<Method>("totp");
  const [passkeyProblem, setPasskeyProblem] = useState<string | null>(null);
  const formRef = useRef<HTMLFormElement>(null);
  const passkeyOptions = state.data?.passkeyOptions;
  // The server asks for the second proof only after the emailed code was right.
  const askSecondFactor = !state.ok && (state.code === "SECOND_FACTOR_REQUIRED" || state.code === "SECOND_FACTOR_INVALID");

  useEffect(() => {
    const code = normalizeCodeInput(new URLSearchParams(window.location.hash.slice(1)).get("code") ?? "");
    if (!/^\d{6}$/.test(code)) return;
    form.setValue("code", code);
    window.history.replaceState(null, "", window.location.pathname + window.location.search);
    form.setFocus("newPassword");
  }, [form]);

  useEffect(() => {
    if (askSecondFactor) form.setFocus("secondFactorCode");
  }, [askSecondFactor, form]);

  // The browser's passkey prompt; its answer goes with the code and the new password, as a code would.
  const answerWithPasskey = async () => {
    if (!passkeyOptions) return;
    setPasskeyProblem(null);
    const assertion = await getPasskeyAssertion(passkeyOptions);
    if (!assertion.ok) {
      if (assertion.reason !== "aborted")
        setPasskeyProblem(
          assertion.reason === "cancelled"
            ? t("resetPassword.form.passkeyCancelled")
            : ceremonyFailureMessage(t, assertion.reason === "known" ? "failed" : assertion.reason),
        );
      return;
    }
    setMethod("passkey");
    form.setValue("secondFactorMethod", "passkey");
    form.setValue("passkeyAssertion", assertion.response);
    requestAnimationFrame(() => formRef.current?.requestSubmit());
  };

  const switchMethod = () => {
    setMethod(method === "recovery_code" ? "totp" : "recovery_code");
    form.setValue("secondFactorCode", "");
    requestAnimationFrame(() => form.setFocus("secondFactorCode"));
  };

  return (
    <div className="space-y-6">
      <form {...formProps} ref={formRef} className="space-y-5">
        <LiveMessage tone="error" message={state.ok ? null : state.message} />
        <input type="hidden" {...form.register("resetId")} />
        <CodeField
          form={form}
          name="code"
          label={t("resetPassword.form.codeLabel")}
          required
          description={t("resetPassword.form.codeDescription")}
        />
        <TextField
          form={form}
          name="newPassword"
          label={t("resetPassword.form.newPasswordLabel")}
          type="password"
          autoComplete="new-password"
          description={t("resetPassword.form.newPasswordHint", { min: PASSWORD_MIN_LENGTH })}
          required
        />
        {askSecondFactor && (
          <fieldset className="space-y-3">
            <legend className="sr-only">{t("resetPassword.form.secondFactorLegend")}</legend>
            <Notice tone="info">{t("resetPassword.form.secondFactorNotice")}</Notice>
            <input type="hidden" {...form.register("secondFactorMethod")} value={method} />
            <input type="hidden" {...form.register("passkeyAssertion")} />
            {passkeyOptions && (
              <div className="space-y-2">
                <Button type="button" variant="secondary" className="w-full" onClick={() => void answerWithPasskey()}>
                  {t("resetPassword.form.usePasskey")}
                </Button>
                <LiveMessage tone="error" message={passkeyProblem} />
              </div>
            )}
            {method !== "recovery_code" ? (
              <CodeField key="totp" form={form} name="secondFactorCode" label={t("secondFactor.totpLabel")} required />
            ) : (
              <RecoveryCodeField
                key="recovery_code"
                form={form}
                name="secondFactorCode"
                label={t("secondFactor.recoveryLabel")}
                description={t("resetPassword.form.recoveryDescription")}
                required
              />
            )}
            <button
              type="button"
              onClick={switchMethod}
              className="text-sm font-medium text-indigo-700 hover:underline focus-visible:outline-2 focus-visible:outline-indigo-600"
            >
              {method !== "recovery_code" ? t("secondFactor.useRecovery") : t("secondFactor.useTotp")}
            </button>
          </fieldset>
        )}
        <Button type="submit" pending={pending} pendingText={t("resetPassword.form.submitting")} className="w-full">
          {t("resetPassword.form.submit")}
        </Button>
      </form>
      {resendAvailableAt && <ResendCode action={resendPasswordResetAction} initialAvailableAt={resendAvailableAt} />}
    </div>
  );
}
