"use client";

import { startTransition, useActionState, useEffect, type FormEvent } from "react";
import { useForm, type DefaultValues, type FieldValues, type Path } from "react-hook-form";
import type { z } from "zod";
import { preloadSchema, useZodResolver } from "@/components/forms/use-zod-resolver";
import { initialActionState, type ActionState } from "@/shared/action-state";

type FormAction<Data> = (previous: ActionState<Data>, input: FormData) => Promise<ActionState<Data>>;

/**
 * react-hook-form validates on the client with the same zod schema the server re-parses;
 * the form still posts as a plain form (and works without JavaScript). Given as a function that
 * imports it, the schema (and zod) downloads when the form is first focused, not with the page.
 */
export function useServerForm<Schema extends z.ZodType<FieldValues, FieldValues>, Data = unknown>(
  schema: Schema | (() => Promise<Schema>),
  action: FormAction<Data>,
  defaultValues: DefaultValues<z.input<Schema>>,
) {
  const [state, dispatch, pending] = useActionState(action, initialActionState as ActionState<Data>);
  const form = useForm<z.input<Schema>>({
    resolver: useZodResolver<z.input<Schema>>(schema),
    defaultValues,
    mode: "onSubmit",
    reValidateMode: "onChange",
  });

  useEffect(() => {
    for (const [name, messages] of Object.entries(state.fieldErrors ?? {})) {
      form.setError(name as Path<z.input<Schema>>, { type: "server", message: messages.join(" ") }, { shouldFocus: true });
    }
  }, [state, form]);

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    const element = event.currentTarget;
    void form.handleSubmit(() => startTransition(() => dispatch(new FormData(element))))(event);
  };

  const onFocus = () => preloadSchema(schema);

  return { form, state, pending, formProps: { action: dispatch, onSubmit, onFocus, noValidate: true } };
}
