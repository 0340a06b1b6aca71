"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import * as Dialog from "@radix-ui/react-dialog";
import { useRouter } from "next/navigation";
import { useRef, useState, type RefObject } from "react";
import { useForm, type Resolver } from "react-hook-form";
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
import type { ProtectedAction } from "@/components/step-up/step-up-provider";
import { useProtectedAction } from "@/components/step-up/use-protected-action";
import { Button } from "@/components/ui/button";
import { Card, CardBody } from "@/components/ui/card";
import { ConfirmModal, DialogActions, Modal } from "@/components/ui/dialog";
import { LiveMessage } from "@/components/ui/notice";
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

function actionsFor(user: AdminUserDetailsDto): ActionSpec[] {
  const who = user.email;
  const hasTwoFactor = user.twoFactor.authenticator || user.twoFactor.recoveryCodesLeft > 0 || user.pendingEnrolment;
  const locked = Boolean(user.locks.signIn || user.locks.secondFactor || user.locks.stepUp) || user.stepUpFailures > 0;
  return [
    {
      key: "sign-out",
      label: "Sign out everywhere",
      description: "Ends every session and any sign-in waiting for its second factor.",
      unavailable: user.activeSessions === 0 ? "No active sessions." : null,
      fields: "none",
      dialog: {
        title: `Sign ${who} out everywhere?`,
        description: "Every browser signed in to this account is signed out on its next request.",
        confirm: "Sign out everywhere",
        pendingText: "Signing out…",
      },
      action: adminSignOutUserAction,
    },
    {
      key: "revoke-tokens",
      label: "Revoke all API tokens",
      description: "Every active token stops working at once. This can't be undone.",
      unavailable: user.activeTokens === 0 ? "No active tokens." : null,
      danger: true,
      fields: "none",
      dialog: {
        title: `Revoke all of ${who}'s API tokens?`,
        description: `${user.activeTokens} active ${user.activeTokens === 1 ? "token stops" : "tokens stop"} working immediately. This can't be undone.`,
        confirm: "Revoke all tokens",
        pendingText: "Revoking…",
      },
      action: adminRevokeUserTokensAction,
    },
    {
      key: "clear-locks",
      label: "Clear locks",
      description: "Resets the sign-in and step-up limits, so the owner can sign in and confirm changes again.",
      unavailable: locked ? null : "No locks or failed attempts.",
      fields: "none",
      dialog: {
        title: `Clear ${who}'s locks?`,
        description: "Wrong passwords, second-factor codes and step-up proofs counted so far are forgotten, and any lock ends now.",
        confirm: "Clear locks",
        pendingText: "Clearing…",
      },
      action: adminClearUserLocksAction,
    },
    {
      key: "reset-two-factor",
      label: "Reset two-step verification",
      description: "For an owner who lost their authenticator and recovery codes, once you have checked it is them.",
      unavailable: hasTwoFactor ? null : "Two-step verification is off.",
      danger: true,
      fields: "reason",
      dialog: {
        title: `Reset ${who}'s two-step verification?`,
        description:
          "The authenticator, the recovery codes and any set-up in progress are removed; the password alone signs in until the owner sets it up again.",
        confirm: "Reset two-step verification",
        pendingText: "Resetting…",
      },
      action: adminResetUserTwoFactorAction,
    },
    {
      key: "change-email",
      label: "Change email address",
      description: "For an owner who lost their inbox, once you have checked it is them. Both addresses are told.",
      unavailable: null,
      fields: "email",
      dialog: {
        title: `Change ${who}'s email address?`,
        description:
          "The account moves to the new address at once and is signed out everywhere; high-risk changes then wait for the recovery hold.",
        confirm: "Change email address",
        pendingText: "Changing…",
      },
      action: adminChangeUserEmailAction,
    },
    user.status === "active"
      ? {
          key: "disable",
          label: "Disable account",
          description: "Signs it out everywhere; it can't sign in or use its API tokens until re-enabled.",
          unavailable: null,
          danger: true,
          fields: "reason",
          dialog: {
            title: `Disable ${who}?`,
            description: "The account is signed out everywhere and can't sign in, step up or use its API tokens until it is re-enabled.",
            confirm: "Disable account",
            pendingText: "Disabling…",
          },
          action: adminDisableUserAction,
        }
      : {
          key: "enable",
          label: "Re-enable account",
          description: "The owner can sign in again, and its unexpired API tokens work again.",
          unavailable: null,
          fields: "none",
          dialog: {
            title: `Re-enable ${who}?`,
            description: "The owner can sign in again, and API tokens that have not expired or been revoked work again.",
            confirm: "Re-enable account",
            pendingText: "Re-enabling…",
          },
          action: adminEnableUserAction,
        },
  ];
}

/** Every action on the account, each behind the admin's own step-up (the code modal), announced here when done. */
export function UserActions({ user }: { user: AdminUserDetailsDto }) {
  const router = useRouter();
  const [open, setOpen] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const status = useRef<HTMLDivElement>(null);
  const specs = actionsFor(user);
  const openSpec = specs.find((spec) => spec.key === open);

  const close = (done: string | null) => {
    setOpen(null);
    if (!done) return;
    setMessage(done);
    router.refresh();
  };

  return (
    <Card
      headingId="actions-heading"
      title="Actions"
      description="Each asks for a code from your own inbox, is recorded with you as the actor, and the owner is told by email."
    >
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
  const doneRef = useRef(false);
  return {
    finish: (message: string | undefined) => {
      doneRef.current = true;
      onClose(message ?? "Done.");
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
  const form = useForm<FormValues>({
    resolver: zodResolver(
      spec.fields === "email" ? adminChangeUserEmailSchema : adminUserWithReasonSchema,
    ) as unknown as Resolver<FormValues>,
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
              label="New email address"
              type="email"
              autoComplete="off"
              inputMode="email"
              spellCheck={false}
            />
          )}
          <TextField
            form={form}
            name="reason"
            label="Reason"
            autoComplete="off"
            maxLength={500}
            description="Recorded in the audit log with the change: how you checked it is the owner asking, e.g. the support ticket."
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
