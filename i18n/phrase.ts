/**
 * A message to be put into words later, in the reader's language: a catalog key and its values.
 * Stored as JSON text where words used to be stored (a step-up challenge's description), so a
 * row written today reads in whichever language its reader has.
 */
export type Phrase = { key: string; values?: Record<string, string | number> };

export function encodePhrase(phrase: Phrase): string {
  return JSON.stringify(phrase.values ? { key: phrase.key, values: phrase.values } : { key: phrase.key });
}

/** The phrase stored in `text`, or null for text written before phrases (plain English words). */
export function decodePhrase(text: string | null | undefined): Phrase | null {
  if (!text?.startsWith("{")) return null;
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== "object" || parsed === null || typeof (parsed as Phrase).key !== "string") return null;
    const { key, values } = parsed as Phrase;
    const clean =
      values && typeof values === "object"
        ? Object.fromEntries(
            Object.entries(values).filter((entry): entry is [string, string | number] => ["string", "number"].includes(typeof entry[1])),
          )
        : undefined;
    return clean ? { key, values: clean } : { key };
  } catch {
    return null;
  }
}
