"use client";

import * as Dialog from "@radix-ui/react-dialog";
import { useFormatter, useTranslations } from "next-intl";
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
  const t = useTranslations("security");
  const format = useFormatter();
  const { run, pending, outcome } = useProtectedAction(revokeAction);
  const revoked = useRef(false);

  const revoke = async () => {
    const result = await run({ tokenId: token.id });
    if (!result.ok) return;
    revoked.current = true;
    onRevoked(result.message ?? t("tokens.revokeDialog.done", { name: token.name }));
  };

  return (
    <Dialog.Root open onOpenChange={(open) => !open && !pending && onClose()}>
      <ConfirmModal
        title={t("tokens.revokeDialog.title", { name: token.name })}
        description={t("tokens.revokeDialog.description")}
        confirm={{
          label: t("tokens.revokeDialog.confirm"),
          pendingText: t("tokens.revokeDialog.pending"),
          onClick: revoke,
          variant: "danger",
        }}
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
          {t.rich("tokens.revokeDialog.summary", {
            prefix: token.displayPrefix,
            scopes: format.list(token.scopes, { type: "unit" }),
            mono: (chunks) => <span className="font-mono text-slate-900">{chunks}</span>,
          })}
        </p>
      </ConfirmModal>
    </Dialog.Root>
  );
}
