"use client";

import * as Dialog from "@radix-ui/react-dialog";
import { disableTwoFactorAction } from "@/actions/two-factor";
import { useProtectedAction } from "@/components/step-up/use-protected-action";
import { ConfirmModal, ModalIcon } from "@/components/ui/dialog";

type TurnOffDialogProps = {
  /** `message` once 2FA is off; null if the user backed out. */
  onClose: (message: string | null) => void;
};

/** A confirmation, then step-up with both proofs (the emailed code and an authenticator or recovery code). */
export function TurnOffDialog({ onClose }: TurnOffDialogProps) {
  const { run, pending, outcome } = useProtectedAction(disableTwoFactorAction);

  const turnOff = async () => {
    const result = await run({});
    if (result.ok) onClose(result.message ?? "Two-step verification is off.");
  };

  return (
    <Dialog.Root open onOpenChange={(open) => !open && !pending && onClose(null)}>
      <ConfirmModal
        title="Turn off two-step verification?"
        description="Your password alone will sign in to your account, and your recovery codes will stop working. To confirm, we'll ask for a code from your email and one from your authenticator app (or a recovery code)."
        confirm={{ label: "Turn off", pendingText: "Turning off…", onClick: turnOff, variant: "danger" }}
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
