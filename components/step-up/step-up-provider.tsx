"use client";

import { useTranslations } from "next-intl";
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { cancelStepUpAction } from "@/actions/step-up";
import { callAction, type ServerAction } from "@/components/step-up/call-action";
import { StepUpHostContext, type StepUpHost } from "@/components/step-up/step-up-host";
import { onDemand, whenIdle } from "@/components/ui/on-demand";
import { initialActionState, type ActionState } from "@/shared/action-state";
import { errorMessage, type ErrorCode } from "@/shared/errors";
import type { StepUpChallengeDto, StepUpProof } from "@/shared/step-up";

/** Client-only outcome: the user closed the code modal, so the server changed nothing. */
const STEP_UP_CANCELLED = "CANCELLED";

export type StepUpResult<Data> = Omit<ActionState<Data>, "code"> & { code?: ErrorCode | typeof STEP_UP_CANCELLED };

export type ProtectedAction<Data> = ServerAction<Data>;

type Run = <Data>(action: ProtectedAction<Data>, input: Record<string, unknown>) => Promise<StepUpResult<Data>>;

type Prompt = {
  challenge: StepUpChallengeDto;
  submit: (proof: StepUpProof) => Promise<ActionState>;
  /** The change's own result, or null when the user cancelled. */
  settle: (result: ActionState | null) => void;
};

const StepUpContext = createContext<Run | null>(null);

/**
 * The code step is shown only when the server asks for a code, so its code (and zod, react-hook-form,
 * Radix Dialog with it) is not part of the page: it downloads once the page is idle, or when a
 * protected action starts, at the latest, and is there before the server's answer is.
 */
const StepUpDialog = onDemand(() => import("@/components/step-up/step-up-dialog").then((module) => module.StepUpDialog));

/**
 * Runs security actions: when the server asks for a step-up code, shows the code step, which
 * sends the code with the same action and input, so callers only see the final result.
 *
 * One dialog at a time: asked for from inside an open dialog, the code step takes that dialog's
 * place (see Modal); asked for from the page (a button in a list), it is a dialog of its own.
 */
export function StepUpProvider({ children }: { children: ReactNode }) {
  const tErrors = useTranslations("errors");
  const t = useTranslations("stepUp");
  const [prompt, setPrompt] = useState<Prompt | null>(null);
  // The Modal showing the code step, or null for its own dialog. A ref too, for the callbacks.
  const [host, setHost] = useState<string | null>(null);
  const hostRef = useRef<string | null>(null);
  // The open Modals, in the order they opened: the last one is in front.
  const openModals = useRef<string[]>([]);
  // Esc in the host dialog is the code step's Cancel (set by the code step while it can be cancelled).
  const escapeRef = useRef<(() => void) | null>(null);
  // Only one code step at a time; a second protected call waits for the first to finish.
  const queue = useRef<Promise<unknown>>(Promise.resolve());

  useEffect(() => whenIdle(StepUpDialog.preload), []);

  const placeIn = useCallback((next: string | null) => {
    hostRef.current = next;
    setHost(next);
  }, []);

  const register = useCallback(
    (id: string) => {
      openModals.current.push(id);
      return () => {
        openModals.current = openModals.current.filter((open) => open !== id);
        // The dialog showing the code step closed under it: the code step goes on in front of what is left.
        if (hostRef.current === id) placeIn(openModals.current.at(-1) ?? null);
      };
    },
    [placeIn],
  );

  const askForCode = useCallback(
    <Data,>(challenge: StepUpChallengeDto, submit: (proof: StepUpProof) => Promise<ActionState<Data>>, origin: Element | null) =>
      new Promise<ActionState<Data> | null>((resolve) => {
        placeIn(openModals.current.at(-1) ?? null);
        setPrompt({
          challenge,
          submit,
          settle: (result) => {
            const hosted = hostRef.current !== null;
            setPrompt(null);
            placeIn(null);
            resolve(result as ActionState<Data> | null);
            // Back in the dialog that asked: where the user was, once it can take focus again.
            if (hosted) refocusWhenReady(origin);
          },
        });
      }),
    [placeIn],
  );

  const run = useCallback<Run>(
    <Data,>(action: ProtectedAction<Data>, input: Record<string, unknown>) => {
      const origin = typeof document === "undefined" ? null : document.activeElement;
      const attempt = async (): Promise<StepUpResult<Data>> => {
        StepUpDialog.preload();
        let result = await callAction(action, input, tErrors);
        // Loops only if the server asks again (e.g. the change now needs a fresh code).
        while (result.status === "step_up_required" && result.challenge) {
          const challenge = result.challenge;
          // Shown only once its code is here, so it opens whole and takes focus at once.
          const shown = await StepUpDialog.load().then(
            () => true,
            () => false,
          );
          if (!shown) {
            await cancelStepUpAction(initialActionState, { challengeId: challenge.id }).catch(() => undefined);
            return { ok: false, code: "UNAVAILABLE", message: errorMessage(tErrors, "UNAVAILABLE") };
          }
          const answered = await askForCode(challenge, (proof) => callAction(action, { ...input, stepUp: proof }, tErrors), origin);
          if (!answered) {
            await cancelStepUpAction(initialActionState, { challengeId: challenge.id }).catch(() => undefined);
            return { ok: false, code: STEP_UP_CANCELLED, message: t("cancelled") };
          }
          result = answered;
        }
        // Every refusal comes with its words, so callers can announce it as it is.
        if (!result.ok && !result.message) return { ...result, message: errorMessage(tErrors, result.code ?? "INTERNAL") };
        return result;
      };
      const next = queue.current.then(attempt, attempt);
      queue.current = next;
      return next;
    },
    [askForCode, t, tErrors],
  );

  const dialog = useMemo(
    () =>
      prompt && (
        <StepUpDialog
          key={prompt.challenge.id}
          challenge={prompt.challenge}
          submit={prompt.submit}
          onDone={prompt.settle}
          onCancel={() => prompt.settle(null)}
          placement={host === null ? "dialog" : "hosted"}
          escapeRef={escapeRef}
        />
      ),
    [prompt, host],
  );

  const hostValue = useMemo<StepUpHost>(
    () => ({
      register,
      hosted: dialog && host !== null ? { host, content: dialog, escape: () => escapeRef.current?.() } : null,
    }),
    [register, dialog, host],
  );

  return (
    <StepUpContext.Provider value={run}>
      <StepUpHostContext.Provider value={hostValue}>
        {children}
        {/* Its own dialog, which hosts nothing. */}
        {host === null && <StepUpHostContext.Provider value={null}>{dialog}</StepUpHostContext.Provider>}
      </StepUpHostContext.Provider>
    </StepUpContext.Provider>
  );
}

export function useStepUp(): { run: Run } {
  const run = useContext(StepUpContext);
  if (!run) throw new Error("useStepUp must be used inside <StepUpProvider>");
  return useMemo(() => ({ run }), [run]);
}

/**
 * Puts focus back on `element` (the button that ran the action) once the code step is gone and
 * the button is enabled again, unless something else has taken focus meanwhile (a field with an error).
 */
function refocusWhenReady(element: Element | null): void {
  if (!(element instanceof HTMLElement)) return;
  const lost = () => {
    const active = document.activeElement;
    return !active || active === document.body || active.getAttribute("role") === "dialog";
  };
  const ready = () => !element.closest("[hidden]") && !(element instanceof HTMLButtonElement && element.disabled);
  /** True when there is nothing left to wait for. */
  const attempt = (): boolean => {
    if (!element.isConnected || !lost()) return true;
    if (!ready()) return false;
    element.focus();
    return true;
  };
  requestAnimationFrame(() => {
    if (attempt()) return;
    const root = element.closest('[role="dialog"]') ?? document.body;
    const observer = new MutationObserver(() => {
      if (!attempt()) return;
      observer.disconnect();
      clearTimeout(timer);
    });
    const timer = setTimeout(() => observer.disconnect(), 15_000);
    observer.observe(root, { attributes: true, attributeFilter: ["disabled", "hidden"], subtree: true });
  });
}
