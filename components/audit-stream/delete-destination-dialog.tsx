"use client";

import * as Dialog from "@radix-ui/react-dialog";
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
  const { run, pending, outcome } = useProtectedAction(deleteStreamDestinationAction);
  const { done, onCloseAutoFocus } = useFocusAfter(focusAfterDelete);

  const confirm = async () => {
    const result = await run({ destinationId: destination.id });
    if (!result.ok) return;
    done();
    onDeleted(result.message ?? `Destination "${destination.name}" deleted.`);
  };

  return (
    <Dialog.Root open onOpenChange={(open) => !open && !pending && onClose()}>
      <ConfirmModal
        title={`Delete "${destination.name}"?`}
        description="Nothing more is sent to it, and its signing secret is thrown away. Adding it again starts a new position with a new secret."
        confirm={{ label: "Delete destination", pendingText: "Deleting…", onClick: confirm, variant: "danger" }}
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
