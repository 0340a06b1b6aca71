import { initialActionState, type ActionState } from "@/shared/action-state";
import { errorMessage } from "@/shared/errors";

export type ServerAction<Data> = (previous: ActionState<Data>, input: Record<string, unknown>) => Promise<ActionState<Data>>;

/** Calls a server action outside a form; a request that never got an answer is "temporarily unavailable", like any refusal. */
export async function callAction<Data>(action: ServerAction<Data>, input: Record<string, unknown>): Promise<ActionState<Data>> {
  try {
    return await action(initialActionState as ActionState<Data>, input);
  } catch {
    return { ok: false, code: "UNAVAILABLE", message: errorMessage("UNAVAILABLE") };
  }
}
