"use client";

import { useTranslations } from "next-intl";
import { useEffect, useRef, useState } from "react";
import { useForm } from "react-hook-form";
import { cancelEmailChangeAction, confirmEmailChangeAction, requestEmailChangeAction } from "@/actions/account";
import { CodeField } from "@/components/forms/code-field";
import { TextField } from "@/components/forms/text-field";
import { useFocusField } from "@/components/forms/use-focus-field";
import { preloadSchema, useZodResolver } from "@/components/forms/use-zod-resolver";
import { outcomeOf, useProtectedAction } from "@/components/step-up/use-protected-action";
import { Button } from "@/components/ui/button";
import { Card, CardBody, type CardHeading } from "@/components/ui/card";
import { LocalTime } from "@/components/ui/local-time";
import { LiveMessage, Notice } from "@/components/ui/notice";
import type { ConfirmEmailChangeInput, PendingEmailChange, RequestEmailChangeInput } from "@/shared/account";
import { errorMessage } from "@/shared/errors";

const loadRequestSchema = () => import("@/shared/account").then((module) => module.requestEmailChangeSchema);
const loadConfirmSchema = () => import("@/shared/account").then((module) => module.confirmEmailChangeSchema);

type EmailSectionProps = {
  heading: CardHeading;
  currentEmail: string;
  pending: PendingEmailChange | null;
};

type Result = { ok: boolean; message: string };

/**
 * Change of address in two steps: step-up (proves the current inbox), then a code sent to the new
 * address, entered here. The account keeps its address until that code is entered.
 */
export function EmailSection({ heading, currentEmail, pending: initialPending }: EmailSectionProps) {
  const t = useTranslations("settings");
  const [pending, setPending] = useState(initialPending);
  const [result, setResult] = useState<Result | null>(null);
  // After a step, focus goes where the user continues: set only by their actions, never on page load.
  const [focus, setFocus] = useState<"notice" | "form" | null>(null);
  const noticeRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (focus === "notice") noticeRef.current?.focus();
  }, [focus, result]);

  return (
    <Card {...heading}>
      <CardBody className="space-y-5">
        <dl className="grid gap-x-4 gap-y-1 text-sm sm:grid-cols-[10rem_1fr]">
          <dt className="font-medium text-slate-600">{t("email.current")}</dt>
          <dd className="font-medium [overflow-wrap:anywhere] text-slate-900">{currentEmail}</dd>
        </dl>
        <div ref={noticeRef} tabIndex={-1} className="outline-none!">
          <LiveMessage tone={result?.ok ? "success" : "error"} message={result?.message} />
        </div>
        {pending ? (
          <ConfirmForm
            pending={pending}
            currentEmail={currentEmail}
            autoFocus={focus === "form"}
            onResult={(outcome, next) => {
              setResult(outcome);
              if (next === "pending") return;
              setPending(null);
              setFocus(next === "cancelled" ? "form" : "notice");
            }}
          />
        ) : (
          <RequestForm
            currentEmail={currentEmail}
            autoFocus={focus === "form"}
            onRequested={(next) => {
              setResult(null);
              setPending(next);
              setFocus("form");
            }}
            onResult={(outcome) => {
              setResult(outcome);
              setFocus(null);
            }}
          />
        )}
      </CardBody>
    </Card>
  );
}

type RequestFormProps = {
  currentEmail: string;
  autoFocus: boolean;
  onRequested: (pending: PendingEmailChange) => void;
  onResult: (result: Result | null) => void;
};

function RequestForm({ currentEmail, autoFocus, onRequested, onResult }: RequestFormProps) {
  const t = useTranslations("settings");
  const tv = useTranslations("validation");
  const form = useForm<RequestEmailChangeInput>({
    resolver: useZodResolver<RequestEmailChangeInput>(loadRequestSchema),
    defaultValues: { newEmail: "" },
  });
  const { run, pending: submitting } = useProtectedAction(requestEmailChangeAction, form);

  useEffect(() => {
    if (autoFocus) form.setFocus("newEmail");
  }, [autoFocus, form]);

  const submit = form.handleSubmit(async ({ newEmail }) => {
    onResult(null);
    if (newEmail === currentEmail)
      return form.setError("newEmail", { type: "client", message: tv("emailSameAsCurrent") }, { shouldFocus: true });
    const result = await run({ newEmail });
    if (result.ok && result.data) return onRequested(result.data);
    onResult(outcomeOf(result));
  });

  return (
    <form onSubmit={submit} onFocus={() => preloadSchema(loadRequestSchema)} noValidate className="space-y-4">
      <TextField
        form={form}
        name="newEmail"
        label={t("email.newEmail")}
        type="email"
        autoComplete="email"
        inputMode="email"
        spellCheck={false}
        description={t("email.newEmailHint")}
        className="sm:max-w-sm"
      />
      <Button type="submit" pending={submitting} pendingText={t("email.sending")}>
        {t("email.change")}
      </Button>
    </form>
  );
}

type ConfirmFormProps = {
  pending: PendingEmailChange;
  currentEmail: string;
  autoFocus: boolean;
  /** `next`: the change is still waiting for its code (e.g. after a wrong one), was confirmed or failed for good, or was cancelled. */
  onResult: (result: Result | null, next: "pending" | "ended" | "cancelled") => void;
};

function ConfirmForm({ pending, currentEmail, autoFocus, onResult }: ConfirmFormProps) {
  const t = useTranslations("settings");
  const te = useTranslations("errors");
  const [busy, setBusy] = useState<"confirm" | "cancel" | null>(null);
  const form = useForm<ConfirmEmailChangeInput>({
    resolver: useZodResolver<ConfirmEmailChangeInput>(loadConfirmSchema),
    defaultValues: { code: "" },
  });
  const focus = useFocusField(form);

  // The request form's button is gone; the code field is what the user needs next.
  useEffect(() => {
    if (autoFocus) form.setFocus("code");
  }, [autoFocus, form]);

  const confirm = form.handleSubmit(async ({ code }) => {
    onResult(null, "pending");
    setBusy("confirm");
    const result = await confirmEmailChangeAction({ ok: false }, { code }).catch(() => null);
    setBusy(null);
    if (result?.ok) return onResult({ ok: true, message: result.message ?? t("email.changed") }, "ended");
    form.reset({ code: "" });
    if (result?.code === "CODE_EXPIRED" || result?.code === "TOO_MANY_ATTEMPTS") {
      const message = result.code === "CODE_EXPIRED" ? t("email.codeExpired") : t("email.tooManyAttempts");
      return onResult({ ok: false, message }, "ended");
    }
    onResult({ ok: false, message: result?.message ?? errorMessage(te, "UNAVAILABLE") }, "pending");
    focus("code");
  });

  const cancel = async () => {
    onResult(null, "pending");
    setBusy("cancel");
    const result = await cancelEmailChangeAction({ ok: false }, {}).catch(() => null);
    setBusy(null);
    if (result?.ok) return onResult({ ok: true, message: t("email.cancelled", { email: pending.newEmail }) }, "cancelled");
    onResult({ ok: false, message: result?.message ?? errorMessage(te, "UNAVAILABLE") }, "pending");
  };

  return (
    <form onSubmit={confirm} onFocus={() => preloadSchema(loadConfirmSchema)} noValidate className="space-y-4">
      <Notice tone="info">
        {t.rich("email.sent", {
          email: pending.newEmail,
          currentEmail,
          strong: (chunks) => <strong className="font-semibold [overflow-wrap:anywhere]">{chunks}</strong>,
          time: () => <LocalTime iso={pending.expiresAt} />,
        })}
      </Notice>
      <CodeField form={form} name="code" label={t("email.codeLabel", { email: pending.newEmail })} className="sm:max-w-[14rem]" />
      <div className="flex flex-wrap gap-3">
        <Button type="submit" pending={busy === "confirm"} pendingText={t("email.confirming")} disabled={busy !== null}>
          {t("email.confirm")}
        </Button>
        <Button variant="secondary" onClick={cancel} pending={busy === "cancel"} disabled={busy !== null}>
          {t("email.useDifferent")}
        </Button>
      </div>
    </form>
  );
}
