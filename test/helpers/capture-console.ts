import { vi } from "vitest";

/** Empties `lines`, then collects every console.log/warn/error line into it (restore with vi.restoreAllMocks). */
export function captureConsole(lines: string[]): void {
  lines.length = 0;
  const capture = (...args: unknown[]) => void lines.push(args.map(String).join(" "));
  for (const method of ["error", "log", "warn"] as const) vi.spyOn(console, method).mockImplementation(capture);
}
