"use client";

import * as Dialog from "@radix-ui/react-dialog";
import { useRef, type RefObject } from "react";
import { revokeApiTokenAction } from "@/actions/api-tokens";
import type { ProtectedAction } from "@/components/step-up/step-up-provider";
import { useProtectedAction } from "@/components/step-up/use-protected-action";
import { ConfirmModal, ModalIcon } from "@/components/ui/dialog";
import type { ApiTokenDto } from "@/shared/api-tokens";

type RevokeTokenDialogProps = {
  token: ApiTokenDto;
  onClose: () => void;
  onRevoked: (message: string) => void;
  /** Where focus goes after a revoke, since the row's Revoke button disappears. */
  focusAfterRevoke: RefObject<HTMLElement | null>;
  /** The owner's own revoke by default; the admin overview passes its own. */
  revokeAction?: ProtectedAction<unknown>;
};

export function RevokeTokenDialog({
  token,
  onClose,
  onRevoked,
  focusAfterRevoke,
  revokeAction = revokeApiTokenAction,
}: RevokeTokenDialogProps) {
  const { run, pending, outcome } = useProtectedAction(revokeAction);
  const revoked = useRef(false);

  const revoke = async () => {
    const result = await run({ tokenId: token.id });
    if (!result.ok) return;
    revoked.current = true;
    onRevoked(result.message ?? `Token "${token.name}" was revoked.`);
  };

  return (
    <Dialog.Root open onOpenChange={(open) => !open && !pending && onClose()}>
      <ConfirmModal
        title={`Revoke token "${token.name}"?`}
        description="Apps using it stop working immediately. This can't be undone."
        confirm={{ label: "Revoke token", pendingText: "Revoking…", onClick: revoke, variant: "danger" }}
        pending={pending}
        error={outcome?.message}
        onCloseAutoFocus={(event) => {
          if (!revoked.current) return;
          event.preventDefault();
          focusAfterRevoke.current?.focus();
        }}
        icon={
          <ModalIcon tone="red">
            <circle cx="12" cy="12" r="9" />
            <path d="m5.6 5.6 12.8 12.8" />
          </ModalIcon>
        }
      >
        <p className="rounded-md bg-slate-50 px-3 py-2 text-sm text-slate-600 ring-1 ring-slate-200 ring-inset">
          Token <span className="font-mono text-slate-900">{token.displayPrefix}…</span> with {token.scopes.join(", ")}
        </p>
      </ConfirmModal>
    </Dialog.Root>
  );
}
