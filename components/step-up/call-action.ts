import type { Translate } from "@/i18n/translate";
import { initialActionState, type ActionState } from "@/shared/action-state";
import { errorMessage } from "@/shared/errors";

export type ServerAction<Data> = (previous: ActionState<Data>, input: Record<string, unknown>) => Promise<ActionState<Data>>;

/**
 * Calls a server action outside a form; a request that never got an answer is "temporarily
 * unavailable", like any refusal. Its words need `tErrors` (useTranslations("errors")); without it
 * the refusal carries only its code, for the caller to put into words.
 */
export async function callAction<Data>(
  action: ServerAction<Data>,
  input: Record<string, unknown>,
  tErrors?: Translate<"errors">,
): Promise<ActionState<Data>> {
  try {
    return await action(initialActionState as ActionState<Data>, input);
  } catch {
    return { ok: false, code: "UNAVAILABLE", ...(tErrors && { message: errorMessage(tErrors, "UNAVAILABLE") }) };
  }
}
