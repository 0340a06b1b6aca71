"use client";

import { useCallback, useEffect, useState } from "react";
import type { FieldValues, Path, UseFormReturn } from "react-hook-form";

/**
 * Focuses a field once the next render has committed. Called right after an awaited server
 * action, a plain `form.setFocus` loses to the browser moving focus off the submit button that
 * was disabled while the action ran.
 */
export function useFocusField<Values extends FieldValues>(form: UseFormReturn<Values> | undefined): (name: Path<Values>) => void {
  const [request, setRequest] = useState<{ name: Path<Values>; count: number } | null>(null);
  useEffect(() => {
    if (request) form?.setFocus(request.name);
  }, [request, form]);
  return useCallback((name: Path<Values>) => setRequest((previous) => ({ name, count: (previous?.count ?? 0) + 1 })), []);
}
