"use client";

import * as Dialog from "@radix-ui/react-dialog";
import { useTranslations } from "next-intl";
import { useContext, useEffect, useId, type ComponentProps, type ReactNode } from "react";
import { StepUpHostContext, type StepUpHost } from "@/components/step-up/step-up-host";
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

/**
 * The shared modal panel (overlay, card, title, description) for every dialog in the app.
 *
 * When a protected action run from inside it needs a code, the code step takes this dialog's
 * place (components/step-up/step-up-host.ts): the same dialog element shows the code step's
 * title, description and form, and this dialog's own content stays mounted but hidden, so what was
 * typed is still there when the code step is cancelled. A screen reader meets one dialog at a time.
 */
export function Modal({ title, description, icon, children, dismissible = true, className = "", ...content }: ModalProps) {
  const id = useId();
  const host = useContext(StepUpHostContext);
  const stepUp = host?.hosted?.host === id ? host.hosted : null;
  return (
    <Dialog.Portal>
      <Dialog.Overlay className="fixed inset-0 z-40 bg-slate-950/50 backdrop-blur-[2px] transition-opacity duration-150 starting:opacity-0" />
      <Dialog.Content
        {...content}
        onEscapeKeyDown={(event) => {
          // Esc steps back from the code step to this dialog's own content, never past it.
          if (stepUp) {
            event.preventDefault();
            return stepUp.escape();
          }
          return dismissible ? content.onEscapeKeyDown?.(event) : event.preventDefault();
        }}
        onPointerDownOutside={(event) => (dismissible && !stepUp ? content.onPointerDownOutside?.(event) : event.preventDefault())}
        className={`fixed top-1/2 left-1/2 z-50 max-h-[calc(100dvh-2rem)] w-[calc(100vw-2rem)] max-w-md -translate-x-1/2 -translate-y-1/2 overflow-y-auto rounded-2xl bg-surface p-6 shadow-xl ring-1 ring-slate-900/5 transition duration-150 outline-none! sm:p-8 starting:scale-95 starting:opacity-0 ${className}`}
      >
        {host && <HostRegistration register={host.register} id={id} />}
        {stepUp?.content}
        {!stepUp && <ModalHeading title={title} description={description} icon={icon} />}
        {/* Kept mounted under the code step (same place in the tree), so its state and typed values survive. */}
        <div className="mt-6" hidden={stepUp !== null}>
          {children}
        </div>
      </Dialog.Content>
    </Dialog.Portal>
  );
}

/** A dialog's icon, title and description: the dialog's accessible name and description. */
export function ModalHeading({ title, description, icon }: { title: ReactNode; description?: ReactNode; icon?: ReactNode }) {
  return (
    <>
      {icon && <div className="mb-4">{icon}</div>}
      <Dialog.Title className="text-lg font-semibold [overflow-wrap:anywhere] text-slate-900">{title}</Dialog.Title>
      {description ? (
        <Dialog.Description className="mt-2 text-sm [overflow-wrap:anywhere] text-slate-600">{description}</Dialog.Description>
      ) : null}
    </>
  );
}

/** Mounted only while the dialog is open (inside its content): the open dialog can host a code step. */
function HostRegistration({ register, id }: { register: StepUpHost["register"]; id: string }) {
  useEffect(() => register(id), [register, id]);
  return null;
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

/**
 * Cancel on the left, the dialog's own action on the right; stacked on phones. Cancel closes the
 * dialog, or, given `onCancel`, does that instead (a code step shown inside another dialog).
 */
export function DialogActions({
  busy,
  bordered = false,
  onCancel,
  children,
}: {
  busy: boolean;
  bordered?: boolean;
  onCancel?: () => void;
  children: ReactNode;
}) {
  const t = useTranslations("common");
  const cancel = (
    <Button variant="secondary" disabled={busy} onClick={onCancel}>
      {t("cancel")}
    </Button>
  );
  return (
    <div className={`flex flex-col-reverse gap-3 sm:flex-row sm:justify-end ${bordered ? "border-t border-slate-200 pt-5" : "pt-2"}`}>
      {onCancel ? cancel : <Dialog.Close asChild>{cancel}</Dialog.Close>}
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
