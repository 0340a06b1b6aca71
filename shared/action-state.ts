import type { ErrorCode } from "@/shared/errors";
import type { StepUpChallengeDto } from "@/shared/step-up";

/** The one shape every server action returns; forms render it. */
export type ActionState<Data = unknown> = {
  ok: boolean;
  code?: ErrorCode;
  message?: string;
  fieldErrors?: Record<string, string[]>;
  /** Echo of non-secret fields so a form without JavaScript keeps what the user typed. */
  values?: Record<string, string>;
  data?: Data;
  retryAfterSeconds?: number;
  attemptsLeft?: number;
  /** Set when the server refused a security change until the user enters an emailed code. */
  status?: "step_up_required";
  challenge?: StepUpChallengeDto;
};

export const initialActionState: ActionState = { ok: false };
