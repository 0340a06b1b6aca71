"use client";

import { createContext, useCallback, useContext, useMemo, useRef, useState, type ReactNode } from "react";
import { cancelStepUpAction } from "@/actions/step-up";
import { callAction, type ServerAction } from "@/components/step-up/call-action";
import { StepUpDialog } from "@/components/step-up/step-up-dialog";
import { initialActionState, type ActionState } from "@/shared/action-state";
import type { ErrorCode } from "@/shared/errors";
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
 * Runs security actions: when the server asks for a step-up code, shows the code modal, which
 * sends the code with the same action and input, so callers only see the final result.
 */
export function StepUpProvider({ children }: { children: ReactNode }) {
  const [prompt, setPrompt] = useState<Prompt | null>(null);
  // Only one modal at a time; a second protected call waits for the first to finish.
  const queue = useRef<Promise<unknown>>(Promise.resolve());

  const askForCode = useCallback(
    <Data,>(challenge: StepUpChallengeDto, submit: (proof: StepUpProof) => Promise<ActionState<Data>>) =>
      new Promise<ActionState<Data> | null>((resolve) => {
        setPrompt({
          challenge,
          submit,
          settle: (result) => {
            setPrompt(null);
            resolve(result as ActionState<Data> | null);
          },
        });
      }),
    [],
  );

  const run = useCallback<Run>(
    <Data,>(action: ProtectedAction<Data>, input: Record<string, unknown>) => {
      const attempt = async (): Promise<StepUpResult<Data>> => {
        let result = await callAction(action, input);
        // Loops only if the server asks again (e.g. the change now needs a fresh code).
        while (result.status === "step_up_required" && result.challenge) {
          const challenge = result.challenge;
          const answered = await askForCode(challenge, (proof) => callAction(action, { ...input, stepUp: proof }));
          if (!answered) {
            await cancelStepUpAction(initialActionState, { challengeId: challenge.id }).catch(() => undefined);
            return { ok: false, code: STEP_UP_CANCELLED, message: "Cancelled. Nothing was changed." };
          }
          result = answered;
        }
        return result;
      };
      const next = queue.current.then(attempt, attempt);
      queue.current = next;
      return next;
    },
    [askForCode],
  );

  return (
    <StepUpContext.Provider value={run}>
      {children}
      {prompt && (
        <StepUpDialog
          key={prompt.challenge.id}
          challenge={prompt.challenge}
          submit={prompt.submit}
          onDone={prompt.settle}
          onCancel={() => prompt.settle(null)}
        />
      )}
    </StepUpContext.Provider>
  );
}

export function useStepUp(): { run: Run } {
  const run = useContext(StepUpContext);
  if (!run) throw new Error("useStepUp must be used inside <StepUpProvider>");
  return useMemo(() => ({ run }), [run]);
}
