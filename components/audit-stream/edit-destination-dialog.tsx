"use client";

import * as Dialog from "@radix-ui/react-dialog";
import { useTranslations } from "next-intl";
import type { RefObject } from "react";
import { useForm } from "react-hook-form";
import { updateStreamDestinationAction } from "@/actions/audit-stream";
import { DestinationFields, destinationResolver, type DestinationFormValues } from "@/components/audit-stream/destination-fields";
import { useFocusAfter } from "@/components/audit-stream/use-focus-after";
import { useProtectedAction } from "@/components/step-up/use-protected-action";
import { Button } from "@/components/ui/button";
import { DialogActions, Modal } from "@/components/ui/dialog";
import { LiveMessage } from "@/components/ui/notice";
import { updateStreamDestinationSchemaFor, type StreamDestinationDto } from "@/shared/audit-stream";

type EditDestinationDialogProps = {
  destination: StreamDestinationDto;
  allowLoopbackHttp: boolean;
  onClose: () => void;
  onSaved: (message: string) => void;
  /** Where focus goes after saving: the page's status line, which says what changed. */
  focusAfterSave: RefObject<HTMLElement | null>;
};

export function EditDestinationDialog({ destination, allowLoopbackHttp, onClose, onSaved, focusAfterSave }: EditDestinationDialogProps) {
  const t = useTranslations("admin");
  const tc = useTranslations("common");
  const tv = useTranslations("validation");
  const form = useForm<DestinationFormValues>({
    resolver: destinationResolver(updateStreamDestinationSchemaFor({ allowLoopbackHttp }), tv),
    defaultValues: {
      destinationId: destination.id,
      name: destination.name,
      url: destination.url,
      batchSize: String(destination.batchSize),
      start: "new",
    },
    // Errors appear on submit, not on blur: one appearing as focus leaves a field would move the button being clicked.
    mode: "onSubmit",
  });
  const { run, pending, outcome } = useProtectedAction(updateStreamDestinationAction, form);
  const { done, onCloseAutoFocus } = useFocusAfter(focusAfterSave);

  const submit = form.handleSubmit(async ({ destinationId, name, url, batchSize }) => {
    const result = await run({ destinationId, name, url, batchSize });
    if (!result.ok) return;
    done();
    onSaved(result.message ?? t("streaming.edit.done", { name }));
  });

  return (
    <Dialog.Root open onOpenChange={(open) => !open && !pending && onClose()}>
      <Modal
        className="sm:max-w-lg"
        title={t("streaming.edit.title", { name: destination.name })}
        description={t("streaming.edit.description")}
        dismissible={!pending}
        onCloseAutoFocus={onCloseAutoFocus}
      >
        <form onSubmit={submit} noValidate className="space-y-6">
          <LiveMessage tone="error" message={outcome?.ok ? null : outcome?.message} />
          <DestinationFields form={form} allowLoopbackHttp={allowLoopbackHttp} />
          <DialogActions busy={pending} bordered>
            <Button type="submit" pending={pending} pendingText={tc("saving")}>
              {t("streaming.edit.submit")}
            </Button>
          </DialogActions>
        </form>
      </Modal>
    </Dialog.Root>
  );
}
