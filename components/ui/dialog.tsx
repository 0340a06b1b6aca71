"use client";

import * as Dialog from "@radix-ui/react-dialog";
import type { ComponentProps, ReactNode } from "react";
import { Button, type ButtonProps } from "@/components/ui/button";
import { LiveMessage } from "@/components/ui/notice";
import { OutlineIcon } from "@/components/ui/outline-icon";

type ModalProps = {
  title: ReactNode;
  description?: ReactNode;
  icon?: ReactNode;
  children: ReactNode;
  /** Blocks Esc and outside clicks while something the user must see is in flight. */
  dismissible?: boolean;
} & Omit<ComponentProps<typeof Dialog.Content>, "title">;

/** The shared modal panel (overlay, card, title, description) for every dialog in the app. */
export function Modal({ title, description, icon, children, dismissible = true, className = "", ...content }: ModalProps) {
  return (
    <Dialog.Portal>
      <Dialog.Overlay className="fixed inset-0 z-40 bg-slate-950/50 backdrop-blur-[2px] transition-opacity duration-150 starting:opacity-0" />
      <Dialog.Content
        {...content}
        onEscapeKeyDown={(event) => (dismissible ? content.onEscapeKeyDown?.(event) : event.preventDefault())}
        onPointerDownOutside={(event) => (dismissible ? content.onPointerDownOutside?.(event) : event.preventDefault())}
        className={`fixed top-1/2 left-1/2 z-50 max-h-[calc(100dvh-2rem)] w-[calc(100vw-2rem)] max-w-md -translate-x-1/2 -translate-y-1/2 overflow-y-auto rounded-2xl bg-surface p-6 shadow-xl ring-1 ring-slate-900/5 transition duration-150 outline-none! sm:p-8 starting:scale-95 starting:opacity-0 ${className}`}
      >
        {icon && <div className="mb-4">{icon}</div>}
        <Dialog.Title className="text-lg font-semibold [overflow-wrap:anywhere] text-slate-900">{title}</Dialog.Title>
        {description ? (
          <Dialog.Description className="mt-2 text-sm [overflow-wrap:anywhere] text-slate-600">{description}</Dialog.Description>
        ) : null}
        <div className="mt-6">{children}</div>
      </Dialog.Content>
    </Dialog.Portal>
  );
}

export function ModalIcon({ tone = "indigo", children }: { tone?: "indigo" | "red" | "emerald"; children: ReactNode }) {
  const tones = { indigo: "bg-indigo-50 text-indigo-700", red: "bg-red-50 text-red-700", emerald: "bg-emerald-50 text-emerald-700" };
  return (
    <span aria-hidden="true" className={`grid size-11 place-items-center rounded-full ${tones[tone]}`}>
      <OutlineIcon viewBox="0 0 24 24" strokeWidth={1.8} className="size-6">
        {children}
      </OutlineIcon>
    </span>
  );
}

/** Cancel on the left (closes the dialog), the dialog's own action on the right; stacked on phones. */
export function DialogActions({ busy, bordered = false, children }: { busy: boolean; bordered?: boolean; children: ReactNode }) {
  return (
    <div className={`flex flex-col-reverse gap-3 sm:flex-row sm:justify-end ${bordered ? "border-t border-slate-200 pt-5" : "pt-2"}`}>
      <Dialog.Close asChild>
        <Button variant="secondary" disabled={busy}>
          Cancel
        </Button>
      </Dialog.Close>
      {children}
    </div>
  );
}

/**
 * A question and the one button that does it: what went wrong (if anything) announced above, the
 * button busy meanwhile. Closing is blocked while it runs; focus goes back where the caller says.
 */
export function ConfirmModal({
  confirm,
  pending,
  error,
  children,
  ...modal
}: Omit<ModalProps, "children" | "dismissible"> & {
  confirm: { label: string; pendingText: string; onClick: () => void; variant?: ButtonProps["variant"] };
  pending: boolean;
  error: string | null | undefined;
  /** More about what will happen, between the message and the buttons. */
  children?: ReactNode;
}) {
  return (
    <Modal dismissible={!pending} {...modal}>
      <div className="space-y-5">
        <LiveMessage tone="error" message={error} />
        {children}
        <DialogActions busy={pending}>
          <Button variant={confirm.variant} onClick={confirm.onClick} pending={pending} pendingText={confirm.pendingText}>
            {confirm.label}
          </Button>
        </DialogActions>
      </div>
    </Modal>
  );
}
