import type { ReactNode } from "react";

export type Tone = "error" | "success" | "info" | "warning";

const TONES: Record<Tone, string> = {
  error: "bg-red-50 text-red-800 ring-red-200",
  success: "bg-emerald-50 text-emerald-800 ring-emerald-200",
  info: "bg-sky-50 text-sky-900 ring-sky-200",
  warning: "bg-amber-50 text-amber-900 ring-amber-200",
};

export function Notice({ tone, children }: { tone: Tone; children: ReactNode }) {
  return <div className={`rounded-md px-4 py-3 text-sm ring-1 ring-inset ${TONES[tone]}`}>{children}</div>;
}

/**
 * The container is always rendered, so a message that appears later is announced:
 * assertively for errors, politely otherwise.
 */
export function LiveMessage({ tone, message }: { tone: Tone; message?: string | null }) {
  return (
    <div role={tone === "error" ? "alert" : "status"} aria-atomic="true">
      {message ? <Notice tone={tone}>{message}</Notice> : null}
    </div>
  );
}
