import "server-only";
import { getEnv } from "@/lib/env";

type Level = "debug" | "info" | "warn" | "error";
const ORDER: Record<Level | "silent", number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };

/**
 * One JSON line per event. Callers pass names, ids and error classes only — never codes,
 * tokens, passwords or message bodies.
 */
export function log(level: Level, event: string, fields: Record<string, string | number | boolean | null | undefined> = {}): void {
  if (ORDER[level] < ORDER[getEnv().LOG_LEVEL]) return;
  const line = JSON.stringify({ time: new Date().toISOString(), level, event, ...fields });
  (level === "error" || level === "warn" ? console.error : console.log)(line);
}

export function errorName(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}
