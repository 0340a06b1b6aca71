"use client";

import { useTranslations } from "next-intl";
import type { FieldValues } from "react-hook-form";
import { TextField, type TextFieldProps } from "@/components/forms/text-field";

/** What a person may paste: spaces and dashes between digits are fine; the server sees 6 digits. */
export function normalizeCodeInput(raw: string): string {
  return raw.replace(/[\s-]/g, "");
}

/**
 * The one field for a 6-digit code, emailed or from an authenticator: the numeric keyboard,
 * one-time-code autofill, pasting with spaces or dashes, large and spaced for reading off a phone.
 */
export function CodeField<Values extends FieldValues>({ className = "", ...props }: Omit<TextFieldProps<Values>, "normalize">) {
  const t = useTranslations("stepUp");
  return (
    <TextField
      autoComplete="one-time-code"
      inputMode="numeric"
      spellCheck={false}
      maxLength={12}
      placeholder={t("codeField.placeholder")}
      normalize={normalizeCodeInput}
      className={`text-center font-mono text-2xl tracking-[0.4em] placeholder:tracking-[0.4em] placeholder:text-slate-300 disabled:bg-slate-50 disabled:text-slate-400 ${className}`}
      {...props}
    />
  );
}

/** A recovery code (abcde-23456), read off paper: spaces typed or pasted in between are dropped. */
export function RecoveryCodeField<Values extends FieldValues>({ className = "", ...props }: Omit<TextFieldProps<Values>, "normalize">) {
  const t = useTranslations("stepUp");
  return (
    <TextField
      autoComplete="off"
      autoCapitalize="none"
      spellCheck={false}
      maxLength={24}
      placeholder={t("recoveryCodeField.placeholder")}
      normalize={(raw) => raw.replace(/\s/g, "")}
      className={`text-center font-mono text-xl tracking-[0.2em] placeholder:text-slate-300 disabled:bg-slate-50 disabled:text-slate-400 ${className}`}
      {...props}
    />
  );
}
