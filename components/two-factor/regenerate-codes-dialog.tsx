"use client";

import * as Dialog from "@radix-ui/react-dialog";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { regenerateRecoveryCodesAction } from "@/actions/two-factor";
import { useProtectedAction } from "@/components/step-up/use-protected-action";
import { RecoveryCodesModal } from "@/components/two-factor/recovery-codes";
import { ConfirmModal, ModalIcon } from "@/components/ui/dialog";

type RegenerateCodesDialogProps = {
  accountEmail: string;
  /** `created`: a new set exists (and was saved); false if the user backed out. */
  onClose: (created: boolean) => void;
};

/** "Create new recovery codes": a confirmation, step-up, then the new set shown once. */
export function RegenerateCodesDialog({ accountEmail, onClose }: RegenerateCodesDialogProps) {
  const t = useTranslations("security");
  const { run, pending, outcome } = useProtectedAction(regenerateRecoveryCodesAction);
  const [codes, setCodes] = useState<string[] | null>(null);

  const create = async () => {
    const result = await run({});
    if (result.ok && result.data) setCodes(result.data.recoveryCodes);
  };

  return (
    <Dialog.Root open onOpenChange={(open) => !open && !pending && !codes && onClose(false)}>
      {codes ? (
        <RecoveryCodesModal
          title={t("twoFactor.regenerateDialog.codesTitle")}
          description={t("twoFactor.regenerateDialog.codesDescription")}
          codes={codes}
          accountEmail={accountEmail}
          onDone={() => onClose(true)}
        />
      ) : (
        <ConfirmModal
          title={t("twoFactor.regenerateDialog.title")}
          description={t("twoFactor.regenerateDialog.description")}
          confirm={{
            label: t("twoFactor.regenerateDialog.confirm"),
            pendingText: t("twoFactor.regenerateDialog.pending"),
            onClick: create,
          }}
          pending={pending}
          error={outcome?.ok ? null : outcome?.message}
          onCloseAutoFocus={(event) => event.preventDefault()}
          icon={
            <ModalIcon>
              <path d="M4 12a8 8 0 0 1 14-5.3M20 12a8 8 0 0 1-14 5.3" />
              <path d="M18 3v4h-4M6 21v-4h4" />
            </ModalIcon>
          }
        />
      )}
    </Dialog.Root>
  );
}
