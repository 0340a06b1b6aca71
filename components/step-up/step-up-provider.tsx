"use client";

import { createContext, useCallback, useContext, useMemo, useRef, useState, type ReactNode } from "react";
import { cancelStepUpAction } from "@/app/step-up/actions";
import { StepUpDialog } from "@/components/step-up/step-up-dialog";
import { initialActionState, type ActionState } from "@/lib/actions/state";
import { errorMessage, type ErrorCode } from "@/lib/errors";
import type { StepUpChallengeDto } from "@/lib/step-up/types";

/** Client-only outcome: the user closed the code modal, so the server changed nothing. */
export const STEP_UP_CANCELLED = "CANCELLED";

export type StepUpResult<Data> = Omit<ActionState<Data>, "code"> & { code?: ErrorCode | typeof STEP_UP_CANCELLED };

export type ProtectedAction<Data> = (previous: ActionState<Data>, input: Record<string, unknown>) => Promise<ActionState<Data>>;

type Run = <Data>(action: ProtectedAction<Data>, input: Record<string, unknown>) => Promise<StepUpResult<Data>>;

type Prompt = { challenge: StepUpChallengeDto; settle: (verified: boolean) => void };

const StepUpContext = createContext<Run | null>(null);

/**
 * Runs security actions: when the server asks for a step-up code, shows the code modal and,
 * once verified, replays the same action with the same input, so callers only see the final result.
 */
export function StepUpProvider({ children }: { children: ReactNode }) {
  const [prompt, setPrompt] = useState<Prompt | null>(null);
  // Only one modal at a time; a second protected call waits for the first to finish.
  const queue = useRef<Promise<unknown>>(Promise.resolve());

  const askForCode = useCallback(
    (challenge: StepUpChallengeDto) =>
      new Promise<boolean>((resolve) => {
        setPrompt({
          challenge,
          settle: (verified) => {
            setPrompt(null);
            resolve(verified);
          },
        });
      }),
    [],
  );

  const run = useCallback<Run>(
    <Data,>(action: ProtectedAction<Data>, input: Record<string, unknown>) => {
      const attempt = async (): Promise<StepUpResult<Data>> => {
        let result = await call(action, input);
        while (result.status === "step_up_required" && result.challenge) {
          const challenge = result.challenge;
          if (!(await askForCode(challenge))) {
            await cancelStepUpAction(initialActionState, { challengeId: challenge.id }).catch(() => undefined);
            return { ok: false, code: STEP_UP_CANCELLED, message: "Cancelled. Nothing was changed." };
          }
          result = await call(action, input);
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
        <StepUpDialog key={prompt.challenge.id} challenge={prompt.challenge} onVerified={() => prompt.settle(true)} onCancel={() => prompt.settle(false)} />
      )}
    </StepUpContext.Provider>
  );
}

export function useStepUp(): { run: Run } {
  const run = useContext(StepUpContext);
  if (!run) throw new Error("useStepUp must be used inside <StepUpProvider>");
  return useMemo(() => ({ run }), [run]);
}

async function call<Data>(action: ProtectedAction<Data>, input: Record<string, unknown>): Promise<ActionState<Data>> {
  try {
    return await action(initialActionState as ActionState<Data>, input);
  } catch {
    return { ok: false, code: "UNAVAILABLE", message: errorMessage("UNAVAILABLE") };
  }
}
