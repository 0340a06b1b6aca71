import type { ErrorCode } from "@/lib/errors";

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
};

export const initialActionState: ActionState = { ok: false };
