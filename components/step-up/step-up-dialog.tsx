"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import * as Dialog from "@radix-ui/react-dialog";
import { useFormatter, useTranslations } from "next-intl";
import { useCallback, useEffect, useRef, useState, type ReactNode, type RefObject } from "react";
import { useForm, type FieldErrors, type Resolver } from "react-hook-form";
import { z } from "zod";
import { resendStepUpCodeAction } from "@/actions/step-up";
import { CodeField, RecoveryCodeField } from "@/components/forms/code-field";
import { useFocusField } from "@/components/forms/use-focus-field";
import { PasskeyGlyph } from "@/components/passkeys/passkey-icon";
import { abortCeremony, ceremonyFailureMessage, getPasskeyAssertion, webAuthnSupported } from "@/components/passkeys/webauthn";
import { Button } from "@/components/ui/button";
import { DialogActions, Modal, ModalHeading, ModalIcon } from "@/components/ui/dialog";
import { LiveMessage, type Tone } from "@/components/ui/notice";
import { OutlineIcon } from "@/components/ui/outline-icon";
import { secondsUntil, useNow } from "@/components/ui/use-now";
import { issueText } from "@/i18n/issues";
import type { Translate } from "@/i18n/translate";
import { initialActionState, type ActionState } from "@/shared/action-state";
import { errorMessage, type ErrorCode } from "@/shared/errors";
import { PROOF_VALUE_SCHEMAS, type ProofKind, type StepUpChallengeDto, type StepUpProof } from "@/shared/step-up";

/** The second step's codes: from the authenticator app, or a recovery code. */
type Method = "authenticator" | "recovery_code";
type CodeForm = { code: string; secondCode: string };

/** What the dialog asks for right now: each step is answered by a code typed in, or by the passkey. */
type Asks = { email: boolean; second: Method | null; passkey: boolean };

type SecondFieldText = { label: string; labelNumbered: string; hint: string; switchTo: string };
const SECOND_FIELD: Record<Method, typeof CodeField> = { authenticator: CodeField, recovery_code: RecoveryCodeField };
const OTHER_METHOD: Record<Method, Method> = { authenticator: "recovery_code", recovery_code: "authenticator" };

function secondFieldText(t: Translate<"stepUp">, method: Method): SecondFieldText {
  return method === "authenticator"
    ? {
        label: t("second.authenticator.label"),
        labelNumbered: t("second.authenticator.labelNumbered"),
        hint: t("second.authenticator.hint"),
        switchTo: t("second.authenticator.switchTo"),
      }
    : {
        label: t("second.recoveryCode.label"),
        labelNumbered: t("second.recoveryCode.labelNumbered"),
        hint: t("second.recoveryCode.hint"),
        switchTo: t("second.recoveryCode.switchTo"),
      };
}

/** Every field shown is checked at once, so all their errors show together, in the reader's words. */
function resolverFor(email: boolean, second: Method | null, tValidation: Translate<"validation">): Resolver<CodeForm> {
  const schema = z.object({
    ...(email && { code: PROOF_VALUE_SCHEMAS.email_code }),
    ...(second && { secondCode: PROOF_VALUE_SCHEMAS[second] }),
  });
  const resolve = zodResolver(schema) as unknown as Resolver<CodeForm>;
  return async (...args) => {
    const result = await resolve(...args);
    const errors: FieldErrors<CodeForm> = {};
    for (const name of ["code", "secondCode"] as const) {
      const error = result.errors[name];
      if (error)
        errors[name] = { ...error, message: typeof error.message === "string" ? issueText(tValidation, error.message) : undefined };
    }
    return Object.keys(errors).length ? { values: {}, errors } : result;
  };
}

type StepUpDialogProps = {
  challenge: StepUpChallengeDto;
  /** Sends the proof with the change it was asked for; answers with the change's result or a refusal of the proof. */
  submit: (proof: StepUpProof) => Promise<ActionState>;
  onDone: (result: ActionState) => void;
  onCancel: () => void;
  /**
   * "dialog": a dialog of its own. "hosted": inside the open dialog that asked for it, in that
   * dialog's place (components/ui/dialog.tsx), which sends its Esc here through `escapeRef`.
   */
  placement: "dialog" | "hosted";
  escapeRef: RefObject<(() => void) | null>;
};

/** Refusals of the proof, and failures that changed nothing, keep the modal open; anything else is the change's own result. */
const PROOF_REFUSALS: ReadonlySet<ErrorCode | undefined> = new Set<ErrorCode>([
  "CODE_INVALID",
  "CODE_EXPIRED",
  "TOO_MANY_ATTEMPTS",
  "STEP_UP_LOCKED",
  "SECOND_FACTOR_REQUIRED",
  "SECOND_FACTOR_INVALID",
  "PASSKEY_REFUSED",
  // The change's own input passed before the code was asked for, so this is about the proof.
  "VALIDATION_FAILED",
  "UNAVAILABLE",
  "INTERNAL",
]);

type Failure = { message: string; lockedUntil?: number; exhausted?: boolean };
type Notice = { tone: Extract<Tone, "success" | "info">; message: string };

/** A closed or refused browser prompt: nothing was sent, so nothing counts; the way back is one click away. */
function passkeyCancelled(t: Translate<"stepUp">, alternative: "email" | "second"): string {
  return alternative === "email" ? t("passkey.cancelledTryEmail") : t("passkey.cancelledTrySecond");
}

/**
 * Asks for the proofs a change needs, sent with the change itself: the user's passkey where a step
 * takes one (the default when the first step does), otherwise the emailed code, and for a high-risk
 * change with 2FA on also an authenticator or recovery code. Stays open (and keeps the challenge)
 * until the change is made, refused for a reason other than the proof, or cancelled.
 */
export function StepUpDialog({ challenge: initialChallenge, submit, onDone, onCancel, placement, escapeRef }: StepUpDialogProps) {
  const t = useTranslations("stepUp");
  const tErrors = useTranslations("errors");
  const tAuth = useTranslations("auth");
  const tValidation = useTranslations("validation");
  const format = useFormatter();
  const [challenge, setChallenge] = useState(initialChallenge);
  const [failure, setFailure] = useState<Failure | null>(null);
  const [notice, setNotice] = useState<Notice | null>(null);
  // Plain state, not useTransition: React joins concurrent async transitions, so a caller awaiting
  // run() inside one would keep these "pending" until the modal closed.
  const [verifying, setVerifying] = useState(false);
  const [prompting, setPrompting] = useState(false);
  const [sending, setSending] = useState(false);
  const [method, setMethod] = useState<Method>(secondStepMethod(initialChallenge) ?? "authenticator");
  // Until shown otherwise: the check loads the library, and the dialog must not wait for it.
  const [webAuthnUsable, setWebAuthnUsable] = useState(true);
  const [passkeyChosen, setPasskeyChosen] = useState(() => passkeyFirst(initialChallenge));
  const now = useNow();

  const steps = describeSteps(challenge, webAuthnUsable);
  const withPasskey = steps.passkeyOffered && passkeyChosen;
  const asks: Asks = {
    email: steps.email !== null && !(withPasskey && steps.email.includes("passkey")),
    second: steps.second !== null && !(withPasskey && steps.second.includes("passkey")) ? method : null,
    passkey: withPasskey,
  };
  // react-hook-form reads its options on every render, so the rules follow the fields shown.
  const form = useForm<CodeForm>({
    resolver: resolverFor(asks.email, asks.second, tValidation),
    defaultValues: { code: "", secondCode: "" },
  });
  const focusField = useFocusField(form);
  const submitRef = useRef<HTMLButtonElement>(null);
  const sendRef = useRef<HTMLButtonElement>(null);
  const focusButton = useFocusButton();
  // Only a ceremony this dialog started is aborted when it closes.
  const ceremony = useRef(false);

  const expiresIn = secondsUntil(challenge.expiresAt, now);
  const resendIn = secondsUntil(challenge.resendAvailableAt, now);
  const locked = failure?.lockedUntil !== undefined && failure.lockedUntil > now;
  const usable = !locked && !failure?.exhausted && expiresIn > 0;
  const awaitingCode = asks.email && !challenge.codeSent;
  const numbered = steps.email !== null && steps.second !== null && (asks.email || asks.second !== null);
  const busy = verifying || prompting;

  useEffect(() => {
    if (!initialChallenge.passkeyOptions) return;
    let current = true;
    // Also loads the library now, so pressing the button reaches the browser's prompt at once.
    void webAuthnSupported().then((supported) => {
      if (!current) return;
      if (supported) return;
      setWebAuthnUsable(false);
      setNotice({ tone: "info", message: t("passkey.unsupported") });
      // The passkey button that had focus is gone.
      if (initialChallenge.codeSent) focusField("code");
      else focusButton(sendRef);
    });
    return () => {
      current = false;
    };
  }, [initialChallenge.passkeyOptions, initialChallenge.codeSent, focusField, focusButton, t]);

  useEffect(
    () => () => {
      if (ceremony.current) abortCeremony();
    },
    [],
  );

  // Shown in another dialog's place, Esc there is this Cancel (not while a check or the passkey prompt runs).
  useEffect(() => {
    escapeRef.current = busy ? () => undefined : onCancel;
    return () => {
      escapeRef.current = null;
    };
  }, [escapeRef, busy, onCancel]);

  /** Where the cursor starts: the code to type, or the button that goes on. */
  const focusOpening = () => {
    if (asks.email && !awaitingCode) form.setFocus("code");
    else if (awaitingCode) sendRef.current?.focus();
    else if (asks.second) form.setFocus("secondCode");
    else submitRef.current?.focus();
  };
  // Its own dialog focuses on opening (onOpenAutoFocus below); in another dialog's place, on mounting.
  const opened = useRef(false);
  useEffect(() => {
    if (placement !== "hosted" || opened.current) return;
    opened.current = true;
    focusOpening();
  });

  /** Puts the cursor where the user goes on: the first field to type, or the button that goes on. */
  const focusEntry = () => {
    if (awaitingCode) return focusButton(sendRef);
    if (asks.email) return focusField("code");
    if (asks.second) return focusField("secondCode");
    focusButton(submitRef);
  };

  /** A switch of proof takes back the last refusal, but not a lock or a used-up challenge. */
  const clearFailure = () => setFailure((current) => (current?.lockedUntil || current?.exhausted ? current : null));

  /** Empties the field that must be typed again and puts the cursor in it. */
  const restartEntry = (field: "code" | "secondCode") => {
    form.resetField(field);
    focusField(field);
  };

  const chooseSecond = (next: Method | "passkey") => {
    clearFailure();
    if (next === "passkey") {
      setPasskeyChosen(true);
      return focusButton(submitRef);
    }
    setPasskeyChosen(false);
    setMethod(next);
    form.resetField("secondCode");
    // The field is replaced (other label, keyboard and autofill); put the cursor in the new one.
    focusField("secondCode");
  };

  const verify = async ({ code, secondCode }: CodeForm) => {
    setNotice(null);
    let passkey: string | undefined;
    if (asks.passkey && challenge.passkeyOptions) {
      setFailure(null);
      setPrompting(true);
      ceremony.current = true;
      const assertion = await getPasskeyAssertion(challenge.passkeyOptions);
      ceremony.current = false;
      setPrompting(false);
      if (!assertion.ok) {
        if (assertion.reason === "aborted") return;
        if (assertion.reason === "cancelled")
          setNotice({ tone: "info", message: passkeyCancelled(t, steps.email?.includes("passkey") ? "email" : "second") });
        else setFailure({ message: ceremonyFailureMessage(tAuth, assertion.reason === "known" ? "failed" : assertion.reason) });
        return focusButton(submitRef);
      }
      passkey = assertion.response;
    }
    setVerifying(true);
    const result = await submit({
      challengeId: challenge.id,
      proofs: {
        ...(asks.email && { email_code: code }),
        ...(asks.second && { [asks.second]: secondCode }),
        ...(passkey && { passkey }),
      },
    });
    setVerifying(false);
    if (result.ok || !PROOF_REFUSALS.has(result.code)) return onDone(result);
    const message = result.message ?? errorMessage(tErrors, result.code ?? "INTERNAL");
    // Nothing was compared or changed: what was typed stays for another try.
    if (result.code === "UNAVAILABLE" || result.code === "INTERNAL") {
      setFailure({ message });
      return focusEntry();
    }
    if (
      result.code === "STEP_UP_LOCKED" ||
      result.code === "TOO_MANY_ATTEMPTS" ||
      (result.code === "SECOND_FACTOR_INVALID" && result.attemptsLeft === 0)
    ) {
      form.resetField("code");
      form.resetField("secondCode");
    }
    if (result.code === "STEP_UP_LOCKED") return setFailure(lockedFailure(t, format, result.retryAfterSeconds));
    if (result.code === "TOO_MANY_ATTEMPTS" || (result.code === "SECOND_FACTOR_INVALID" && result.attemptsLeft === 0)) {
      return setFailure({ message: t("dialog.exhausted"), exhausted: true });
    }
    if (result.attemptsLeft !== undefined)
      setChallenge((current) => ({ ...current, attemptsLeft: result.attemptsLeft ?? current.attemptsLeft }));
    if (result.code === "SECOND_FACTOR_REQUIRED") {
      // Two-step verification was turned on since the challenge started: the same proofs still work, with a second one.
      setChallenge((current) =>
        current.steps.some((step) => step.some(isMethod))
          ? current
          : { ...current, steps: [...current.steps, ["authenticator", "recovery_code"]] },
      );
      setMethod("authenticator");
      setFailure({ message });
      return focusField("secondCode");
    }
    if (result.code === "SECOND_FACTOR_INVALID") {
      // The first proof was right and stays usable: only the second code needs typing again.
      setFailure({ message });
      return restartEntry("secondCode");
    }
    if (result.code === "PASSKEY_REFUSED" || !asks.email) {
      setFailure({ message });
      return focusButton(submitRef);
    }
    const several = asks.second !== null || asks.passkey;
    setFailure({ message: several && result.code === "CODE_INVALID" ? emailCodeFailure(t, tErrors, result.attemptsLeft) : message });
    restartEntry("code");
  };

  /** Emails a code: the first one when the challenge offered a passkey instead, or a new one. */
  const sendCode = async (): Promise<boolean> => {
    const first = !challenge.codeSent;
    setNotice(null);
    setSending(true);
    const result = await resendStepUpCodeAction(initialActionState, { challengeId: challenge.id }).catch(() => null);
    setSending(false);
    if (result?.ok && result.challenge) {
      setChallenge(result.challenge);
      setFailure(null);
      setNotice({
        tone: "success",
        message: first ? t("email.sent", { email: result.challenge.maskedEmail }) : (result.message ?? t("email.resent")),
      });
      return true;
    }
    if (!result) setFailure({ message: errorMessage(tErrors, "UNAVAILABLE") });
    else if (result.code === "STEP_UP_LOCKED") setFailure(lockedFailure(t, format, result.retryAfterSeconds));
    else {
      if (result.code === "RESEND_TOO_SOON") {
        const retryAt = new Date(Date.now() + (result.retryAfterSeconds ?? 0) * 1000).toISOString();
        setChallenge((current) => ({ ...current, resendAvailableAt: retryAt }));
      }
      setFailure({ message: result.message ?? errorMessage(tErrors, result.code ?? "INTERNAL") });
    }
    return false;
  };

  const resend = async () => {
    if (await sendCode()) restartEntry("code");
  };

  /** "Email me a code instead": sends the first code only when none was sent yet. */
  const switchToEmailCode = async () => {
    if (challenge.codeSent) clearFailure();
    else if (!(await sendCode())) return;
    setPasskeyChosen(false);
    focusField("code");
  };

  const switchToPasskey = () => {
    clearFailure();
    setPasskeyChosen(true);
    focusButton(submitRef);
  };

  const passkeyOnly = asks.passkey && !asks.email && !asks.second;
  const emailStepSwitch =
    steps.passkeyOffered && steps.email?.includes("passkey") ? (
      asks.email ? (
        <LinkButton onClick={switchToPasskey} disabled={!usable || busy}>
          {t("passkey.useInstead")}
        </LinkButton>
      ) : (
        <LinkButton
          onClick={switchToEmailCode}
          pending={sending}
          pendingText={t("email.sendingCode")}
          disabled={locked || failure?.exhausted || busy}
        >
          {t("email.sendInstead")}
        </LinkButton>
      )
    ) : null;
  const secondTakesPasskey = steps.passkeyOffered && !steps.email?.includes("passkey") && !!steps.second?.includes("passkey");
  const secondChoices: (Method | "passkey")[] = asks.second
    ? [OTHER_METHOD[asks.second], ...(secondTakesPasskey ? (["passkey"] as const) : [])]
    : ["authenticator", "recovery_code"];

  const title = t("dialog.title");
  const icon = (
    <ModalIcon>
      {passkeyOnly ? (
        <PasskeyGlyph />
      ) : (
        <>
          <rect x="3" y="5" width="18" height="14" rx="2" />
          <path d="m3 7 9 6 9-6" />
        </>
      )}
    </ModalIcon>
  );
  const description = <Description challenge={challenge} asks={asks} />;
  const second = asks.second ? secondFieldText(t, asks.second) : null;

  const body = (
    <>
      <form onSubmit={(event) => void form.handleSubmit(verify)(event)} noValidate className="space-y-4">
        <LiveMessage tone="error" message={failure?.message} />
        <LiveMessage tone={notice?.tone ?? "info"} message={notice?.message} />
        {steps.email && (
          <div className="space-y-2">
            {asks.email && awaitingCode && (
              <div className="flex flex-wrap items-center justify-between gap-3 rounded-lg bg-slate-50 px-4 py-3 ring-1 ring-slate-200 ring-inset">
                <p className="text-sm text-slate-700">
                  {t.rich(numbered ? "email.promptNumbered" : "email.prompt", {
                    email: challenge.maskedEmail,
                    strong: (chunks) => <strong className="font-semibold">{chunks}</strong>,
                  })}
                </p>
                <Button
                  ref={sendRef}
                  variant="secondary"
                  onClick={resend}
                  pending={sending}
                  pendingText={t("email.sending")}
                  disabled={locked || busy}
                >
                  {t("email.send")}
                </Button>
              </div>
            )}
            {asks.email && !awaitingCode && (
              <CodeField
                form={form}
                name="code"
                label={numbered ? t("email.labelNumbered", { email: challenge.maskedEmail }) : t("email.label")}
                disabled={!usable}
                description={usable ? t("email.hint", { attemptsLeft: challenge.attemptsLeft }) : undefined}
              />
            )}
            {!asks.email && numbered && <PasskeyStep label={t("passkey.stepFirst")} />}
            {emailStepSwitch}
          </div>
        )}
        {/* A passkey answering every step is the dialog's one button; here it answers the second step only. */}
        {steps.second && (asks.second || asks.email) && (
          <div className="space-y-2">
            {asks.second && second ? (
              <SecondField
                method={asks.second}
                form={form}
                label={numbered ? second.labelNumbered : second.label}
                usable={usable}
                description={usable ? second.hint : undefined}
              />
            ) : (
              <PasskeyStep label={numbered ? t("passkey.stepSecond") : t("passkey.step")} />
            )}
            <div className="flex flex-wrap gap-x-4 gap-y-1">
              {secondChoices.map((choice) => (
                <LinkButton key={choice} onClick={() => chooseSecond(choice)} disabled={!usable || busy}>
                  {choice === "passkey" ? t("passkey.useInstead") : secondFieldText(t, choice).switchTo}
                </LinkButton>
              ))}
            </div>
          </div>
        )}
        <div className="flex items-center gap-2 text-sm">
          <ClockIcon />
          {expiresIn > 0 && (
            <p className="text-slate-600">
              {t.rich(asks.email ? "dialog.expiry.code" : "dialog.expiry.request", {
                clock: formatClock(expiresIn),
                timer: (chunks) => <span className="font-medium text-slate-900 tabular-nums">{chunks}</span>,
              })}
            </p>
          )}
          <div role="status" className="font-medium text-amber-700">
            {expiresIn > 0 ? null : asks.email ? t("dialog.expiry.codeExpired") : t("dialog.expiry.requestExpired")}
          </div>
        </div>
        <DialogActions busy={busy} onCancel={onCancel}>
          <Button
            ref={submitRef}
            type="submit"
            pending={busy}
            pendingText={prompting ? t("passkey.waiting") : t("dialog.verifying")}
            disabled={!usable || awaitingCode}
          >
            {asks.passkey ? t("passkey.use") : t("dialog.verify")}
          </Button>
        </DialogActions>
      </form>
      {asks.email && !awaitingCode && (
        <div className="mt-6 flex flex-wrap items-center justify-between gap-2 border-t border-slate-200 pt-5 text-sm text-slate-600">
          <span>{t("email.notReceived")}</span>
          <Button
            variant="ghost"
            className="px-2 text-indigo-700"
            onClick={resend}
            pending={sending}
            pendingText={t("email.sending")}
            disabled={resendIn > 0 || locked || failure?.exhausted || busy}
          >
            {resendIn > 0 ? t("email.resendIn", { seconds: resendIn }) : t("email.resend")}
          </Button>
        </div>
      )}
    </>
  );

  if (placement === "hosted") {
    return (
      <>
        <ModalHeading title={title} icon={icon} description={description} />
        <div className="mt-6">{body}</div>
      </>
    );
  }
  return (
    <Dialog.Root open onOpenChange={(open) => !open && onCancel()}>
      <Modal
        title={title}
        dismissible={!busy}
        icon={icon}
        description={description}
        // Radix would focus the first focusable element; the field or button that goes on is what the user needs.
        onOpenAutoFocus={(event) => {
          event.preventDefault();
          focusOpening();
        }}
        // A stray click outside must not throw away the pending change.
        onPointerDownOutside={(event) => event.preventDefault()}
      >
        {body}
      </Modal>
    </Dialog.Root>
  );
}

function Description({ challenge, asks }: { challenge: StepUpChallengeDto; asks: Asks }) {
  const t = useTranslations("stepUp");
  const values = {
    action: challenge.description,
    email: challenge.maskedEmail,
    strong: (chunks: ReactNode) => <strong className="font-semibold text-slate-900">{chunks}</strong>,
  };
  if (asks.passkey && !asks.email && !asks.second) return t.rich("dialog.description.passkeyOnly", values);
  if (asks.passkey) {
    if (!asks.email) return t.rich("dialog.description.passkeyThenSecond", values);
    return t.rich(challenge.codeSent ? "dialog.description.sentCodeThenPasskey" : "dialog.description.codeThenPasskey", values);
  }
  if (asks.second) return t.rich(challenge.codeSent ? "dialog.description.twoCodesSent" : "dialog.description.twoCodes", values);
  return t.rich(challenge.codeSent ? "dialog.description.codeSent" : "dialog.description.code", values);
}

function SecondField({
  method,
  form,
  label,
  usable,
  description,
}: {
  method: Method;
  form: ReturnType<typeof useForm<CodeForm>>;
  label: string;
  usable: boolean;
  description?: string;
}) {
  const Field = SECOND_FIELD[method];
  return <Field key={method} form={form} name="secondCode" label={label} description={description} disabled={!usable} />;
}

/** Where a passkey answers a step that also has codes to type: what will happen when the button is pressed. */
function PasskeyStep({ label }: { label: string }) {
  const t = useTranslations("stepUp");
  return (
    <div className="rounded-lg bg-slate-50 px-4 py-3 ring-1 ring-slate-200 ring-inset">
      <p className="text-sm font-medium text-slate-800">{label}</p>
      <p className="mt-1 text-sm text-slate-600">{t("passkey.stepHint")}</p>
    </div>
  );
}

function LinkButton({
  onClick,
  disabled,
  pending = false,
  pendingText,
  children,
}: {
  onClick: () => void;
  disabled?: boolean;
  pending?: boolean;
  pendingText?: string;
  children: ReactNode;
}) {
  return (
    <button
      type="button"
      onClick={onClick}
      disabled={disabled || pending}
      aria-busy={pending || undefined}
      className="rounded-sm text-sm font-medium text-indigo-700 hover:underline disabled:cursor-not-allowed disabled:text-slate-400 disabled:no-underline"
    >
      {pending && pendingText ? pendingText : children}
    </button>
  );
}

/** Focuses a button once the next render has committed (it may only just have been enabled or mounted). */
function useFocusButton(): (ref: RefObject<HTMLButtonElement | null>) => void {
  const [request, setRequest] = useState<{ ref: RefObject<HTMLButtonElement | null>; count: number } | null>(null);
  useEffect(() => {
    request?.ref.current?.focus();
  }, [request]);
  return useCallback(
    (ref: RefObject<HTMLButtonElement | null>) => setRequest((previous) => ({ ref, count: (previous?.count ?? 0) + 1 })),
    [],
  );
}

type Steps = {
  /** The step the emailed code answers, and the one an authenticator or recovery code answers, if any. */
  email: ProofKind[] | null;
  second: ProofKind[] | null;
  /** A step takes a passkey, the server sent options for it and this browser can use one. */
  passkeyOffered: boolean;
};

function describeSteps(challenge: StepUpChallengeDto, webAuthnUsable: boolean): Steps {
  return {
    email: challenge.steps.find((step) => step.includes("email_code")) ?? null,
    second: challenge.steps.find((step) => step.some(isMethod)) ?? null,
    passkeyOffered: webAuthnUsable && challenge.passkeyOptions !== null && challenge.steps.some((step) => step.includes("passkey")),
  };
}

/** The dialog opens on the passkey when the first step takes one. */
function passkeyFirst(challenge: StepUpChallengeDto): boolean {
  return challenge.passkeyOptions !== null && !!challenge.steps[0]?.includes("passkey");
}

function isMethod(kind: ProofKind): kind is Method {
  return kind === "authenticator" || kind === "recovery_code";
}

/** With more than one proof in the dialog, say which one was wrong. */
function emailCodeFailure(t: Translate<"stepUp">, tErrors: Translate<"errors">, attemptsLeft?: number): string {
  if (!attemptsLeft) return errorMessage(tErrors, "CODE_INVALID");
  return t("email.incorrect", { attemptsLeft });
}

/** The second step's code to ask for first, when the challenge has a second step. */
function secondStepMethod(challenge: StepUpChallengeDto): Method | undefined {
  return challenge.steps.find((step) => step.some(isMethod))?.find(isMethod);
}

function lockedFailure(t: Translate<"stepUp">, format: ReturnType<typeof useFormatter>, retryAfterSeconds = 60): Failure {
  const now = Date.now();
  const lockedUntil = now + retryAfterSeconds * 1000;
  const minutes = Math.max(1, Math.round(retryAfterSeconds / 60));
  return {
    message: t("dialog.locked", {
      time: format.dateTime(lockedUntil, "time"),
      // "in 15 minutes", "in 15 Minuten": never less than a minute.
      relative: format.relativeTime(now + minutes * 60_000, { now, unit: "minute" }),
    }),
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
