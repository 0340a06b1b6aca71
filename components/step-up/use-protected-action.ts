"use client";

import { useTranslations } from "next-intl";
import { useCallback, useState } from "react";
import type { FieldValues, Path, UseFormReturn } from "react-hook-form";
import { useFocusField } from "@/components/forms/use-focus-field";
import { useStepUp, type ProtectedAction, type StepUpResult } from "@/components/step-up/step-up-provider";
import type { Translate } from "@/i18n/translate";
import { errorMessage } from "@/shared/errors";

export type Outcome = { ok: boolean; message: string };

/**
 * What to announce after a protected action: its success message, if any, or why it failed. A
 * refusal from useStepUp().run always has its words; `tErrors` words one that has none.
 */
export function outcomeOf(result: StepUpResult<unknown>, tErrors?: Translate<"errors">): Outcome | null {
  if (result.ok) return result.message ? { ok: true, message: result.message } : null;
  return { ok: false, message: result.message ?? (tErrors ? errorMessage(tErrors, "INTERNAL") : "") };
}

/**
 * Everything a dialog or form does around one protected action: runs it (with the step-up modal
 * when the server asks for a code), tracks that it is pending, keeps the outcome to announce, and
 * puts the server's field errors on the form, focusing the first. Returns the action's result so
 * the caller can go on (close the dialog, show the new token, …).
 */
export function useProtectedAction<Data, Values extends FieldValues = FieldValues>(
  action: ProtectedAction<Data>,
  form?: UseFormReturn<Values>,
): {
  run: (input: Record<string, unknown>) => Promise<StepUpResult<Data>>;
  pending: boolean;
  outcome: Outcome | null;
  setOutcome: (outcome: Outcome | null) => void;
} {
  const stepUp = useStepUp();
  const tErrors = useTranslations("errors");
  const [pending, setPending] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const focus = useFocusField(form);

  const run = useCallback(
    async (input: Record<string, unknown>) => {
      setOutcome(null);
      setPending(true);
      const result = await stepUp.run(action, input);
      setPending(false);
      setOutcome(outcomeOf(result, tErrors));
      if (result.ok) return result;
      // "scopes.0" is a problem with the scopes field as a whole.
      const fields = Object.entries(result.fieldErrors ?? {}).map(
        ([field, messages]) => [field.split(".")[0] as Path<Values>, messages] as const,
      );
      for (const [field, messages] of fields) form?.setError(field, { type: "server", message: messages.join(" ") });
      if (fields[0]) focus(fields[0][0]);
      return result;
    },
    [action, form, focus, stepUp, tErrors],
  );

  return { run, pending, outcome, setOutcome };
}
