"use client";

import * as Dialog from "@radix-ui/react-dialog";
import { useTranslations } from "next-intl";
import type { RefObject } from "react";
import { deleteStreamDestinationAction } from "@/actions/audit-stream";
import { useFocusAfter } from "@/components/audit-stream/use-focus-after";
import { useProtectedAction } from "@/components/step-up/use-protected-action";
import { ConfirmModal, ModalIcon } from "@/components/ui/dialog";
import type { StreamDestinationDto } from "@/shared/audit-stream";

type DeleteDestinationDialogProps = {
  destination: StreamDestinationDto;
  onClose: () => void;
  onDeleted: (message: string) => void;
  /** Where focus goes after deleting, since the destination and its buttons are gone. */
  focusAfterDelete: RefObject<HTMLElement | null>;
};

export function DeleteDestinationDialog({ destination, onClose, onDeleted, focusAfterDelete }: DeleteDestinationDialogProps) {
  const t = useTranslations("admin");
  const { run, pending, outcome } = useProtectedAction(deleteStreamDestinationAction);
  const { done, onCloseAutoFocus } = useFocusAfter(focusAfterDelete);

  const confirm = async () => {
    const result = await run({ destinationId: destination.id });
    if (!result.ok) return;
    done();
    onDeleted(result.message ?? t("streaming.delete.done", { name: destination.name }));
  };

  return (
    <Dialog.Root open onOpenChange={(open) => !open && !pending && onClose()}>
      <ConfirmModal
        title={t("streaming.delete.title", { name: destination.name })}
        description={t("streaming.delete.description")}
        confirm={{ label: t("streaming.delete.confirm"), pendingText: t("streaming.delete.pending"), onClick: confirm, variant: "danger" }}
        pending={pending}
        error={outcome?.ok ? null : outcome?.message}
        onCloseAutoFocus={onCloseAutoFocus}
        icon={
          <ModalIcon tone="red">
            <path d="M4 7h16M10 11v6M14 11v6M6 7l1 12a2 2 0 0 0 2 2h6a2 2 0 0 0 2-2l1-12M9 7V4h6v3" />
          </ModalIcon>
        }
      >
        <p className="rounded-md bg-slate-50 px-3 py-2 font-mono text-xs [overflow-wrap:anywhere] text-slate-700 ring-1 ring-slate-200 ring-inset">
          {destination.url}
        </p>
      </ConfirmModal>
    </Dialog.Root>
  );
}
