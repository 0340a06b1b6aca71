"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import * as Dialog from "@radix-ui/react-dialog";
import { useId, useState } from "react";
import { useForm, type Resolver, type UseFormReturn } from "react-hook-form";
import { createApiTokenAction } from "@/actions/api-tokens";
import { CreatedToken } from "@/components/api-tokens/created-token";
import { TextField } from "@/components/forms/text-field";
import { useProtectedAction } from "@/components/step-up/use-protected-action";
import { Button } from "@/components/ui/button";
import { DialogActions, Modal, ModalIcon } from "@/components/ui/dialog";
import { LiveMessage } from "@/components/ui/notice";
import {
  API_TOKEN_SCOPES,
  createApiTokenSchema,
  EXPIRY_PRESETS,
  MAX_TOKEN_DAYS,
  tokenExpiry,
  type ApiTokenScope,
  type CreateApiTokenInput,
} from "@/shared/api-tokens";
import { formatDateTime } from "@/shared/format";

const DAY_MS = 24 * 60 * 60 * 1000;
const EXPIRY_LABELS: Record<CreateApiTokenInput["expiry"], string> = {
  "7": "7 days",
  "30": "30 days",
  "90": "90 days",
  "365": "1 year",
  custom: "Custom",
};
const EXPIRY_CHOICES = [...EXPIRY_PRESETS, "custom"] as const;

export function CreateTokenDialog({ disabled, scopes }: { disabled: boolean; scopes: ApiTokenScope[] }) {
  const [open, setOpen] = useState(false);
  return (
    <Dialog.Root open={open} onOpenChange={setOpen}>
      <Dialog.Trigger asChild>
        <Button disabled={disabled} className="shrink-0">
          <svg aria-hidden="true" viewBox="0 0 20 20" className="size-4" fill="currentColor">
            <path d="M10 4a1 1 0 0 1 1 1v4h4a1 1 0 1 1 0 2h-4v4a1 1 0 1 1-2 0v-4H5a1 1 0 1 1 0-2h4V5a1 1 0 0 1 1-1Z" />
          </svg>
          Create token
        </Button>
      </Dialog.Trigger>
      {/* Mounted only while open, so the plaintext token is dropped the moment the dialog closes. */}
      {open && <CreateTokenPanel scopes={scopes} onDone={() => setOpen(false)} />}
    </Dialog.Root>
  );
}

type Created = { token: string; name: string };

function CreateTokenPanel({ scopes, onDone }: { scopes: ApiTokenScope[]; onDone: () => void }) {
  const [created, setCreated] = useState<Created | null>(null);
  const form = useForm<CreateApiTokenInput>({
    // The schema's output (sorted scopes, cleared date) is itself valid input, so one type serves both.
    resolver: zodResolver(createApiTokenSchema) as unknown as Resolver<CreateApiTokenInput>,
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
        title={`Token "${created.name}" created`}
        icon={
          <ModalIcon tone="emerald">
            <path d="m5 12.5 4.5 4.5L19 7.5" />
          </ModalIcon>
        }
      >
        <CreatedToken token={created.token} onDone={onDone} />
      </Modal>
    );
  }

  return (
    <Modal
      className="sm:max-w-lg"
      title="Create an API token"
      description="Scripts and CI jobs send it as a Bearer token. Give it only the scopes it needs."
      dismissible={!pending}
    >
      <form onSubmit={submit} noValidate className="space-y-6">
        <LiveMessage tone="error" message={outcome?.message} />
        <TextField
          form={form}
          name="name"
          label="Name"
          placeholder="e.g. CI deploy"
          autoComplete="off"
          description="Up to 64 characters, so you can tell your tokens apart."
        />
        <ScopeFields form={form} scopes={scopes} />
        <ExpiryFields form={form} />
        <DialogActions busy={pending} bordered>
          <Button type="submit" pending={pending} pendingText="Creating…">
            Create token
          </Button>
        </DialogActions>
      </form>
    </Modal>
  );
}

type FieldsProps = { form: UseFormReturn<CreateApiTokenInput> };

function ScopeFields({ form, scopes }: FieldsProps & { scopes: ApiTokenScope[] }) {
  const id = useId();
  const error = form.formState.errors.scopes?.message;
  return (
    <fieldset aria-describedby={error ? `${id}-error` : undefined}>
      <legend className="text-sm font-medium text-slate-800">Scopes</legend>
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
              <span className="block text-sm text-slate-600">{API_TOKEN_SCOPES[scope]}</span>
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
  const id = useId();
  const [expiry, expiresOn] = form.watch(["expiry", "expiresOn"]);
  const expiryError = form.formState.errors.expiry?.message;
  const dateError = form.formState.errors.expiresOn?.message;
  const { today, latest } = customDateBounds();
  const preview =
    expiry !== "custom" || (expiresOn && !dateError) ? formatDateTime(tokenExpiry({ expiry, expiresOn: expiresOn ?? "" })) : null;
  return (
    <fieldset aria-describedby={`${id}-preview${expiryError ? ` ${id}-error` : ""}`}>
      <legend className="text-sm font-medium text-slate-800">Expires after</legend>
      <div className="mt-2 grid grid-cols-3 gap-2 sm:grid-cols-5">
        {EXPIRY_CHOICES.map((choice) => (
          <label
            key={choice}
            className="flex cursor-pointer items-center justify-center rounded-lg px-3 py-2 text-sm font-medium text-slate-700 ring-1 ring-slate-300 transition-colors ring-inset hover:bg-slate-50 has-checked:bg-indigo-600 has-checked:text-white has-checked:ring-indigo-600 has-focus-visible:outline-2 has-focus-visible:outline-offset-2 has-focus-visible:outline-indigo-600"
          >
            <input type="radio" value={choice} {...form.register("expiry")} className="sr-only" />
            {EXPIRY_LABELS[choice]}
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
            label="Expiry date (UTC)"
            type="date"
            min={today}
            max={latest}
            className="sm:max-w-[12rem]"
          />
        </div>
      )}
      <p id={`${id}-preview`} className="mt-2 text-xs text-slate-600">
        {preview ? `This token will stop working on ${preview}.` : `Pick a date up to ${MAX_TOKEN_DAYS} days from today.`}
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
