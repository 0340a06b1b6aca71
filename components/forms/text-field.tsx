"use client";

import { useId, type InputHTMLAttributes, type ReactNode } from "react";
import type { FieldValues, Path, UseFormReturn } from "react-hook-form";

export type TextFieldProps<Values extends FieldValues> = {
  form: UseFormReturn<Values>;
  name: Path<Values>;
  label: string;
  description?: ReactNode;
  /** Applied while typing and pasting, e.g. to drop spaces from a pasted code. */
  normalize?: (value: string) => string;
} & Omit<InputHTMLAttributes<HTMLInputElement>, "name" | "form">;

export function TextField<Values extends FieldValues>({
  form,
  name,
  label,
  description,
  normalize,
  className = "",
  ...input
}: TextFieldProps<Values>) {
  const id = useId();
  const registration = form.register(name);
  const error = form.formState.errors[name]?.message;
  const message = typeof error === "string" ? error : undefined;
  const describedBy = [description ? `${id}-description` : null, message ? `${id}-error` : null].filter(Boolean).join(" ") || undefined;
  return (
    <div className="space-y-1.5">
      <label htmlFor={id} className="block text-sm font-medium text-slate-800">
        {label}
      </label>
      <input
        id={id}
        aria-invalid={message ? true : undefined}
        aria-describedby={describedBy}
        className={`block w-full rounded-md border-0 bg-surface px-3 py-2 text-slate-900 shadow-sm ring-1 ring-inset placeholder:text-slate-400 focus:ring-2 focus:outline-none focus:ring-inset ${message ? "ring-red-400 focus:ring-red-600" : "ring-slate-300 focus:ring-indigo-600"} ${className}`}
        {...input}
        {...registration}
        onChange={(event) => {
          if (normalize) event.target.value = normalize(event.target.value);
          return registration.onChange(event);
        }}
      />
      {description && (
        <p id={`${id}-description`} className="text-xs text-slate-600">
          {description}
        </p>
      )}
      {message && (
        <p id={`${id}-error`} className="text-sm text-red-700">
          {message}
        </p>
      )}
    </div>
  );
}
