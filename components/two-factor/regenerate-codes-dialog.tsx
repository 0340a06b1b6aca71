"use client";

import * as Dialog from "@radix-ui/react-dialog";
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
          title="Save your new recovery codes"
          description="Your previous recovery codes no longer work. These 10 replace them."
          codes={codes}
          accountEmail={accountEmail}
          onDone={() => onClose(true)}
        />
      ) : (
        <ConfirmModal
          title="Create new recovery codes?"
          description="You'll get 10 new codes. Your current recovery codes stop working as soon as the new ones are created."
          confirm={{ label: "Create new codes", pendingText: "Creating…", onClick: create }}
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
