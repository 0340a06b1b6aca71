"use client";

import * as Dialog from "@radix-ui/react-dialog";
import { useTranslations } from "next-intl";
import { useRouter } from "next/navigation";
import { useRef, useState, type RefObject } from "react";
import { useForm } from "react-hook-form";
import {
  adminChangeUserEmailAction,
  adminClearUserLocksAction,
  adminDisableUserAction,
  adminEnableUserAction,
  adminResetUserTwoFactorAction,
  adminRevokeUserTokensAction,
  adminSignOutUserAction,
} from "@/actions/admin-users";
import { TextField } from "@/components/forms/text-field";
import { useZodResolver } from "@/components/forms/use-zod-resolver";
import type { ProtectedAction } from "@/components/step-up/step-up-provider";
import { useProtectedAction } from "@/components/step-up/use-protected-action";
import { Button } from "@/components/ui/button";
import { Card, CardBody } from "@/components/ui/card";
import { ConfirmModal, DialogActions, Modal } from "@/components/ui/dialog";
import { LiveMessage } from "@/components/ui/notice";
import type { Translate } from "@/i18n/translate";
import { adminChangeUserEmailSchema, adminUserWithReasonSchema, type AdminUserDetailsDto } from "@/shared/admin-users";

type ActionSpec = {
  key: string;
  label: string;
  description: string;
  /** Why there is nothing to do right now (the button is off), or null. */
  unavailable: string | null;
  /** The dialog's button is red: the change is hard to undo, or locks the owner out. */
  danger?: true;
  /** "reason": a reason for the audit log; "email": the new address and a reason. */
  fields: "none" | "reason" | "email";
  dialog: { title: string; description: string; confirm: string; pendingText: string };
  action: ProtectedAction<unknown>;
};

function actionsFor(user: AdminUserDetailsDto, t: Translate<"admin">): ActionSpec[] {
  const email = user.email;
  const hasTwoFactor = user.twoFactor.authenticator || user.twoFactor.recoveryCodesLeft > 0 || user.pendingEnrolment;
  const locked = Boolean(user.locks.signIn || user.locks.secondFactor || user.locks.stepUp) || user.stepUpFailures > 0;
  return [
    {
      key: "sign-out",
      label: t("user.actions.signOut.label"),
      description: t("user.actions.signOut.description"),
      unavailable: user.activeSessions === 0 ? t("user.actions.signOut.unavailable") : null,
      fields: "none",
      dialog: {
        title: t("user.actions.signOut.title", { email }),
        description: t("user.actions.signOut.dialogDescription"),
        confirm: t("user.actions.signOut.confirm"),
        pendingText: t("user.actions.signOut.pending"),
      },
      action: adminSignOutUserAction,
    },
    {
      key: "revoke-tokens",
      label: t("user.actions.revokeTokens.label"),
      description: t("user.actions.revokeTokens.description"),
      unavailable: user.activeTokens === 0 ? t("user.actions.revokeTokens.unavailable") : null,
      danger: true,
      fields: "none",
      dialog: {
        title: t("user.actions.revokeTokens.title", { email }),
        description: t("user.actions.revokeTokens.dialogDescription", { count: user.activeTokens }),
        confirm: t("user.actions.revokeTokens.confirm"),
        pendingText: t("user.actions.revokeTokens.pending"),
      },
      action: adminRevokeUserTokensAction,
    },
    {
      key: "clear-locks",
      label: t("user.actions.clearLocks.label"),
      description: t("user.actions.clearLocks.description"),
      unavailable: locked ? null : t("user.actions.clearLocks.unavailable"),
      fields: "none",
      dialog: {
        title: t("user.actions.clearLocks.title", { email }),
        description: t("user.actions.clearLocks.dialogDescription"),
        confirm: t("user.actions.clearLocks.confirm"),
        pendingText: t("user.actions.clearLocks.pending"),
      },
      action: adminClearUserLocksAction,
    },
    {
      key: "reset-two-factor",
      label: t("user.actions.resetTwoFactor.label"),
      description: t("user.actions.resetTwoFactor.description"),
      unavailable: hasTwoFactor ? null : t("user.actions.resetTwoFactor.unavailable"),
      danger: true,
      fields: "reason",
      dialog: {
        title: t("user.actions.resetTwoFactor.title", { email }),
        description: t("user.actions.resetTwoFactor.dialogDescription"),
        confirm: t("user.actions.resetTwoFactor.confirm"),
        pendingText: t("user.actions.resetTwoFactor.pending"),
      },
      action: adminResetUserTwoFactorAction,
    },
    {
      key: "change-email",
      label: t("user.actions.changeEmail.label"),
      description: t("user.actions.changeEmail.description"),
      unavailable: null,
      fields: "email",
      dialog: {
        title: t("user.actions.changeEmail.title", { email }),
        description: t("user.actions.changeEmail.dialogDescription"),
        confirm: t("user.actions.changeEmail.confirm"),
        pendingText: t("user.actions.changeEmail.pending"),
      },
      action: adminChangeUserEmailAction,
    },
    user.status === "active"
      ? {
          key: "disable",
          label: t("user.actions.disable.label"),
          description: t("user.actions.disable.description"),
          unavailable: null,
          danger: true,
          fields: "reason",
          dialog: {
            title: t("user.actions.disable.title", { email }),
            description: t("user.actions.disable.dialogDescription"),
            confirm: t("user.actions.disable.confirm"),
            pendingText: t("user.actions.disable.pending"),
          },
          action: adminDisableUserAction,
        }
      : {
          key: "enable",
          label: t("user.actions.enable.label"),
          description: t("user.actions.enable.description"),
          unavailable: null,
          fields: "none",
          dialog: {
            title: t("user.actions.enable.title", { email }),
            description: t("user.actions.enable.dialogDescription"),
            confirm: t("user.actions.enable.confirm"),
            pendingText: t("user.actions.enable.pending"),
          },
          action: adminEnableUserAction,
        },
  ];
}

/** Every action on the account, each behind the admin's own step-up (the code modal), announced here when done. */
export function UserActions({ user }: { user: AdminUserDetailsDto }) {
  const t = useTranslations("admin");
  const router = useRouter();
  const [open, setOpen] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const status = useRef<HTMLDivElement>(null);
  const specs = actionsFor(user, t);
  const openSpec = specs.find((spec) => spec.key === open);

  const close = (done: string | null) => {
    setOpen(null);
    if (!done) return;
    setMessage(done);
    router.refresh();
  };

  return (
    <Card headingId="actions-heading" title={t("user.actions.title")} description={t("user.actions.description")}>
      <CardBody className="space-y-4">
        <div ref={status} tabIndex={-1} className="outline-none">
          <LiveMessage tone="success" message={message} />
        </div>
        <ul className="divide-y divide-slate-100">
          {specs.map((spec) => (
            <li key={spec.key} className="flex flex-wrap items-center justify-between gap-3 py-3">
              <div className="min-w-0">
                <p className="text-sm font-medium text-slate-900">{spec.label}</p>
                <p className="text-xs text-slate-600">{spec.unavailable ?? spec.description}</p>
              </div>
              <Button
                variant="secondary"
                disabled={spec.unavailable !== null}
                onClick={() => {
                  setMessage(null);
                  setOpen(spec.key);
                }}
              >
                {spec.label}
              </Button>
            </li>
          ))}
        </ul>
      </CardBody>
      {openSpec &&
        (openSpec.fields === "none" ? (
          <ConfirmDialog spec={openSpec} userId={user.id} focusAfter={status} onClose={close} />
        ) : (
          <FormDialog spec={openSpec} userId={user.id} focusAfter={status} onClose={close} />
        ))}
    </Card>
  );
}

type DialogProps = {
  spec: ActionSpec;
  userId: string;
  /** Where focus goes once the action is done (the button it came from may be gone). */
  focusAfter: RefObject<HTMLElement | null>;
  /** The success message, or null when the admin backed out. */
  onClose: (message: string | null) => void;
};

/** Closes the dialog with the action's message, focus then going to `focusAfter`; backing out leaves focus to the dialog. */
function useFinish({ focusAfter, onClose }: Pick<DialogProps, "focusAfter" | "onClose">) {
  const t = useTranslations("admin");
  const doneRef = useRef(false);
  return {
    finish: (message: string | undefined) => {
      doneRef.current = true;
      onClose(message ?? t("user.actions.done"));
    },
    onCloseAutoFocus: (event: Event) => {
      if (!doneRef.current) return;
      event.preventDefault();
      focusAfter.current?.focus();
    },
  };
}

function ConfirmDialog({ spec, userId, focusAfter, onClose }: DialogProps) {
  const { run, pending, outcome } = useProtectedAction(spec.action);
  const { finish, onCloseAutoFocus } = useFinish({ focusAfter, onClose });

  const confirm = async () => {
    const result = await run({ userId });
    if (result.ok) finish(result.message);
  };

  return (
    <Dialog.Root open onOpenChange={(isOpen) => !isOpen && !pending && onClose(null)}>
      <ConfirmModal
        title={spec.dialog.title}
        description={spec.dialog.description}
        confirm={{
          label: spec.dialog.confirm,
          pendingText: spec.dialog.pendingText,
          onClick: confirm,
          variant: spec.danger ? "danger" : "primary",
        }}
        pending={pending}
        error={outcome?.ok ? null : outcome?.message}
        onCloseAutoFocus={onCloseAutoFocus}
      />
    </Dialog.Root>
  );
}

type FormValues = { userId: string; reason: string; newEmail: string };

function FormDialog({ spec, userId, focusAfter, onClose }: DialogProps) {
  const t = useTranslations("admin");
  const form = useForm<FormValues>({
    resolver: useZodResolver<FormValues>(spec.fields === "email" ? adminChangeUserEmailSchema : adminUserWithReasonSchema),
    defaultValues: { userId, reason: "", newEmail: "" },
  });
  const { run, pending, outcome } = useProtectedAction(spec.action, form);
  const { finish, onCloseAutoFocus } = useFinish({ focusAfter, onClose });

  const submit = form.handleSubmit(async (values) => {
    const result = await run(values);
    if (result.ok) finish(result.message);
  });

  return (
    <Dialog.Root open onOpenChange={(isOpen) => !isOpen && !pending && onClose(null)}>
      <Modal
        className="sm:max-w-lg"
        title={spec.dialog.title}
        description={spec.dialog.description}
        dismissible={!pending}
        onCloseAutoFocus={onCloseAutoFocus}
      >
        <form onSubmit={submit} noValidate className="space-y-5">
          <LiveMessage tone="error" message={outcome?.ok ? null : outcome?.message} />
          {spec.fields === "email" && (
            <TextField
              form={form}
              name="newEmail"
              label={t("user.actions.newEmail")}
              type="email"
              autoComplete="off"
              inputMode="email"
              spellCheck={false}
            />
          )}
          <TextField
            form={form}
            name="reason"
            label={t("user.actions.reason")}
            autoComplete="off"
            maxLength={500}
            description={t("user.actions.reasonDescription")}
          />
          <DialogActions busy={pending} bordered>
            <Button type="submit" variant={spec.danger ? "danger" : "primary"} pending={pending} pendingText={spec.dialog.pendingText}>
              {spec.dialog.confirm}
            </Button>
          </DialogActions>
        </form>
      </Modal>
    </Dialog.Root>
  );
}
