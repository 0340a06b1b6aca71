import { mkdirSync } from "node:fs";
import path from "node:path";
import AxeBuilder from "@axe-core/playwright";
import { expect, type Page, type TestInfo } from "@playwright/test";

/**
 * The visual tour's combinations and the checks it runs on every state it reaches.
 *
 * Widths (desktop 1280, phone 390) × themes × languages would be 8 combinations. A pairwise
 * covering set of 4 shows every pair of values together: each width in both themes and both
 * languages, and each theme in both languages.
 */
export type Combo = { width: 1280 | 390; theme: "light" | "dark"; lang: "en" | "de" };

export const COMBOS: readonly Combo[] = [
  { width: 1280, theme: "light", lang: "en" },
  { width: 1280, theme: "dark", lang: "de" },
  { width: 390, theme: "light", lang: "de" },
  { width: 390, theme: "dark", lang: "en" },
];

export const comboName = ({ width, theme, lang }: Combo): string => `${width}-${theme}-${lang}`;

const LOCALES = { en: "en-US", de: "de-DE" } as const;
/** A time zone that fits the language, told to the server up front (the `tz` cookie), as on a return visit. */
export const TIME_ZONES = { en: "America/New_York", de: "Europe/Berlin" } as const;

/** What `test.use` gets: the app follows the system theme and negotiates Accept-Language. */
export function comboOptions(combo: Combo) {
  return {
    viewport: { width: combo.width, height: combo.width === 390 ? 844 : 800 },
    colorScheme: combo.theme,
    locale: LOCALES[combo.lang],
    timezoneId: TIME_ZONES[combo.lang],
  } as const;
}

// axe's rules for WCAG 2.0, 2.1 and 2.2 A and AA, colour contrast included; serious and critical fail.
const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];
const BLOCKING = new Set(["serious", "critical"]);

export type Tour = {
  /** Checks the page as it is now, saves its screenshot, and records every problem found (the test fails at its end). */
  snap: (state: string) => Promise<void>;
};

/**
 * One area's walk through its states in one combination. Each `snap` runs every check and keeps
 * going: the problems of all states are reported together (soft assertions), one entry per state.
 */
export function startTour(page: Page, testInfo: TestInfo, area: string, combo: Combo): Tour {
  const directory = path.join(testInfo.project.outputDir, "visual");
  mkdirSync(directory, { recursive: true });
  return {
    snap: async (state) => {
      const name = `${area}-${state}-${comboName(combo)}`;
      const t0 = Date.now();
      await settle(page);
      const t1 = Date.now();
      const inspected = await page.evaluate(inspect, { phone: combo.width === 390, lang: combo.lang, dark: combo.theme === "dark" });
      const t2 = Date.now();
      const axed = await axeProblems(page, name);
      const t3 = Date.now();
      const problems = [...inspected, ...axed];
      const file = path.join(directory, `${name}.png`);
      await page.screenshot({
        path: file,
        fullPage: true,
        animations: "disabled",
        caret: "hide",
        // The Next.js dev-tools badge exists only in `next dev`, not in the product.
        style: "nextjs-portal { display: none !important; }",
      });
      await testInfo.attach(name, { path: file, contentType: "image/png" });
      console.log(`TIMING ${name} settle=${t1 - t0} inspect=${t2 - t1} axe=${t3 - t2} shot=${Date.now() - t3}`);
      expect.soft(problems, `${name} (${page.url()})`).toEqual([]);
    },
  };
}

/**
 * Colours measured mid-transition are neither the old nor the new ones (a dialog fading in), and
 * text measured before the fonts load is the wrong size: waits for both.
 */
async function settle(page: Page): Promise<void> {
  await page.evaluate(async () => {
    await document.fonts.ready;
    const finite = document.getAnimations().filter((animation) => animation.effect?.getComputedTiming().iterations !== Infinity);
    await Promise.all(finite.map((animation) => animation.finished.catch(() => undefined)));
  });
}

async function axeProblems(page: Page, name: string): Promise<string[]> {
  // Legacy mode runs axe in the page itself; the default opens a blank page per run to finish it
  // (for cross-origin frames, which the app has none of), which costs more than the checks.
  const axe = new AxeBuilder({ page }).setLegacyMode().withTags(AXE_TAGS).exclude("nextjs-portal");
  // The open dialog (marked by inspect), else the whole document, page-level rules (title, lang) included.
  const dialog = (await page.locator("[data-visual-scope]").count()) > 0;
  if (dialog) axe.include("[data-visual-scope]");
  // axe leaves a line's contrast undecided when the page beneath the dialog differs from one line
  // to the next ("partially overlaps"); the dialog's panel is opaque, so while axe runs the page
  // beneath is hidden, and the contrast of every line in the dialog is measured.
  if (dialog) await page.evaluate(hideAllButScope, true);
  const results = await axe.analyze().finally(() => (dialog ? page.evaluate(hideAllButScope, false) : undefined));
  for (const node of results.incomplete.find((rule) => rule.id === "color-contrast")?.nodes ?? []) {
    console.log(
      `CCINCOMPLETE ${name} ${node.target.join(" ")} :: ${node.any.map((check) => check.message).join(" | ")} :: ${node.html.slice(0, 120)}`,
    );
  }
  return results.violations
    .filter((violation) => BLOCKING.has(violation.impact ?? ""))
    .flatMap((violation) =>
      violation.nodes.map((node) => {
        const contrast = node.any.find((check) => check.id === "color-contrast")?.data as
          { fgColor?: string; bgColor?: string; contrastRatio?: number; expectedContrastRatio?: string } | undefined;
        const colours = contrast?.fgColor
          ? ` [${contrast.fgColor} on ${contrast.bgColor}: ${contrast.contrastRatio}, needs ${contrast.expectedContrastRatio}]`
          : "";
        return `axe ${violation.impact} ${violation.id}: ${violation.help} — ${node.target.join(" ")}${colours} ${node.html.slice(0, 160)}`;
      }),
    );
}

/** Hides (or shows again) everything in <body> but the branch holding the dialog marked by inspect. */
function hideAllButScope(hide: boolean): void {
  for (const child of document.body.children) {
    if (!(child instanceof HTMLElement) || child.matches("[data-visual-scope]") || child.querySelector("[data-visual-scope]")) continue;
    if (hide) {
      child.dataset.visualVisibility = child.style.getPropertyValue("visibility");
      child.style.setProperty("visibility", "hidden", "important");
    } else if (child.dataset.visualVisibility !== undefined) {
      child.style.setProperty("visibility", child.dataset.visualVisibility);
      delete child.dataset.visualVisibility;
    }
  }
}

type InspectOptions = { phone: boolean; lang: string; dark: boolean };

/**
 * Runs in the page (so it is self-contained): the page's language and theme, messages missing from
 * the catalogs, text that overflows or is clipped, anything past the viewport's edges, and at phone
 * width the size of every pointer target (WCAG 2.2 SC 2.5.8, with its spacing and inline exceptions).
 */
function inspect({ phone, lang, dark }: InspectOptions): string[] {
  const problems: string[] = [];
  const root = document.documentElement;
  const viewportWidth = root.clientWidth;

  const describe = (element: Element): string => {
    const parts: string[] = [];
    let node: Element | null = element;
    for (let depth = 0; node && node !== document.body && depth < 4; depth++, node = node.parentElement) {
      const role = node.getAttribute("role");
      parts.unshift(`${node.tagName.toLowerCase()}${node.id ? `#${node.id}` : ""}${role ? `[role=${role}]` : ""}`);
    }
    const text = (element instanceof HTMLElement ? element.innerText : (element.textContent ?? "")).replace(/\s+/g, " ").trim();
    const label = text || element.getAttribute("aria-label") || "";
    return `${parts.join(" > ")}${label ? ` "${label.slice(0, 70)}"` : ""}`;
  };

  // Not rendered, transparent, or visually hidden for screen readers only (1 px and clipped, as `sr-only`).
  const hiddenCache = new Map<Element, boolean>();
  const hidden = (element: Element): boolean => {
    const cached = hiddenCache.get(element);
    if (cached !== undefined) return cached;
    let result = !element.checkVisibility({
      checkOpacity: true,
      checkVisibilityCSS: true,
      opacityProperty: true,
      visibilityProperty: true,
    });
    if (!result) {
      const style = getComputedStyle(element);
      const rect = element.getBoundingClientRect();
      result =
        style.clipPath === "inset(50%)" ||
        (style.position === "absolute" && style.clip !== "auto" && style.clip !== "") ||
        (rect.width <= 1 && rect.height <= 1 && style.overflow !== "visible");
    }
    if (!result && element.parentElement && element.parentElement !== document.body) result = hidden(element.parentElement);
    hiddenCache.set(element, result);
    return result;
  };

  // With a modal dialog open, the page beneath is inert and covered (and was checked in its own
  // state): the dialog on top is what is checked, by axe too (it reads this attribute).
  for (const marked of document.querySelectorAll("[data-visual-scope]")) marked.removeAttribute("data-visual-scope");
  const dialogs = [...document.querySelectorAll("[role=dialog], [role=alertdialog]")].filter(
    (dialog) => !hidden(dialog) && !dialog.closest("[aria-hidden=true]"),
  );
  const scope = dialogs.at(-1) ?? document.body;
  if (scope !== document.body) scope.setAttribute("data-visual-scope", "");

  // The state asked for.
  if (!root.lang.startsWith(lang)) problems.push(`language: <html lang="${root.lang}">, expected "${lang}"`);
  if (root.classList.contains("dark") !== dark) problems.push(`theme: <html> ${dark ? "lacks" : "has"} the "dark" class`);

  // A message missing from the catalogs renders as ⟦namespace.key⟧.
  const missing = new Set<string>();
  for (const line of document.body.innerText.split("\n"))
    if (line.includes("⟦")) missing.add(`missing message in the text: "${line.trim()}"`);
  for (const element of document.querySelectorAll("[aria-label], [aria-description], [title], [placeholder], [alt]")) {
    for (const attribute of ["aria-label", "aria-description", "title", "placeholder", "alt"]) {
      const value = element.getAttribute(attribute);
      if (value?.includes("⟦")) missing.add(`missing message in ${attribute} of ${describe(element)}: "${value}"`);
    }
  }
  if (document.title.includes("⟦")) missing.add(`missing message in the page title: "${document.title}"`);
  problems.push(...missing);

  // Overflow. The page itself must not scroll sideways; what reaches furthest is named (often
  // something visually hidden, positioned against a box outside the scrolling one it sits in).
  if (root.scrollWidth > viewportWidth + 1) {
    // Suspects: what is positioned out of flow (it escapes a scrolling box unless that box is its
    // containing block), then what no box of its own clips.
    const suspects = [...document.body.querySelectorAll("*")].filter((element) => {
      const rect = element.getBoundingClientRect();
      if (rect.right + window.scrollX <= viewportWidth + 1) return false;
      if (["absolute", "fixed"].includes(getComputedStyle(element).position)) return true;
      for (let ancestor = element.parentElement; ancestor && ancestor !== document.body; ancestor = ancestor.parentElement) {
        if (getComputedStyle(ancestor).overflowX !== "visible") return false;
      }
      return true;
    });
    const named = suspects
      .sort((a, b) => b.getBoundingClientRect().right - a.getBoundingClientRect().right)
      .slice(0, 3)
      .map(
        (element) =>
          `${describe(element)} to ${Math.round(element.getBoundingClientRect().right + window.scrollX)}px${hidden(element) ? " (visually hidden)" : ""}`,
      );
    problems.push(
      `overflow: the page is ${root.scrollWidth}px wide in a ${viewportWidth}px viewport (it scrolls sideways)${named.length ? `; reaching out: ${named.join("; ")}` : ""}`,
    );
  }
  const elements = [...scope.querySelectorAll("*")];
  const isField = (element: Element) =>
    element instanceof HTMLInputElement || element instanceof HTMLTextAreaElement || element instanceof HTMLSelectElement;
  for (const element of elements) {
    // A field's own value scrolls inside it by design.
    if (isField(element) || !(element instanceof HTMLElement)) continue;
    const style = getComputedStyle(element);
    if (style.overflowX === "visible" || element.scrollWidth <= element.clientWidth + 1 || hidden(element)) continue;
    if (!element.innerText.trim()) continue;
    // A data table may scroll sideways in its own container (WCAG 1.4.10 allows it for two-dimensional data).
    const scrolls = style.overflowX === "auto" || style.overflowX === "scroll";
    if (scrolls && [...element.querySelectorAll("table")].some((table) => table.offsetWidth > element.clientWidth + 1)) continue;
    // Deliberately cut short with an ellipsis, the whole value in its tooltip (names people typed).
    if (style.textOverflow === "ellipsis" && element.title.trim() === (element.textContent ?? "").trim()) continue;
    problems.push(
      `overflow: ${describe(element)} clips its content: ${element.scrollWidth}px wide in ${element.clientWidth}px (overflow-x: ${style.overflowX})`,
    );
  }
  // Text spilling out of its own box (a long word in a button or badge), where nothing clips it.
  const walker = document.createTreeWalker(scope, NodeFilter.SHOW_TEXT);
  const spilled = new Set<Element>();
  const flowsInline = (element: Element) => ["inline", "contents"].includes(getComputedStyle(element).display);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const content = node.textContent ?? "";
    const start = content.search(/\S/);
    if (start < 0 || !node.parentElement) continue;
    let box: Element | null = node.parentElement;
    while (box && flowsInline(box)) box = box.parentElement;
    if (!box || spilled.has(box) || box.closest("select, textarea, script, style, template, noscript") || hidden(box)) continue;
    const style = getComputedStyle(box);
    if (style.overflowX !== "visible") continue; // clipping boxes are checked above
    const range = document.createRange();
    range.setStart(node, start);
    range.setEnd(node, content.trimEnd().length);
    const text = range.getBoundingClientRect();
    if (text.width === 0) continue;
    const rect = box.getBoundingClientRect();
    const left = rect.left + parseFloat(style.borderLeftWidth);
    const right = rect.right - parseFloat(style.borderRightWidth);
    if (text.right > right + 1 || text.left < left - 1) {
      spilled.add(box);
      problems.push(
        `overflow: text "${content.trim().slice(0, 60)}" spills out of ${describe(box)}: the text spans ${Math.round(text.left)}–${Math.round(text.right)}px, its box ${Math.round(left)}–${Math.round(right)}px`,
      );
    }
  }
  // Anything past the viewport's edges, unless a box of its own clips or scrolls it (reported above).
  const outside = new Set<Element>();
  const reported: Element[] = [];
  for (const element of elements) {
    if (hidden(element)) continue;
    const rect = element.getBoundingClientRect();
    if (rect.width === 0 || rect.height === 0 || (rect.right <= viewportWidth + 1 && rect.left >= -1)) continue;
    let contained = false;
    for (let ancestor = element.parentElement; ancestor && ancestor !== document.body; ancestor = ancestor.parentElement) {
      if (outside.has(ancestor) || getComputedStyle(ancestor).overflowX !== "visible") {
        contained = true;
        break;
      }
    }
    outside.add(element);
    if (!contained) reported.push(element);
  }
  for (const element of reported) {
    const rect = element.getBoundingClientRect();
    // What widens it: the innermost boxes that reach out too (a line that cannot wrap, say).
    const innermost = [...element.querySelectorAll("*")]
      .filter((inner) => outside.has(inner) && ![...inner.children].some((child) => outside.has(child)))
      .sort((a, b) => b.getBoundingClientRect().right - a.getBoundingClientRect().right)
      .slice(0, 2)
      .map((inner) => describe(inner));
    problems.push(
      `overflow: ${describe(element)} spans ${Math.round(rect.left)}–${Math.round(rect.right)}px, past the ${viewportWidth}px viewport${innermost.length ? `; innermost: ${innermost.join("; ")}` : ""}`,
    );
  }

  if (!phone) return problems;

  // Pointer targets at phone width: at least 24×24 px, or spaced so that a 24 px circle centred on
  // each does not touch another target or another small target's circle (WCAG 2.2 SC 2.5.8).
  const TARGETS =
    "a[href], button, input:not([type=hidden]), select, textarea, summary, label, [role=button], [role=link], [role=checkbox], [role=radio], [role=switch], [role=tab], [role=menuitem], [role=option]";
  const isToggle = (element: Element | null): element is HTMLInputElement =>
    element instanceof HTMLInputElement && (element.type === "checkbox" || element.type === "radio");
  type Target = { element: Element; rect: { left: number; top: number; right: number; bottom: number } };
  const targets: Target[] = [];
  for (const element of scope.querySelectorAll(TARGETS)) {
    if (hidden(element)) continue;
    // A label is a target for the checkbox or radio inside it; one beside its box adds to the box's area.
    if (element instanceof HTMLLabelElement && !(isToggle(element.control) && element.contains(element.control))) continue;
    let rect: Target["rect"] = element.getBoundingClientRect();
    if (isToggle(element) && element.labels?.length) {
      // A label around it is the target (checked as the label).
      if ([...element.labels].some((label) => label.contains(element))) continue;
      for (const label of element.labels) {
        const extra = label.getBoundingClientRect();
        rect = {
          left: Math.min(rect.left, extra.left),
          top: Math.min(rect.top, extra.top),
          right: Math.max(rect.right, extra.right),
          bottom: Math.max(rect.bottom, extra.bottom),
        };
      }
    }
    if (rect.right - rect.left === 0 || rect.bottom - rect.top === 0) continue;
    targets.push({ element, rect });
  }
  // The inline exception: a link inside a sentence, its height set by the line of text around it.
  const targetAround = (node: Node): Element | null => {
    let element = node.parentElement?.closest(TARGETS) ?? null;
    while (element instanceof HTMLLabelElement && !isToggle(element.control)) element = element.parentElement?.closest(TARGETS) ?? null;
    return element;
  };
  const inSentence = (element: Element): boolean => {
    if (getComputedStyle(element).display !== "inline") return false;
    let block = element.parentElement;
    while (block && getComputedStyle(block).display.startsWith("inline")) block = block.parentElement;
    if (!block) return false;
    const texts = document.createTreeWalker(block, NodeFilter.SHOW_TEXT);
    for (let node = texts.nextNode(); node; node = texts.nextNode()) {
      if (node.textContent?.trim() && !targetAround(node)) return true;
    }
    return false;
  };
  const RADIUS = 12;
  const small = targets.filter(({ rect }) => rect.right - rect.left < 24 - 0.01 || rect.bottom - rect.top < 24 - 0.01);
  const checked = small.filter(({ element }) => !inSentence(element));
  const centre = ({ rect }: Target) => ({ x: (rect.left + rect.right) / 2, y: (rect.top + rect.bottom) / 2 });
  for (const target of checked) {
    const c = centre(target);
    const related = (other: Target) =>
      other.element === target.element || other.element.contains(target.element) || target.element.contains(other.element);
    const touches = targets.find(({ element, rect }) => {
      if (related({ element, rect })) return false;
      const dx = Math.max(rect.left - c.x, 0, c.x - rect.right);
      const dy = Math.max(rect.top - c.y, 0, c.y - rect.bottom);
      return Math.hypot(dx, dy) < RADIUS;
    });
    const crowds = checked.find((other) => !related(other) && Math.hypot(centre(other).x - c.x, centre(other).y - c.y) < 2 * RADIUS);
    const neighbour = touches ?? crowds;
    if (!neighbour) continue;
    const size = `${Math.round(target.rect.right - target.rect.left)}×${Math.round(target.rect.bottom - target.rect.top)}px`;
    problems.push(
      `target: ${describe(target.element)} is ${size}, under 24×24, and its 24px circle ${touches ? "touches" : "overlaps the circle of"} ${describe(neighbour.element)}`,
    );
  }
  return problems;
}
