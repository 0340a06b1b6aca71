import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { CATALOGS } from "@/i18n/catalogs";

// Missing keys fail typecheck (i18n/next-intl.d.ts types every t("…") by the English catalog);
// this test catches the other direction: an English message no code asks for any more.

type Tree = { [key: string]: string | Tree };

const SOURCE_DIRS = ["actions", "app", "components", "i18n", "lib", "shared"];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.(ts|tsx)$/.test(entry.name) ? [full] : [];
  });
}

function keyPaths(tree: Tree, prefix: string[] = []): string[][] {
  return Object.entries(tree).flatMap(([key, value]) =>
    typeof value === "string" ? [[...prefix, key]] : keyPaths(value, [...prefix, key]),
  );
}

const source = SOURCE_DIRS.flatMap((dir) => sourceFiles(dir)).map((file) => readFileSync(file, "utf8"));
const literals = new Set(source.flatMap((text) => [...text.matchAll(/(["'`])([\w.-]+)\1/g)].map((match) => match[2] as string)));
const templatePrefixes = new Set(source.flatMap((text) => [...text.matchAll(/`([\w.-]+)\.\$\{/g)].map((match) => match[1] as string)));

/**
 * A key is used when code names it: its whole path as a literal (t("tokens.create.title")), or a
 * tail of it as a literal under a translator bound to the head (useTranslations("security.tokens")
 * then t("create.title")), or one of its ancestors as a template family (t(`scopes.${scope}`)).
 */
function isUsed(namespace: string, key: string[]): boolean {
  const full = [namespace, ...key];
  for (let split = 1; split < full.length; split += 1) {
    const head = full.slice(0, split).join(".");
    const tail = full.slice(split);
    const boundHead = split === 1 || literals.has(head);
    if (boundHead && literals.has(tail.join("."))) return true;
    for (let depth = 1; depth < tail.length; depth += 1) {
      if (boundHead && templatePrefixes.has(tail.slice(0, depth).join("."))) return true;
    }
  }
  return false;
}

describe("message catalogs", () => {
  it("has no English message that no code uses", () => {
    const unused = Object.entries(CATALOGS.en).flatMap(([namespace, tree]) =>
      keyPaths(tree as Tree)
        .filter((key) => !isUsed(namespace, key))
        .map((key) => `${namespace}.${key.join(".")}`),
    );
    expect(unused).toEqual([]);
  });

  it("sees a key as unused once nothing names it (the scan itself works)", () => {
    expect(isUsed("errors", ["INTERNAL"])).toBe(true);
    expect(isUsed("validation", ["emailRequired"])).toBe(true);
    expect(isUsed("errors", ["NO_SUCH_CODE_ANYWHERE"])).toBe(false);
    expect(isUsed("layout", ["theme", "noSuchTheme"])).toBe(false);
  });
});
