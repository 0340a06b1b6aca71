import type { Messages } from "./catalogs";
import type { Translate } from "./translate";

/** A key of the validation catalog (messages/<locale>/validation.json). */
export type ValidationKey = keyof Messages["validation"];

/**
 * A zod message, or a field error thrown by the domain, is not words but a validation key with
 * its values ("tooLong?max=64"): schemas are shared by the browser and the server, and each turns
 * the key into the reader's language where it is shown (issueText).
 */
export function issue(key: ValidationKey, values?: Record<string, string | number>): string {
  if (!values) return key;
  return `${key}?${new URLSearchParams(Object.entries(values).map(([name, value]) => [name, String(value)])).toString()}`;
}

/** The words for a message made by `issue`; any other message (zod's own English) reads as "invalid". */
export function issueText(t: Translate<"validation">, message: string): string {
  const [key = "", query = ""] = message.split("?", 2);
  if (!t.has(key as ValidationKey)) return t("invalid");
  const values = Object.fromEntries(
    [...new URLSearchParams(query)].map(([name, value]) => [name, /^\d+$/.test(value) ? Number(value) : value]),
  );
  return t(key as ValidationKey, values as never);
}
