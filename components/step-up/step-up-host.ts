"use client";

import { createContext, type ReactNode } from "react";

/**
 * One dialog at a time: when the code step is asked for from inside an open dialog (a form, a
 * confirmation), it takes that dialog's place — the same dialog element shows the code step, with
 * the dialog's own content kept (hidden) underneath for when the code step ends.
 */
type HostedStepUp = {
  /** Which open dialog shows it (a Modal's id). */
  host: string;
  /** The code step: its title, description and form, rendered inside the host's dialog element. */
  content: ReactNode;
  /** Esc in the host dialog: the code step's Cancel, unless it is busy. */
  escape: () => void;
};

export type StepUpHost = {
  /** Each open Modal registers while it is open; the last one opened hosts a code step. Returns the unregistration. */
  register: (id: string) => () => void;
  /** The code step being shown inside a dialog, if any. */
  hosted: HostedStepUp | null;
};

/** Given by StepUpProvider; null outside it, and inside the code step's own dialog. */
export const StepUpHostContext = createContext<StepUpHost | null>(null);
