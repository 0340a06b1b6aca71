"use client";

import { useTranslations } from "next-intl";
import Link from "next/link";
import { useCallback, useState, type FormEvent } from "react";
import { signInAction } from "@/actions/auth";
import { TextField } from "@/components/forms/text-field";
import { useServerForm } from "@/components/forms/use-server-form";
import { PasskeyIcon } from "@/components/passkeys/passkey-icon";
import { usePasskeySignIn } from "@/components/passkeys/use-passkey-sign-in";
import { Button } from "@/components/ui/button";
import { LiveMessage } from "@/components/ui/notice";

const loadSignInSchema = () => import("@/shared/auth").then((module) => module.signInSchema);

export function LoginForm({ next }: { next?: string }) {
  const t = useTranslations("auth");
  const { form, state, pending, formProps } = useServerForm(loadSignInSchema, signInAction, { email: "", password: "" });
  // One announcement region for both ways in: it shows the outcome of whichever was tried last.
  const [latest, setLatest] = useState<"password" | "passkey">("password");
  const onPasskeyAttempt = useCallback(() => setLatest("passkey"), []);
  const passkey = usePasskeySignIn({ next, onAttempt: onPasskeyAttempt });
  const error = latest === "passkey" ? passkey.error : state.ok ? null : state.message;

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    setLatest("password");
    formProps.onSubmit(event);
  };

  return (
    <form {...formProps} onSubmit={onSubmit} className="space-y-5">
      <LiveMessage tone="error" message={error} />
      <LiveMessage tone="info" message={latest === "passkey" ? passkey.notice : null} />
      {next && <input type="hidden" name="next" value={next} />}
      <TextField
        form={form}
        name="email"
        label={t("fields.email")}
        type="email"
        // "webauthn": the browser may suggest this site's passkeys here, as well as saved addresses.
        autoComplete="username webauthn"
        inputMode="email"
        required
      />
      <TextField form={form} name="password" label={t("fields.password")} type="password" autoComplete="current-password" required />
      <p className="-mt-3 text-right text-sm">
        <Link href="/forgot-password" className="font-medium text-indigo-700 hover:underline">
          {t("login.form.forgotPassword")}
        </Link>
      </p>
      <Button type="submit" pending={pending} pendingText={t("login.form.submitting")} className="w-full" disabled={passkey.pending}>
        {t("login.form.submit")}
      </Button>
      <div className="flex items-center gap-3 text-xs font-medium text-slate-500" aria-hidden="true">
        <span className="h-px flex-1 bg-slate-200" />
        {t("login.form.or")}
        <span className="h-px flex-1 bg-slate-200" />
      </div>
      <Button
        variant="secondary"
        onClick={passkey.signIn}
        pending={passkey.pending}
        pendingText={passkey.waiting ? t("login.form.waitingForPasskey") : t("login.form.submitting")}
        disabled={pending}
        className="w-full"
      >
        <PasskeyIcon />
        {t("login.form.passkey")}
      </Button>
      <p className="text-center text-xs text-slate-500">
        {t.rich("login.form.justSignedUp", {
          link: (chunks) => (
            <Link href="/verify-email" className="font-medium text-indigo-700 hover:underline">
              {chunks}
            </Link>
          ),
        })}
      </p>
    </form>
  );
}
