"use client";

import * as Dialog from "@radix-ui/react-dialog";
import { useTranslations } from "next-intl";
import { disableTwoFactorAction } from "@/actions/two-factor";
import { useProtectedAction } from "@/components/step-up/use-protected-action";
import { ConfirmModal, ModalIcon } from "@/components/ui/dialog";

type TurnOffDialogProps = {
  /** `message` once 2FA is off; null if the user backed out. */
  onClose: (message: string | null) => void;
};

/** A confirmation, then step-up with both proofs (the emailed code and an authenticator or recovery code). */
export function TurnOffDialog({ onClose }: TurnOffDialogProps) {
  const t = useTranslations("security");
  const { run, pending, outcome } = useProtectedAction(disableTwoFactorAction);

  const turnOff = async () => {
    const result = await run({});
    if (result.ok) onClose(result.message ?? t("twoFactor.turnedOff"));
  };

  return (
    <Dialog.Root open onOpenChange={(open) => !open && !pending && onClose(null)}>
      <ConfirmModal
        title={t("twoFactor.turnOffDialog.title")}
        description={t("twoFactor.turnOffDialog.description")}
        confirm={{
          label: t("twoFactor.turnOffDialog.confirm"),
          pendingText: t("twoFactor.turnOffDialog.pending"),
          onClick: turnOff,
          variant: "danger",
        }}
        pending={pending}
        error={outcome?.message}
        onCloseAutoFocus={(event) => event.preventDefault()}
        icon={
          <ModalIcon tone="red">
            <path d="M12 3l7 3v5c0 4.5-3 8.5-7 10-4-1.5-7-5.5-7-10V6l7-3z" />
            <path d="m9.5 9.5 5 5m0-5-5 5" />
          </ModalIcon>
        }
      />
    </Dialog.Root>
  );
}
