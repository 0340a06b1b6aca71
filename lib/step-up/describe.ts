import "server-only";
import type { Messages } from "@/i18n/catalogs";
import { decodePhrase, encodePhrase } from "@/i18n/phrase";
import type { Translate } from "@/i18n/translate";

/**
 * What a step-up challenge confirms, stored as phrases (catalog keys under `stepUpActions` and
 * their values) rather than words, so every reader puts it into words in its own language: the
 * modal and the "This wasn't me" page in the request's, the code email in its recipient's, the
 * audit feed in English. Rows written before phrases hold English words; they read as they are.
 */

type Catalog = Messages["stepUpActions"];
type PhraseValues = Record<string, string | number>;

/** What an action confirms, e.g. `{ key: "phrases.apiTokenCreate", values: { name: "ci" } }`. */
export type ActionPhrase = { key: `phrases.${keyof Catalog["phrases"] & string}`; values?: PhraseValues };

/** A detail's label: `token` is shown as `stepUpActions.details.token` ("Token"). */
type DetailLabel = keyof Catalog["details"] & string;
/** A detail's value: a name as it is (a token's, an address masked), or words from `stepUpActions.values`. */
type DetailValue = string | { key: `values.${Exclude<keyof Catalog["values"], "text"> & string}`; values?: PhraseValues };
export type ChallengeDetails = Partial<Record<DetailLabel, DetailValue>>;

/** The `description` column: the phrase as JSON text. */
export function storedDescription(phrase: ActionPhrase): string {
  return encodePhrase(phrase);
}

/** The `details` column: labels as keys, each value a name or an encoded phrase. */
export function storedDetails(details: ChallengeDetails): Record<string, string> {
  const stored: Record<string, string> = {};
  for (const [label, value] of Object.entries(details)) {
    if (value === undefined) continue;
    // A name that happens to look like a stored phrase is stored as one that reads as the name.
    if (typeof value === "string")
      stored[label] = value.startsWith("{") ? encodePhrase({ key: "values.text", values: { text: value } }) : value;
    else stored[label] = encodePhrase(value);
  }
  return stored;
}

/** What a challenge confirms, in `t`'s language: "create API token "ci"", „das API-Token „ci“ zu erstellen“. */
export function describeChallenge(t: Translate<"stepUpActions">, description: string): string {
  const phrase = decodePhrase(description);
  if (!phrase) return description;
  const key = phrase.key as ActionPhrase["key"];
  return key.startsWith("phrases.") && t.has(key) ? t(key, phrase.values) : t("fallback");
}

/** A challenge's details, labels and values in `t`'s language, in their stored order. */
export function challengeDetails(t: Translate<"stepUpActions">, details: Record<string, string>): [label: string, value: string][] {
  return Object.entries(details).map(([label, value]) => [detailLabel(t, label), detailValue(t, value)]);
}

function detailLabel(t: Translate<"stepUpActions">, label: string): string {
  const key = `details.${label}` as `details.${DetailLabel}`;
  // An older row's label is already English words ("Token").
  return t.has(key) ? t(key) : label;
}

function detailValue(t: Translate<"stepUpActions">, value: string): string {
  const phrase = decodePhrase(value);
  if (!phrase?.key.startsWith("values.")) return value;
  const key = phrase.key as `values.${keyof Catalog["values"] & string}`;
  return t.has(key) ? t(key, phrase.values) : value;
}
