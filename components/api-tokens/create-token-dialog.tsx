"use client";

import * as Dialog from "@radix-ui/react-dialog";
import { useFormatter, useTranslations } from "next-intl";
import { useId, useState, type RefObject } from "react";
import { useForm, type UseFormReturn } from "react-hook-form";
import { createApiTokenAction } from "@/actions/api-tokens";
import { CreatedToken } from "@/components/api-tokens/created-token";
import { TextField } from "@/components/forms/text-field";
import { useZodResolver } from "@/components/forms/use-zod-resolver";
import { useProtectedAction } from "@/components/step-up/use-protected-action";
import { Button } from "@/components/ui/button";
import { DialogActions, Modal, ModalIcon } from "@/components/ui/dialog";
import { LiveMessage } from "@/components/ui/notice";
import {
  createApiTokenSchema,
  EXPIRY_PRESETS,
  MAX_TOKEN_DAYS,
  tokenExpiry,
  type ApiTokenScope,
  type CreateApiTokenInput,
} from "@/shared/api-tokens";

const DAY_MS = 24 * 60 * 60 * 1000;
const EXPIRY_CHOICES = [...EXPIRY_PRESETS, "custom"] as const;

type CreateTokenDialogProps = {
  scopes: ApiTokenScope[];
  onClose: () => void;
  /** The button that opened it, where focus goes back (it is no Dialog.Trigger, which Radix would return to). */
  opener: RefObject<HTMLButtonElement | null>;
};

/** Mounted only while open (the section's "Create token" opens it), so the plaintext token is dropped the moment it closes. */
export function CreateTokenDialog({ scopes, onClose, opener }: CreateTokenDialogProps) {
  return (
    <Dialog.Root open onOpenChange={(open) => !open && onClose()}>
      <CreateTokenPanel scopes={scopes} onClose={onClose} opener={opener} />
    </Dialog.Root>
  );
}

type Created = { token: string; name: string };

function CreateTokenPanel({ scopes, onClose, opener }: CreateTokenDialogProps) {
  const t = useTranslations("security");
  const returnFocus = (event: Event) => {
    event.preventDefault();
    opener.current?.focus();
  };
  const [created, setCreated] = useState<Created | null>(null);
  const form = useForm<CreateApiTokenInput>({
    // The schema's output (sorted scopes, cleared date) is itself valid input, so one type serves both.
    resolver: useZodResolver<CreateApiTokenInput>(createApiTokenSchema),
    defaultValues: { name: "", scopes: [], expiry: "30", expiresOn: "" },
    mode: "onTouched",
  });

  const { run, pending, outcome } = useProtectedAction(createApiTokenAction, form);

  const submit = form.handleSubmit(async (values) => {
    const result = await run(values);
    if (result.ok && result.data) setCreated({ token: result.data.token, name: result.data.apiToken.name });
  });

  if (created) {
    return (
      <Modal
        className="sm:max-w-lg"
        onCloseAutoFocus={returnFocus}
        title={t("tokens.created.title", { name: created.name })}
        icon={
          <ModalIcon tone="emerald">
            <path d="m5 12.5 4.5 4.5L19 7.5" />
          </ModalIcon>
        }
      >
        <CreatedToken token={created.token} onDone={onClose} />
      </Modal>
    );
  }

  return (
    <Modal
      className="sm:max-w-lg"
      onCloseAutoFocus={returnFocus}
      title={t("tokens.create.title")}
      description={t("tokens.create.description")}
      dismissible={!pending}
    >
      <form onSubmit={submit} noValidate className="space-y-6">
        <LiveMessage tone="error" message={outcome?.message} />
        <TextField
          form={form}
          name="name"
          label={t("tokens.create.nameLabel")}
          placeholder={t("tokens.create.namePlaceholder")}
          autoComplete="off"
          description={t("tokens.create.nameHint")}
        />
        <ScopeFields form={form} scopes={scopes} />
        <ExpiryFields form={form} />
        <DialogActions busy={pending} bordered>
          <Button type="submit" pending={pending} pendingText={t("tokens.create.pending")}>
            {t("tokens.create.submit")}
          </Button>
        </DialogActions>
      </form>
    </Modal>
  );
}

type FieldsProps = { form: UseFormReturn<CreateApiTokenInput> };

function ScopeFields({ form, scopes }: FieldsProps & { scopes: ApiTokenScope[] }) {
  const t = useTranslations("security");
  const id = useId();
  const message = form.formState.errors.scopes?.message;
  const error = message || undefined;
  return (
    <fieldset aria-describedby={error ? `${id}-error` : undefined}>
      <legend className="text-sm font-medium text-slate-800">{t("tokens.create.scopesLegend")}</legend>
      <div className="mt-2 space-y-2">
        {scopes.map((scope) => (
          <label
            key={scope}
            className="flex cursor-pointer items-start gap-3 rounded-lg p-3 ring-1 ring-slate-200 transition-colors ring-inset hover:bg-slate-50 has-checked:bg-indigo-50/60 has-checked:ring-indigo-300"
          >
            <input
              type="checkbox"
              value={scope}
              {...form.register("scopes")}
              className="mt-0.5 size-4 rounded border-slate-300 accent-indigo-600"
            />
            <span className="min-w-0">
              <span className="block font-mono text-sm font-medium text-slate-900">{scope}</span>
              <span className="block text-sm text-slate-600">{t(`tokens.scopes.${scope}`)}</span>
            </span>
          </label>
        ))}
      </div>
      {error && (
        <p id={`${id}-error`} className="mt-1.5 text-sm text-red-700">
          {error}
        </p>
      )}
    </fieldset>
  );
}

function ExpiryFields({ form }: FieldsProps) {
  const t = useTranslations("security");
  const format = useFormatter();
  const id = useId();
  const [expiry, expiresOn] = form.watch(["expiry", "expiresOn"]);
  const expiryMessage = form.formState.errors.expiry?.message;
  const expiryError = expiryMessage || undefined;
  const dateError = form.formState.errors.expiresOn?.message;
  const { today, latest } = customDateBounds();
  const preview =
    expiry !== "custom" || (expiresOn && !dateError)
      ? format.dateTime(tokenExpiry({ expiry, expiresOn: expiresOn ?? "" }), "dateAndTime")
      : null;
  return (
    <fieldset aria-describedby={`${id}-preview${expiryError ? ` ${id}-error` : ""}`}>
      <legend className="text-sm font-medium text-slate-800">{t("tokens.create.expiryLegend")}</legend>
      <div className="mt-2 grid grid-cols-3 gap-2 sm:grid-cols-5">
        {EXPIRY_CHOICES.map((choice) => (
          <label
            key={choice}
            className="flex cursor-pointer items-center justify-center rounded-lg px-3 py-2 text-sm font-medium text-slate-700 ring-1 ring-slate-300 transition-colors ring-inset hover:bg-slate-50 has-checked:bg-indigo-600 has-checked:text-white has-checked:ring-indigo-600 has-focus-visible:outline-2 has-focus-visible:outline-offset-2 has-focus-visible:outline-indigo-600"
          >
            <input type="radio" value={choice} {...form.register("expiry")} className="sr-only" />
            {t(`tokens.create.expiryChoices.${choice}`)}
          </label>
        ))}
      </div>
      {expiryError && (
        <p id={`${id}-error`} className="mt-1.5 text-sm text-red-700">
          {expiryError}
        </p>
      )}
      {expiry === "custom" && (
        <div className="mt-3">
          <TextField
            form={form}
            name="expiresOn"
            label={t("tokens.create.customDateLabel")}
            type="date"
            min={today}
            max={latest}
            className="sm:max-w-[12rem]"
          />
        </div>
      )}
      <p id={`${id}-preview`} className="mt-2 text-xs text-slate-600">
        {preview ? t("tokens.create.expiryPreview", { date: preview }) : t("tokens.create.expiryPick", { max: MAX_TOKEN_DAYS })}
      </p>
    </fieldset>
  );
}

/** The date input's range in UTC, matching how the server turns a date into an expiry. */
function customDateBounds(now = Date.now()): { today: string; latest: string } {
  const isoDate = (time: number) => new Date(time).toISOString().slice(0, 10);
  // The token lasts until the end of the chosen day, which must be within MAX_TOKEN_DAYS of now.
  return { today: isoDate(now), latest: isoDate(now + MAX_TOKEN_DAYS * DAY_MS - DAY_MS + 1000) };
}
