import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { CATALOGS } from "@/i18n/catalogs";
import { CLIENT_NAMESPACES, clientMessages, type ClientArea } from "@/i18n/client-messages";
import { clientCode } from "@/test/helpers/client-modules";

// Each page sends the browser only the catalogs its client components read: the root layout's
// list, or the list of the nearest page or layout above that wraps its client components in
// <ClientMessages area="…">. A missing catalog would show fallbacks in the browser; an extra one
// is weight every page view carries.

/** The route files of every page: the root layout, the layouts on its path, the page itself. */
function routeChains(): string[][] {
  const pages: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name === "page.tsx") pages.push(full);
    }
  };
  walk("app");
  return pages.map((page) => {
    const dirs = path.dirname(page).split(path.sep);
    const layouts = dirs.map((_, index) => path.join(...dirs.slice(0, index + 1), "layout.tsx"));
    return [...layouts.filter((layout) => readdirSync(path.dirname(layout)).includes("layout.tsx")), page];
  });
}

/** The area a route file sends: `clientMessages(messages, "root")` or `<ClientMessages area="…">`. */
function declaredArea(file: string): ClientArea | null {
  const match = /(?:clientMessages\(\w+,\s*|<ClientMessages area=)"(\w+)"/.exec(readFileSync(file, "utf8"));
  return (match?.[1] as ClientArea | undefined) ?? null;
}

/** What a route file's client code reads, dialogs on demand included; the root layout also hosts the error and not-found pages. */
function namespacesOf(file: string): string[] {
  const entries = file === path.join("app", "layout.tsx") ? [file, "app/error.tsx", "app/not-found.tsx"] : [file];
  return [...clientCode(entries, { onDemand: true }).namespaces];
}

const sorted = (values: Iterable<string>) => [...new Set(values)].sort();

describe("the catalogs each page sends", () => {
  const chains = routeChains();

  it("finds every page under the root layout", () => {
    expect(chains.length).toBeGreaterThan(20);
    for (const chain of chains) expect(chain[0]).toBe(path.join("app", "layout.tsx"));
  });

  it.each(chains.map((chain) => [chain.at(-1), chain]))("%s: exactly what its client components read", (_page, chain) => {
    let sent: ClientArea | null = null;
    const needed: string[] = [];
    for (const file of chain as string[]) {
      needed.push(...namespacesOf(file));
      const declared = declaredArea(file);
      if (declared) {
        sent = declared;
        // A provider covers what the layouts above render too: the code step can open in a page's dialog.
        expect(sorted(CLIENT_NAMESPACES[declared]), file).toEqual(sorted(needed));
      } else {
        expect(sent, `${file} sends nothing of its own and nothing above it does`).not.toBeNull();
        expect(sorted(CLIENT_NAMESPACES[sent as ClientArea]), file).toEqual(expect.arrayContaining(sorted(needed)));
      }
    }
  });

  it("leaves every other catalog out of the page", () => {
    const root = clientMessages(CATALOGS.en, "root");
    expect(Object.keys(root).sort()).toEqual(["auth", "common", "layout"]);
    expect(clientMessages(CATALOGS.de, "login").auth).toBe(CATALOGS.de.auth);
    for (const namespaces of Object.values(CLIENT_NAMESPACES))
      for (const serverOnly of ["actions", "emails", "stepUpActions", "auditEvents"]) expect(namespaces).not.toContain(serverOnly);
  });
});
