import { describe, expect, it } from "vitest";
import { CATALOGS } from "@/i18n/catalogs";
import { LOCALES } from "@/i18n/locales";
import { negotiateLocale } from "@/i18n/negotiate";

type Tree = { [key: string]: string | Tree };

function leaves(tree: Tree, prefix = ""): Map<string, string> {
  const found = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === "string") found.set(path, value);
    else for (const [inner, text] of leaves(value, path)) found.set(inner, text);
  }
  return found;
}

/** The names a message interpolates ({name}, {count, plural, …}, <link>…</link>). */
function argumentsOf(message: string): string[] {
  const names = new Set<string>();
  for (const match of message.matchAll(/\{\s*([A-Za-z_][\w]*)\s*[,}]/g)) names.add(match[1] as string);
  for (const match of message.matchAll(/<([A-Za-z][\w]*)>/g)) names.add(`<${match[1]}>`);
  return [...names].sort();
}

describe("message catalogs", () => {
  const english = leaves(CATALOGS.en as unknown as Tree);

  it.each(LOCALES.filter((locale) => locale !== "en"))("%s has exactly English's keys, each with its arguments", (locale) => {
    const other = leaves(CATALOGS[locale] as unknown as Tree);
    expect([...other.keys()].sort()).toEqual([...english.keys()].sort());
    for (const [key, message] of english) {
      expect({ key, args: argumentsOf(other.get(key) ?? "") }).toEqual({ key, args: argumentsOf(message) });
    }
  });

  it("has no empty message", () => {
    for (const locale of LOCALES) {
      for (const [key, message] of leaves(CATALOGS[locale] as unknown as Tree))
        expect({ key, message: message.trim() }).not.toEqual({ key, message: "" });
    }
  });
});

describe("negotiateLocale", () => {
  it.each([
    ["de-AT,de;q=0.9,en;q=0.5", "de"],
    ["fr-FR,de;q=0.8,en;q=0.9", "en"],
    ["fr-FR,de;q=0.9,en;q=0.8", "de"],
    ["de", "de"],
    ["en-GB", "en"],
    ["ja", "en"],
    ["", "en"],
    [null, "en"],
    ["*", "en"],
    ["x-???;q=abc,,,", "en"],
  ])("%s → %s", (header, expected) => {
    expect(negotiateLocale(header)).toBe(expected);
  });
});
