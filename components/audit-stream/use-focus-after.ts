"use client";

import { useRef, type RefObject } from "react";

/**
 * For a dialog whose change removes or re-renders the button that opened it: once `done()` was
 * called, closing moves focus to `target` (the page's status line) instead; backing out leaves
 * focus to the dialog, which returns it to its trigger.
 */
export function useFocusAfter(target: RefObject<HTMLElement | null>) {
  const doneRef = useRef(false);
  return {
    done: () => {
      doneRef.current = true;
    },
    onCloseAutoFocus: (event: Event) => {
      if (!doneRef.current) return;
      event.preventDefault();
      target.current?.focus();
    },
  };
}
