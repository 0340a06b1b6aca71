"use client";

import { useTranslations } from "next-intl";
import { useEffect, useRef } from "react";
import { useForm } from "react-hook-form";
import { changePasswordAction } from "@/actions/account";
import { TextField } from "@/components/forms/text-field";
import { preloadSchema, useZodResolver } from "@/components/forms/use-zod-resolver";
import { useProtectedAction } from "@/components/step-up/use-protected-action";
import { Button } from "@/components/ui/button";
import { Card, CardBody, type CardHeading } from "@/components/ui/card";
import { LiveMessage } from "@/components/ui/notice";
import { PASSWORD_MIN_LENGTH } from "@/shared/password-rules";

type PasswordForm = { currentPassword: string; newPassword: string; signOutOtherSessions: boolean };

type PasswordSectionProps = { heading: CardHeading };

const loadSchema = () => import("@/shared/account").then((module) => module.changePasswordSchema);

/** Current password + new password, then step-up; "sign out my other sessions" is ticked by default. */
export function PasswordSection({ heading }: PasswordSectionProps) {
  const t = useTranslations("settings");
  const { headingId } = heading;
  const noticeRef = useRef<HTMLDivElement>(null);
  const form = useForm<PasswordForm>({
    resolver: useZodResolver<PasswordForm>(loadSchema),
    defaultValues: { currentPassword: "", newPassword: "", signOutOtherSessions: true },
  });
  const { run, pending, outcome } = useProtectedAction(changePasswordAction, form);

  // The submit button would keep focus otherwise; after a change the outcome is what matters.
  useEffect(() => {
    if (outcome?.ok) noticeRef.current?.focus();
  }, [outcome]);

  const submit = form.handleSubmit(async (values) => {
    if ((await run(values)).ok) form.reset();
  });

  return (
    <Card {...heading}>
      <CardBody>
        <form onSubmit={submit} onFocus={() => preloadSchema(loadSchema)} noValidate className="space-y-4">
          <div ref={noticeRef} tabIndex={-1} className="outline-none!">
            <LiveMessage tone={outcome?.ok ? "success" : "error"} message={outcome?.message} />
          </div>
          <div className="space-y-4 sm:max-w-sm">
            <TextField form={form} name="currentPassword" label={t("password.current")} type="password" autoComplete="current-password" />
            <TextField
              form={form}
              name="newPassword"
              label={t("password.new")}
              type="password"
              autoComplete="new-password"
              description={t("password.newHint", { min: PASSWORD_MIN_LENGTH })}
            />
          </div>
          <div className="flex items-start gap-3 text-sm">
            <input
              id={`${headingId}-sign-out`}
              type="checkbox"
              aria-describedby={`${headingId}-sign-out-hint`}
              {...form.register("signOutOtherSessions")}
              className="mt-0.5 size-4 rounded border-slate-300 accent-indigo-600"
            />
            <div>
              <label htmlFor={`${headingId}-sign-out`} className="block font-medium text-slate-800">
                {t("password.signOutOthers")}
              </label>
              <p id={`${headingId}-sign-out-hint`} className="text-slate-600">
                {t("password.signOutOthersHint")}
              </p>
            </div>
          </div>
          <Button type="submit" pending={pending} pendingText={t("password.changing")}>
            {t("password.change")}
          </Button>
        </form>
      </CardBody>
    </Card>
  );
}
