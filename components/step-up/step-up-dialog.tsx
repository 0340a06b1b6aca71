"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import * as Dialog from "@radix-ui/react-dialog";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { resendStepUpCodeAction, verifyStepUpAction } from "@/app/step-up/actions";
import { TextField } from "@/components/forms/text-field";
import { Button } from "@/components/ui/button";
import { DialogActions, Modal, ModalIcon } from "@/components/ui/dialog";
import { secondsUntil, useNow } from "@/components/ui/use-now";
import { LiveMessage } from "@/components/ui/notice";
import { initialActionState } from "@/lib/actions/state";
import { errorMessage } from "@/lib/errors";
import type { StepUpChallengeDto } from "@/lib/step-up/types";
import { normalizeCodeInput } from "@/lib/validation/auth";
import { verifyStepUpSchema } from "@/lib/validation/step-up";

const codeFormSchema = verifyStepUpSchema.pick({ code: true });
type CodeForm = { code: string };

type StepUpDialogProps = {
  challenge: StepUpChallengeDto;
  onVerified: () => void;
  onCancel: () => void;
};

type Failure = { message: string; lockedUntil?: number; exhausted?: boolean };

/** Asks for the emailed code; stays open (and keeps the challenge) until verified or cancelled. */
export function StepUpDialog({ challenge: initialChallenge, onVerified, onCancel }: StepUpDialogProps) {
  const [challenge, setChallenge] = useState(initialChallenge);
  const [failure, setFailure] = useState<Failure | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  // Plain state, not useTransition: React joins concurrent async transitions, so a caller awaiting
  // run() inside one would keep these "pending" until the modal closed.
  const [verifying, setVerifying] = useState(false);
  const [resending, setResending] = useState(false);
  const now = useNow();
  const form = useForm<CodeForm>({ resolver: zodResolver(codeFormSchema), defaultValues: { code: "" } });

  const expiresIn = secondsUntil(challenge.expiresAt, now);
  const resendIn = secondsUntil(challenge.resendAvailableAt, now);
  const locked = failure?.lockedUntil !== undefined && failure.lockedUntil > now;
  const codeUsable = !locked && !failure?.exhausted && expiresIn > 0;

  const restartEntry = () => {
    form.reset({ code: "" });
    form.setFocus("code");
  };

  const verify = form.handleSubmit(async ({ code }) => {
    setNotice(null);
    setVerifying(true);
    const result = await verifyStepUpAction(initialActionState, { challengeId: challenge.id, code }).catch(() => null);
    setVerifying(false);
    if (result?.ok) return onVerified();
    if (!result) return setFailure({ message: errorMessage("UNAVAILABLE") });
    const message = result.message ?? errorMessage("INTERNAL");
    if (result.code === "STEP_UP_LOCKED" || result.code === "TOO_MANY_ATTEMPTS") form.reset({ code: "" });
    if (result.code === "STEP_UP_LOCKED") return setFailure(lockedFailure(result.retryAfterSeconds));
    if (result.code === "TOO_MANY_ATTEMPTS") {
      return setFailure({ message: "Too many incorrect codes for this request. Cancel, then try the change again to get a new code.", exhausted: true });
    }
    if (result.attemptsLeft !== undefined) setChallenge((current) => ({ ...current, attemptsLeft: result.attemptsLeft ?? current.attemptsLeft }));
    setFailure({ message });
    restartEntry();
  });

  const resend = async () => {
    setNotice(null);
    setResending(true);
    const result = await resendStepUpCodeAction(initialActionState, { challengeId: challenge.id }).catch(() => null);
    setResending(false);
    if (result?.ok && result.challenge) {
      setChallenge(result.challenge);
      setFailure(null);
      setNotice(result.message ?? "We sent a new code.");
      return restartEntry();
    }
    if (!result) return setFailure({ message: errorMessage("UNAVAILABLE") });
    if (result.code === "STEP_UP_LOCKED") return setFailure(lockedFailure(result.retryAfterSeconds));
    if (result.code === "RESEND_TOO_SOON") {
      const retryAt = new Date(Date.now() + (result.retryAfterSeconds ?? 0) * 1000).toISOString();
      setChallenge((current) => ({ ...current, resendAvailableAt: retryAt }));
    }
    setFailure({ message: result.message ?? errorMessage("INTERNAL") });
  };

  return (
    <Dialog.Root open onOpenChange={(open) => !open && onCancel()}>
      <Modal
        title="Confirm it's you"
        dismissible={!verifying}
        icon={
          <ModalIcon>
            <rect x="3" y="5" width="18" height="14" rx="2" />
            <path d="m3 7 9 6 9-6" />
          </ModalIcon>
        }
        description={
          <>
            To <strong className="font-semibold text-slate-900">{challenge.description}</strong>, enter the 6-digit code we just emailed to{" "}
            <strong className="font-semibold text-slate-900">{challenge.maskedEmail}</strong>.
          </>
        }
        // Radix would focus the first focusable element; the code field is what the user needs.
        onOpenAutoFocus={(event) => {
          event.preventDefault();
          form.setFocus("code");
        }}
        // A stray click outside must not throw away the pending change.
        onPointerDownOutside={(event) => event.preventDefault()}
      >
        <form onSubmit={verify} noValidate className="space-y-4">
          <LiveMessage tone="error" message={failure?.message} />
          <TextField
            form={form}
            name="code"
            label="6-digit code"
            autoComplete="one-time-code"
            inputMode="numeric"
            spellCheck={false}
            maxLength={12}
            placeholder="123456"
            disabled={!codeUsable}
            normalize={normalizeCodeInput}
            className="text-center font-mono text-2xl tracking-[0.4em] placeholder:tracking-[0.4em] placeholder:text-slate-300 disabled:bg-slate-50 disabled:text-slate-400"
            description={codeUsable ? `You can paste it. ${challenge.attemptsLeft} ${challenge.attemptsLeft === 1 ? "attempt" : "attempts"} left.` : undefined}
          />
          <div className="flex items-center gap-2 text-sm">
            <ClockIcon />
            {expiresIn > 0 && (
              <p className="text-slate-600">
                Code expires in <span className="font-medium text-slate-900 tabular-nums">{formatClock(expiresIn)}</span>
              </p>
            )}
            <div role="status" className="font-medium text-amber-700">
              {expiresIn > 0 ? null : "This code has expired — send a new one"}
            </div>
          </div>
          <DialogActions busy={verifying}>
            <Button type="submit" pending={verifying} pendingText="Verifying…" disabled={!codeUsable}>
              Verify
            </Button>
          </DialogActions>
        </form>
        <div className="mt-6 space-y-3 border-t border-slate-200 pt-5">
          <LiveMessage tone="success" message={notice} />
          <div className="flex flex-wrap items-center justify-between gap-2 text-sm text-slate-600">
            <span>Didn&apos;t get it? Check spam, or</span>
            <Button variant="ghost" className="px-2 text-indigo-700" onClick={resend} pending={resending} pendingText="Sending…" disabled={resendIn > 0 || locked || failure?.exhausted}>
              {resendIn > 0 ? `Send a new code in ${resendIn}s` : "Send a new code"}
            </Button>
          </div>
        </div>
      </Modal>
    </Dialog.Root>
  );
}

function lockedFailure(retryAfterSeconds = 60): Failure {
  const lockedUntil = Date.now() + retryAfterSeconds * 1000;
  const minutes = Math.max(1, Math.round(retryAfterSeconds / 60));
  const time = new Intl.DateTimeFormat(undefined, { timeStyle: "short" }).format(lockedUntil);
  return {
    message: `Too many incorrect codes. For your security, changes are locked until ${time} (in ${minutes} ${minutes === 1 ? "minute" : "minutes"}).`,
    lockedUntil,
  };
}

function ClockIcon() {
  return (
    <svg aria-hidden="true" viewBox="0 0 20 20" className="size-4 shrink-0 text-slate-400" fill="none" stroke="currentColor" strokeWidth="1.6">
      <circle cx="10" cy="10" r="7.5" />
      <path d="M10 6v4l2.5 2" strokeLinecap="round" />
    </svg>
  );
}

function formatClock(seconds: number): string {
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
}
