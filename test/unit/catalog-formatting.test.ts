import { createTranslator } from "next-intl";
import { describe, expect, it } from "vitest";
import { CATALOGS } from "@/i18n/catalogs";
import { formats } from "@/i18n/formats";
import { LOCALES } from "@/i18n/locales";
import { SENTENCE_FORMATS } from "@/shared/audit-events";

type Tree = { [key: string]: string | Tree };

function keysOf(tree: Tree, prefix = ""): string[] {
  return Object.entries(tree).flatMap(([key, value]) => {
    const path = prefix ? `${prefix}.${key}` : key;
    return typeof value === "string" ? [path] : keysOf(value, path);
  });
}

function messageAt(tree: Tree, key: string): string {
  return key.split(".").reduce<string | Tree>((node, part) => (node as Tree)[part] as string | Tree, tree) as string;
}

/** A value of the kind each argument of `message` takes: a date for dates, a number for numbers and plurals, a tag's text for tags. */
function sampleValues(message: string): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const [, name, kind] of message.matchAll(/\{\s*([A-Za-z_]\w*)\s*(?:,\s*(\w+))?/g)) {
    if (!name || name in values) continue;
    if (kind === "date" || kind === "time") values[name] = new Date("2026-12-04T10:15:00Z");
    else if (kind === "number" || kind === "plural" || kind === "selectordinal") values[name] = 3;
    else values[name] = "other";
  }
  for (const [, tag] of message.matchAll(/<([A-Za-z]\w*)>/g)) if (tag) values[tag] = (chunks: string) => chunks;
  return values;
}

describe("every message formats in every language", () => {
  // The app's named formats, and those the audit sentences add (shared/audit-events.ts): a message
  // naming a format that merges badly with ICU's own (`date, medium` once did) fails here.
  const allFormats = { dateTime: { ...formats.dateTime, ...SENTENCE_FORMATS.dateTime } };

  it.each(LOCALES)("%s: no formatting error with values of the kinds its arguments take", (locale) => {
    const catalog = CATALOGS[locale] as unknown as Tree;
    const failures: string[] = [];
    const t = createTranslator({
      locale,
      messages: CATALOGS[locale],
      formats: allFormats,
      timeZone: "UTC",
      onError: (error) => failures.push(error.message),
    }) as unknown as (key: string, values: Record<string, unknown>) => string;
    for (const key of keysOf(catalog)) {
      const before = failures.length;
      t(key, sampleValues(messageAt(catalog, key)));
      if (failures.length > before) failures[failures.length - 1] = `${key}: ${failures.at(-1)}`;
    }
    expect(failures).toEqual([]);
  });
});
