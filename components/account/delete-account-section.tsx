"use client";

import * as Dialog from "@radix-ui/react-dialog";
import { useTranslations } from "next-intl";
import { useEffect, useRef, useState } from "react";
import { useForm } from "react-hook-form";
import { deleteAccountAction } from "@/actions/account";
import { TextField } from "@/components/forms/text-field";
import { useZodResolver } from "@/components/forms/use-zod-resolver";
import { useProtectedAction } from "@/components/step-up/use-protected-action";
import { Button } from "@/components/ui/button";
import { Card, CardBody, type CardHeading } from "@/components/ui/card";
import { ConfirmModal, ModalIcon } from "@/components/ui/dialog";
import { Notice } from "@/components/ui/notice";
import { issueText } from "@/i18n/issues";
import {
  ACCOUNT_DELETED_PATH,
  confirmsAccountEmail,
  DELETE_CONFIRMATION_MISMATCH,
  deleteAccountSchema,
  type DeleteAccountInput,
} from "@/shared/account";
import { errorMessage } from "@/shared/errors";

type DeleteAccountSectionProps = {
  heading: CardHeading;
  email: string;
  /** The only active administrator: the app cannot do without this account, so nothing is offered. */
  lastAdmin: boolean;
};

/** The danger zone: what deleting removes, then the address typed again, then step-up with every proof the account has. */
export function DeleteAccountSection({ heading, email, lastAdmin }: DeleteAccountSectionProps) {
  const t = useTranslations("settings");
  const te = useTranslations("errors");
  const [open, setOpen] = useState(false);
  const [closedCount, setClosedCount] = useState(0);
  const openRef = useRef<HTMLButtonElement>(null);

  // Back to the button that opened the dialog once it closes without deleting.
  useEffect(() => {
    if (closedCount > 0) openRef.current?.focus();
  }, [closedCount]);

  return (
    <Card {...heading}>
      <CardBody className="space-y-4 text-sm text-slate-700">
        <p>{t("deleteAccount.intro")}</p>
        <ul className="list-disc space-y-1 pl-5">
          <li>{t("deleteAccount.removes.password")}</li>
          <li>{t("deleteAccount.removes.tokens")}</li>
          <li>{t("deleteAccount.removes.twoStep")}</li>
          <li>{t("deleteAccount.removes.pending")}</li>
        </ul>
        <p>
          {t.rich("deleteAccount.afterwards", {
            email,
            strong: (chunks) => <span className="font-medium [overflow-wrap:anywhere] text-slate-900">{chunks}</span>,
          })}
        </p>
        {lastAdmin ? (
          <Notice tone="warning">{errorMessage(te, "LAST_ADMIN")}</Notice>
        ) : (
          <>
            <Notice tone="warning">
              <strong className="font-semibold">{t("deleteAccount.irreversible")}</strong>
            </Notice>
            <Button ref={openRef} variant="danger" onClick={() => setOpen(true)}>
              {t("deleteAccount.open")}
            </Button>
          </>
        )}
      </CardBody>
      {open && (
        <DeleteAccountDialog
          email={email}
          onClose={() => {
            setOpen(false);
            setClosedCount((count) => count + 1);
          }}
        />
      )}
    </Card>
  );
}

function DeleteAccountDialog({ email, onClose }: { email: string; onClose: () => void }) {
  const t = useTranslations("settings");
  const tv = useTranslations("validation");
  const form = useForm<DeleteAccountInput>({
    resolver: useZodResolver<DeleteAccountInput>(deleteAccountSchema),
    defaultValues: { confirmEmail: "" },
  });
  const { run, pending, outcome } = useProtectedAction(deleteAccountAction, form);
  // Set once the account is gone: the dialog stays busy while the browser leaves the page.
  const [deleted, setDeleted] = useState(false);
  const busy = pending || deleted;

  const submit = form.handleSubmit(async ({ confirmEmail }) => {
    if (!confirmsAccountEmail(confirmEmail, email))
      return form.setError("confirmEmail", { type: "client", message: issueText(tv, DELETE_CONFIRMATION_MISMATCH) }, { shouldFocus: true });
    const result = await run({ confirmEmail });
    if (!result.ok) return;
    setDeleted(true);
    // A full load: nothing of the signed-in app (router cache, state) may outlive the account.
    window.location.assign(ACCOUNT_DELETED_PATH);
  });

  return (
    <Dialog.Root open onOpenChange={(isOpen) => !isOpen && !busy && onClose()}>
      <ConfirmModal
        title={t("deleteAccount.dialog.title")}
        description={t("deleteAccount.dialog.description")}
        confirm={{
          label: t("deleteAccount.dialog.confirm"),
          pendingText: t("deleteAccount.dialog.pending"),
          onClick: submit,
          variant: "danger",
        }}
        pending={busy}
        error={outcome?.ok ? null : outcome?.message}
        onOpenAutoFocus={(event) => {
          event.preventDefault();
          form.setFocus("confirmEmail");
        }}
        onCloseAutoFocus={(event) => event.preventDefault()}
        icon={
          <ModalIcon tone="red">
            <path d="M4 7h16M10 11v6m4-6v6M5 7l1 12a2 2 0 0 0 2 2h8a2 2 0 0 0 2-2l1-12M9 7V4h6v3" />
          </ModalIcon>
        }
      >
        <form onSubmit={submit} noValidate>
          <TextField
            form={form}
            name="confirmEmail"
            label={t("deleteAccount.dialog.typeToConfirm", { email })}
            type="email"
            inputMode="email"
            autoComplete="off"
            spellCheck={false}
          />
        </form>
      </ConfirmModal>
    </Dialog.Root>
  );
}
