import "server-only";
import { dictionary } from "@zxcvbn-ts/language-common";
import { issue } from "@/i18n/issues";

let common: Set<string> | undefined;

/** NIST 800-63B: refuse passwords found in lists of commonly used or breached passwords. */
export function passwordProblem(password: string, email: string): string | null {
  common ??= new Set(dictionary["passwords-common"]);
  const lowered = password.toLowerCase();
  if (common.has(lowered)) return issue("passwordCommon");
  if (/^(.)\1+$/.test(password)) return issue("passwordRepeated");
  if (isSequence(lowered)) return issue("passwordSequence");
  const localPart = email.split("@")[0] ?? "";
  if (localPart.length >= 4 && lowered.includes(localPart.toLowerCase())) return issue("passwordHasEmail");
  return null;
}

function isSequence(value: string): boolean {
  const codes = [...value].map((char) => char.charCodeAt(0));
  const step = (codes[1] ?? 0) - (codes[0] ?? 0);
  return Math.abs(step) === 1 && codes.every((code, i) => i === 0 || code - (codes[i - 1] ?? 0) === step);
}
