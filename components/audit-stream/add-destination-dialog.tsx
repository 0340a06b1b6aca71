"use client";

import * as Dialog from "@radix-ui/react-dialog";
import { useTranslations } from "next-intl";
import { useId, useState } from "react";
import { useForm, type UseFormReturn } from "react-hook-form";
import { addStreamDestinationAction, type AddedStreamDestination } from "@/actions/audit-stream";
import { CreatedSecret } from "@/components/audit-stream/created-secret";
import { DestinationFields, destinationResolver, type DestinationFormValues } from "@/components/audit-stream/destination-fields";
import { useProtectedAction } from "@/components/step-up/use-protected-action";
import { Button } from "@/components/ui/button";
import { DialogActions, Modal, ModalIcon } from "@/components/ui/dialog";
import { LiveMessage } from "@/components/ui/notice";
import { addStreamDestinationSchemaFor, STREAM_BATCH_SIZE } from "@/shared/audit-stream";

export function AddDestinationDialog({ allowLoopbackHttp, onAdded }: { allowLoopbackHttp: boolean; onAdded: (message: string) => void }) {
  const t = useTranslations("admin");
  const [open, setOpen] = useState(false);
  return (
    <Dialog.Root open={open} onOpenChange={setOpen}>
      <Dialog.Trigger asChild>
        <Button className="shrink-0">
          <svg aria-hidden="true" viewBox="0 0 20 20" className="size-4" fill="currentColor">
            <path d="M10 4a1 1 0 0 1 1 1v4h4a1 1 0 1 1 0 2h-4v4a1 1 0 1 1-2 0v-4H5a1 1 0 1 1 0-2h4V5a1 1 0 0 1 1-1Z" />
          </svg>
          {t("streaming.add.button")}
        </Button>
      </Dialog.Trigger>
      {/* Mounted only while open, so the plaintext secret is dropped the moment the dialog closes. */}
      {open && <AddDestinationPanel allowLoopbackHttp={allowLoopbackHttp} onAdded={onAdded} onDone={() => setOpen(false)} />}
    </Dialog.Root>
  );
}

function AddDestinationPanel({
  allowLoopbackHttp,
  onAdded,
  onDone,
}: {
  allowLoopbackHttp: boolean;
  onAdded: (message: string) => void;
  onDone: () => void;
}) {
  const t = useTranslations("admin");
  const tv = useTranslations("validation");
  const [added, setAdded] = useState<AddedStreamDestination | null>(null);
  const form = useForm<DestinationFormValues>({
    // The deployment's own URL rule, so a URL the server would refuse is caught here already.
    resolver: destinationResolver(addStreamDestinationSchemaFor({ allowLoopbackHttp }), tv),
    defaultValues: { destinationId: "", name: "", url: "", batchSize: String(STREAM_BATCH_SIZE.default), start: "new" },
    // Errors appear on submit, not on blur: one appearing as focus leaves a field would move the button being clicked.
    mode: "onSubmit",
  });
  const { run, pending, outcome } = useProtectedAction(addStreamDestinationAction, form);

  const submit = form.handleSubmit(async ({ name, url, batchSize, start }) => {
    const result = await run({ name, url, batchSize, start });
    if (!result.ok || !result.data) return;
    setAdded(result.data);
    onAdded(result.message ?? t("streaming.add.done", { name: result.data.destination.name }));
  });

  if (added) {
    return (
      <Modal
        className="sm:max-w-lg"
        title={t("streaming.add.addedTitle", { name: added.destination.name })}
        description={t("streaming.add.addedDescription")}
        icon={
          <ModalIcon tone="emerald">
            <path d="m5 12.5 4.5 4.5L19 7.5" />
          </ModalIcon>
        }
      >
        <CreatedSecret secret={added.secret} onDone={onDone} />
      </Modal>
    );
  }

  return (
    <Modal className="sm:max-w-lg" title={t("streaming.add.title")} description={t("streaming.add.description")} dismissible={!pending}>
      <form onSubmit={submit} noValidate className="space-y-6">
        <LiveMessage tone="error" message={outcome?.ok ? null : outcome?.message} />
        <DestinationFields form={form} allowLoopbackHttp={allowLoopbackHttp} />
        <StartFields form={form} />
        <DialogActions busy={pending} bordered>
          <Button type="submit" pending={pending} pendingText={t("streaming.add.pending")}>
            {t("streaming.add.button")}
          </Button>
        </DialogActions>
      </form>
    </Modal>
  );
}

function StartFields({ form }: { form: UseFormReturn<DestinationFormValues> }) {
  const t = useTranslations("admin");
  const id = useId();
  const choices = [
    { value: "new", label: t("streaming.add.startNew"), description: t("streaming.add.startNewDescription") },
    { value: "all", label: t("streaming.add.startAll"), description: t("streaming.add.startAllDescription") },
  ] as const;
  const error = form.formState.errors.start?.message;
  return (
    <fieldset aria-describedby={error ? `${id}-error` : undefined}>
      <legend className="text-sm font-medium text-slate-800">{t("streaming.add.startFrom")}</legend>
      <div className="mt-2 space-y-2">
        {choices.map((choice) => (
          <label
            key={choice.value}
            className="flex cursor-pointer items-start gap-3 rounded-lg p-3 ring-1 ring-slate-200 transition-colors ring-inset hover:bg-slate-50 has-checked:bg-indigo-50/60 has-checked:ring-indigo-300"
          >
            <input
              type="radio"
              value={choice.value}
              {...form.register("start")}
              className="mt-0.5 size-4 border-slate-300 accent-indigo-600"
            />
            <span className="min-w-0">
              <span className="block text-sm font-medium text-slate-900">{choice.label}</span>
              <span className="block text-sm text-slate-600">{choice.description}</span>
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
