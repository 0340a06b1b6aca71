import { normalizeCodeInput } from "@/shared/auth";

/** The 6-digit code box of the code modal and the authenticator set-up: pasteable, large, spaced. */
export const SIX_DIGIT_CODE_INPUT = {
  autoComplete: "one-time-code",
  inputMode: "numeric",
  spellCheck: false,
  maxLength: 12,
  placeholder: "123456",
  normalize: normalizeCodeInput,
  className:
    "text-center font-mono text-2xl tracking-[0.4em] placeholder:tracking-[0.4em] placeholder:text-slate-300 disabled:bg-slate-50 disabled:text-slate-400",
} as const;
