"use client";

import * as Dialog from "@radix-ui/react-dialog";
import { useTranslations } from "next-intl";
import { useForm } from "react-hook-form";
import { renamePasskeyAction } from "@/actions/passkeys";
import { TextField } from "@/components/forms/text-field";
import { useZodResolver } from "@/components/forms/use-zod-resolver";
import { useProtectedAction } from "@/components/step-up/use-protected-action";
import { Button } from "@/components/ui/button";
import { DialogActions, Modal } from "@/components/ui/dialog";
import { LiveMessage } from "@/components/ui/notice";
import { PASSKEY_NAME_MAX_LENGTH, renamePasskeySchema, type PasskeyDto } from "@/shared/passkeys";

const nameSchema = renamePasskeySchema.pick({ name: true });
type NameForm = { name: string };

type RenamePasskeyDialogProps = {
  passkey: PasskeyDto;
  onClose: () => void;
  onRenamed: (message: string) => void;
  /** Radix would return focus to a Dialog.Trigger, and there is none: the section knows where it goes. */
  returnFocus: () => void;
};

/** Renaming needs no step-up: the name is only a label for the owner. */
export function RenamePasskeyDialog({ passkey, onClose, onRenamed, returnFocus }: RenamePasskeyDialogProps) {
  const t = useTranslations("security");
  const tc = useTranslations("common");
  const form = useForm<NameForm>({
    resolver: useZodResolver<NameForm>(nameSchema),
    defaultValues: { name: passkey.name },
    mode: "onTouched",
  });
  const { run, pending, outcome } = useProtectedAction(renamePasskeyAction, form);

  const submit = form.handleSubmit(async ({ name }) => {
    const result = await run({ passkeyId: passkey.id, name });
    if (result.ok) onRenamed(result.message ?? t("passkeys.renameDialog.done"));
  });

  return (
    <Dialog.Root open onOpenChange={(open) => !open && !pending && onClose()}>
      <Modal
        title={t("passkeys.renameDialog.title")}
        description={t("passkeys.renameDialog.description")}
        dismissible={!pending}
        // The current name, selected, so typing replaces it.
        onOpenAutoFocus={(event) => {
          event.preventDefault();
          form.setFocus("name", { shouldSelect: true });
        }}
        onCloseAutoFocus={(event) => {
          event.preventDefault();
          returnFocus();
        }}
      >
        <form onSubmit={submit} noValidate className="space-y-5">
          <LiveMessage tone="error" message={outcome?.ok ? null : outcome?.message} />
          <TextField
            form={form}
            name="name"
            label={t("passkeys.renameDialog.nameLabel")}
            autoComplete="off"
            maxLength={PASSKEY_NAME_MAX_LENGTH}
            description={t("passkeys.renameDialog.nameHint", { max: PASSKEY_NAME_MAX_LENGTH })}
          />
          <DialogActions busy={pending}>
            <Button type="submit" pending={pending} pendingText={tc("saving")}>
              {t("passkeys.renameDialog.save")}
            </Button>
          </DialogActions>
        </form>
      </Modal>
    </Dialog.Root>
  );
}
