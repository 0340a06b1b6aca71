"use client";

import * as Dialog from "@radix-ui/react-dialog";
import { useTranslations } from "next-intl";
import { removePasskeyAction } from "@/actions/passkeys";
import { useProtectedAction } from "@/components/step-up/use-protected-action";
import { ConfirmModal, ModalIcon } from "@/components/ui/dialog";
import type { PasskeyDto } from "@/shared/passkeys";

type RemovePasskeyDialogProps = {
  passkey: PasskeyDto;
  onClose: () => void;
  onRemoved: (message: string) => void;
  /** Radix would return focus to a Dialog.Trigger, and there is none: the section knows where it goes. */
  returnFocus: () => void;
};

export function RemovePasskeyDialog({ passkey, onClose, onRemoved, returnFocus }: RemovePasskeyDialogProps) {
  const t = useTranslations("security");
  const { run, pending, outcome } = useProtectedAction(removePasskeyAction);

  const remove = async () => {
    const result = await run({ passkeyId: passkey.id });
    if (result.ok) onRemoved(result.message ?? t("passkeys.removeDialog.done"));
  };

  return (
    <Dialog.Root open onOpenChange={(open) => !open && !pending && onClose()}>
      <ConfirmModal
        title={t("passkeys.removeDialog.title", { name: passkey.name })}
        description={t("passkeys.removeDialog.description")}
        confirm={{
          label: t("passkeys.removeDialog.confirm"),
          pendingText: t("passkeys.removeDialog.pending"),
          onClick: remove,
          variant: "danger",
        }}
        pending={pending}
        error={outcome?.ok ? null : outcome?.message}
        onCloseAutoFocus={(event) => {
          event.preventDefault();
          returnFocus();
        }}
        icon={
          <ModalIcon tone="red">
            <circle cx="12" cy="12" r="9" />
            <path d="m5.6 5.6 12.8 12.8" />
          </ModalIcon>
        }
      >
        <p className="rounded-md bg-slate-50 px-3 py-2 text-sm text-slate-600 ring-1 ring-slate-200 ring-inset">
          {t("passkeys.removeDialog.note")}
        </p>
      </ConfirmModal>
    </Dialog.Root>
  );
}
