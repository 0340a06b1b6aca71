import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";

// The browser code of a route, found the way the bundler finds it: from the route's files through
// server modules to each "use client" module, then everything a client module imports. Type-only
// imports bring no code; a "use server" module reaches the browser as a reference only.

const ROOT = process.cwd();
const EXTENSIONS = ["", ".ts", ".tsx", "/index.ts", "/index.tsx"];

type Parsed = {
  directive: "use client" | "use server" | null;
  /** Value imports and re-exports, as written. */
  staticImports: string[];
  /** `import("…")` calls: code that downloads when it runs. */
  dynamicImports: string[];
  namespaces: string[];
};

const parsedFiles = new Map<string, Parsed>();

function parse(file: string): Parsed {
  const cached = parsedFiles.get(file);
  if (cached) return cached;
  const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
  const first = source.statements[0];
  const directive = first && ts.isExpressionStatement(first) && ts.isStringLiteral(first.expression) ? first.expression.text : null;
  const parsed: Parsed = {
    directive: directive === "use client" || directive === "use server" ? directive : null,
    staticImports: [],
    dynamicImports: [],
    namespaces: [],
  };
  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement) && ts.isStringLiteral(statement.moduleSpecifier)) {
      if (!typeOnly(statement.importClause)) parsed.staticImports.push(statement.moduleSpecifier.text);
    } else if (ts.isExportDeclaration(statement) && statement.moduleSpecifier && ts.isStringLiteral(statement.moduleSpecifier)) {
      if (!statement.isTypeOnly) parsed.staticImports.push(statement.moduleSpecifier.text);
    }
  }
  const visit = (node: ts.Node) => {
    if (ts.isCallExpression(node)) {
      const [argument] = node.arguments;
      if (node.expression.kind === ts.SyntaxKind.ImportKeyword && argument && ts.isStringLiteral(argument))
        parsed.dynamicImports.push(argument.text);
      if (ts.isIdentifier(node.expression) && node.expression.text === "useTranslations" && argument && ts.isStringLiteral(argument))
        parsed.namespaces.push(argument.text.split(".")[0] ?? argument.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  parsedFiles.set(file, parsed);
  return parsed;
}

/** `import type { A }` and `import { type A, type B }` are erased; `import "x"` and any value binding are not. */
function typeOnly(clause: ts.ImportClause | undefined): boolean {
  if (!clause) return false;
  if (clause.isTypeOnly) return true;
  if (clause.name) return false;
  const bindings = clause.namedBindings;
  return (
    !!bindings && ts.isNamedImports(bindings) && bindings.elements.length > 0 && bindings.elements.every((element) => element.isTypeOnly)
  );
}

/** A project file, or the package a bare specifier names. */
function resolve(from: string, specifier: string): { file: string } | { packageName: string } | null {
  if (specifier.startsWith("@/") || specifier.startsWith(".")) {
    const base = specifier.startsWith("@/") ? path.join(ROOT, specifier.slice(2)) : path.resolve(path.dirname(from), specifier);
    for (const extension of EXTENSIONS) {
      const candidate = base + extension;
      if (/\.tsx?$/.test(candidate) && existsSync(candidate)) return { file: candidate };
    }
    return null;
  }
  const parts = specifier.split("/");
  return { packageName: specifier.startsWith("@") ? parts.slice(0, 2).join("/") : (parts[0] ?? specifier) };
}

export type ClientCode = {
  /** Project files bundled for the browser, relative to the repository root. */
  modules: Set<string>;
  /** Packages those files import. */
  packages: Set<string>;
  /** The catalogs their useTranslations calls name. */
  namespaces: Set<string>;
};

/**
 * The browser code reachable from `entries` (route files, relative to the root). With `onDemand`,
 * also what client modules import with `import()`: everything the route can show, not only its first load.
 */
export function clientCode(entries: string[], { onDemand = false } = {}): ClientCode {
  const code: ClientCode = { modules: new Set(), packages: new Set(), namespaces: new Set() };
  const seen = new Set<string>();
  const walk = (file: string, inClient: boolean) => {
    const key = `${file}:${inClient}`;
    if (seen.has(key)) return;
    seen.add(key);
    const relative = path.relative(ROOT, file);
    // The domain layer never reaches a client bundle (lint), and Prisma's generated client is large.
    if (/^(lib|generated)\//.test(relative)) return;
    const parsed = parse(file);
    if (inClient && parsed.directive === "use server") return;
    const client = inClient || parsed.directive === "use client";
    if (client) {
      code.modules.add(relative);
      for (const namespace of parsed.namespaces) code.namespaces.add(namespace);
    }
    const specifiers = [...parsed.staticImports, ...(client && onDemand ? parsed.dynamicImports : [])];
    for (const specifier of specifiers) {
      const target = resolve(file, specifier);
      if (!target) continue;
      if ("file" in target) walk(target.file, client);
      else if (client) code.packages.add(target.packageName);
    }
  };
  for (const entry of entries) walk(path.join(ROOT, entry), false);
  return code;
}
