"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import * as Dialog from "@radix-ui/react-dialog";
import { useState } from "react";
import { useForm, type Resolver } from "react-hook-form";
import { z } from "zod";
import { resendStepUpCodeAction } from "@/actions/step-up";
import { CodeField, RecoveryCodeField } from "@/components/forms/code-field";
import { useFocusField } from "@/components/forms/use-focus-field";
import { Button } from "@/components/ui/button";
import { DialogActions, Modal, ModalIcon } from "@/components/ui/dialog";
import { LiveMessage } from "@/components/ui/notice";
import { OutlineIcon } from "@/components/ui/outline-icon";
import { secondsUntil, useNow } from "@/components/ui/use-now";
import { initialActionState, type ActionState } from "@/shared/action-state";
import { errorMessage, type ErrorCode } from "@/shared/errors";
import { PROOF_VALUE_SCHEMAS, type StepUpChallengeDto, type StepUpProof } from "@/shared/step-up";

/** The second step's proofs: a code from the authenticator app, or a recovery code. */
type Method = "authenticator" | "recovery_code";
/** "none": the emailed code alone; otherwise the second proof the user is giving with it. */
type ProofMode = "none" | Method;
type CodeForm = { code: string; secondCode: string; mode: ProofMode };

const emailCodeSchema = PROOF_VALUE_SCHEMAS.email_code;
const PROOF_SCHEMAS: Record<ProofMode, z.ZodType<Partial<CodeForm>, Partial<CodeForm>>> = {
  none: z.object({ code: emailCodeSchema }),
  authenticator: z.object({ code: emailCodeSchema, secondCode: PROOF_VALUE_SCHEMAS.authenticator }),
  recovery_code: z.object({ code: emailCodeSchema, secondCode: PROOF_VALUE_SCHEMAS.recovery_code }),
};
// Both fields are checked together, so both errors show at once; `mode` picks the rules.
const proofResolver: Resolver<CodeForm> = (values, context, options) =>
  (zodResolver(PROOF_SCHEMAS[values.mode]) as unknown as Resolver<CodeForm>)(values, context, options);

const SECOND_FIELD: Record<Method, { Field: typeof CodeField; label: string; description: string; switchTo: string }> = {
  authenticator: {
    Field: CodeField,
    label: "2. Code from your authenticator app",
    description: "The 6-digit code your app shows for this account right now.",
    switchTo: "Use a recovery code instead",
  },
  recovery_code: {
    Field: RecoveryCodeField,
    label: "2. Recovery code",
    description: "One of the codes you saved when you turned on two-step verification, like abcde-23456. Each works once.",
    switchTo: "Use your authenticator app instead",
  },
};

type StepUpDialogProps = {
  challenge: StepUpChallengeDto;
  /** Sends the proof with the change it was asked for; answers with the change's result or a refusal of the proof. */
  submit: (proof: StepUpProof) => Promise<ActionState>;
  onDone: (result: ActionState) => void;
  onCancel: () => void;
};

/** Refusals of the proof, and failures that changed nothing, keep the modal open; anything else is the change's own result. */
const PROOF_REFUSALS: ReadonlySet<ErrorCode | undefined> = new Set<ErrorCode>([
  "CODE_INVALID",
  "CODE_EXPIRED",
  "TOO_MANY_ATTEMPTS",
  "STEP_UP_LOCKED",
  "SECOND_FACTOR_REQUIRED",
  "SECOND_FACTOR_INVALID",
  // The change's own input passed before the code was asked for, so this is about the proof.
  "VALIDATION_FAILED",
  "UNAVAILABLE",
  "INTERNAL",
]);

type Failure = { message: string; lockedUntil?: number; exhausted?: boolean };

/**
 * Asks for the emailed code, and for a high-risk change with 2FA on also an authenticator or recovery
 * code, both sent with the change itself; stays open (and keeps the challenge) until the change is
 * made, refused for a reason other than the proof, or cancelled.
 */
export function StepUpDialog({ challenge: initialChallenge, submit, onDone, onCancel }: StepUpDialogProps) {
  const [challenge, setChallenge] = useState(initialChallenge);
  const [failure, setFailure] = useState<Failure | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  // Plain state, not useTransition: React joins concurrent async transitions, so a caller awaiting
  // run() inside one would keep these "pending" until the modal closed.
  const [verifying, setVerifying] = useState(false);
  const [resending, setResending] = useState(false);
  const [mode, setMode] = useState<ProofMode>(secondStepMethod(initialChallenge) ?? "none");
  const now = useNow();
  const form = useForm<CodeForm>({ resolver: proofResolver, defaultValues: { code: "", secondCode: "", mode } });
  const twoProofs = mode !== "none";
  const second = twoProofs ? { method: mode, ...SECOND_FIELD[mode] } : undefined;
  // After a render: a switched field is a new element, and a refusal re-enables the form.
  const focus = useFocusField(form);

  const expiresIn = secondsUntil(challenge.expiresAt, now);
  const resendIn = secondsUntil(challenge.resendAvailableAt, now);
  const locked = failure?.lockedUntil !== undefined && failure.lockedUntil > now;
  const codeUsable = !locked && !failure?.exhausted && expiresIn > 0;

  /** Empties the field that must be typed again and puts the cursor in it. */
  const restartEntry = (field: "code" | "secondCode" = "code") => {
    form.resetField(field);
    focus(field);
  };

  const switchMethod = () => {
    const next: Method = mode === "authenticator" ? "recovery_code" : "authenticator";
    setMode(next);
    form.setValue("mode", next);
    form.resetField("secondCode");
    // The field is replaced (other label, keyboard and autofill); put the cursor in the new one.
    focus("secondCode");
  };

  const verify = form.handleSubmit(async ({ code, secondCode }) => {
    setNotice(null);
    setVerifying(true);
    const result = await submit({
      challengeId: challenge.id,
      proofs: { email_code: code, ...(mode !== "none" && { [mode]: secondCode }) },
    });
    setVerifying(false);
    if (result.ok || !PROOF_REFUSALS.has(result.code)) return onDone(result);
    const message = result.message ?? errorMessage("INTERNAL");
    // Nothing was compared or changed: the codes typed stay for another try.
    if (result.code === "UNAVAILABLE" || result.code === "INTERNAL") return setFailure({ message });
    if (
      result.code === "STEP_UP_LOCKED" ||
      result.code === "TOO_MANY_ATTEMPTS" ||
      (result.code === "SECOND_FACTOR_INVALID" && result.attemptsLeft === 0)
    ) {
      form.resetField("code");
      form.resetField("secondCode");
    }
    if (result.code === "STEP_UP_LOCKED") return setFailure(lockedFailure(result.retryAfterSeconds));
    if (result.code === "TOO_MANY_ATTEMPTS" || (result.code === "SECOND_FACTOR_INVALID" && result.attemptsLeft === 0)) {
      return setFailure({
        message: "Too many incorrect codes for this request. Cancel, then try the change again to get a new code.",
        exhausted: true,
      });
    }
    if (result.attemptsLeft !== undefined)
      setChallenge((current) => ({ ...current, attemptsLeft: result.attemptsLeft ?? current.attemptsLeft }));
    if (result.code === "SECOND_FACTOR_REQUIRED") {
      // Two-step verification was turned on since the code was sent: the same code still works, with the second proof.
      setMode("authenticator");
      form.setValue("mode", "authenticator");
      setFailure({ message });
      return focus("secondCode");
    }
    if (result.code === "SECOND_FACTOR_INVALID") {
      // The emailed code was right and stays usable: only the second code needs typing again.
      setFailure({ message });
      return restartEntry("secondCode");
    }
    setFailure({ message: twoProofs && result.code === "CODE_INVALID" ? emailCodeFailure(result.attemptsLeft) : message });
    restartEntry("code");
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
      return restartEntry("code");
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
          twoProofs ? (
            <>
              To <strong className="font-semibold text-slate-900">{challenge.description}</strong>, enter two codes: the one we just emailed
              to <strong className="font-semibold text-slate-900">{challenge.maskedEmail}</strong>, then one from your authenticator app or
              a recovery code.
            </>
          ) : (
            <>
              To <strong className="font-semibold text-slate-900">{challenge.description}</strong>, enter the 6-digit code we just emailed
              to <strong className="font-semibold text-slate-900">{challenge.maskedEmail}</strong>.
            </>
          )
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
          <CodeField
            form={form}
            name="code"
            label={twoProofs ? `1. Code we emailed to ${challenge.maskedEmail}` : "6-digit code"}
            disabled={!codeUsable}
            description={
              codeUsable
                ? `You can paste it. ${challenge.attemptsLeft} ${challenge.attemptsLeft === 1 ? "attempt" : "attempts"} left.`
                : undefined
            }
          />
          {second && (
            <div className="space-y-2">
              <second.Field
                key={second.method}
                form={form}
                name="secondCode"
                label={second.label}
                description={codeUsable ? second.description : undefined}
                disabled={!codeUsable}
              />
              <button
                type="button"
                onClick={switchMethod}
                disabled={!codeUsable}
                className="rounded-sm text-sm font-medium text-indigo-700 hover:underline disabled:cursor-not-allowed disabled:text-slate-400 disabled:no-underline"
              >
                {second.switchTo}
              </button>
            </div>
          )}
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
            <Button
              variant="ghost"
              className="px-2 text-indigo-700"
              onClick={resend}
              pending={resending}
              pendingText="Sending…"
              disabled={resendIn > 0 || locked || failure?.exhausted}
            >
              {resendIn > 0 ? `Send a new code in ${resendIn}s` : "Send a new code"}
            </Button>
          </div>
        </div>
      </Modal>
    </Dialog.Root>
  );
}

/** With two codes in the dialog, say which one was wrong. */
function emailCodeFailure(attemptsLeft?: number): string {
  if (!attemptsLeft) return errorMessage("CODE_INVALID");
  return `The code from the email is incorrect. ${attemptsLeft} ${attemptsLeft === 1 ? "attempt" : "attempts"} left.`;
}

/** The second step's proof to ask for first, when the challenge has a second step. */
function secondStepMethod(challenge: StepUpChallengeDto): Method | undefined {
  return challenge.steps[1]?.find((kind): kind is Method => kind === "authenticator" || kind === "recovery_code");
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
    <OutlineIcon className="size-4 shrink-0 text-slate-400">
      <circle cx="10" cy="10" r="7.5" />
      <path d="M10 6v4l2.5 2" />
    </OutlineIcon>
  );
}

function formatClock(seconds: number): string {
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
}
