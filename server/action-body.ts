import busboy from "busboy";

/**
 * Screens a server-action request body before Next.js decodes it, so that what React's reply
 * decoder would fail on (with an HTTP 500 and an error log line) is answered 400 instead. Cheap:
 * one pass over a body that is at most the action body limit.
 *
 * A reply is a set of JSON rows: the whole body for a plain-text fetch action; the numbered fields
 * of a multipart one ("0" is the root); for a form posted without JavaScript, the fields
 * "$ACTION_<n>:<row>" of each bound action "$ACTION_REF_<n>". Rows refer to each other with
 * "$<hex row id>" strings. Every row must be JSON, nest at most MAX_DEPTH levels, use only the
 * kinds of value this app's actions take, and refer only to rows the request contains.
 */

export const MAX_DEPTH = 32;

export type ActionBodyVerdict = { ok: true } | { ok: false; reason: string };

export type ActionRequest = {
  /** The `Next-Action` header is present: a fetch from the client router rather than a plain form post. */
  fetchAction: boolean;
  contentType: string;
  body: Buffer;
};

type Row = { prefix: string; id: number; text: string };

export async function screenActionBody(request: ActionRequest): Promise<ActionBodyVerdict> {
  const multipart = /^multipart\/form-data\b/i.test(request.contentType);
  if (!multipart) {
    // A plain form post (urlencoded) to a page is no server action: Next.js renders the page.
    if (!request.fetchAction) return { ok: true };
    return screenRows([{ prefix: "", id: 0, text: request.body.toString("utf8") }], { temporaryReferences: true });
  }
  let fields: [string, string][];
  try {
    fields = await multipartFields(request.contentType, request.body);
  } catch {
    return { ok: false, reason: "malformed multipart body" };
  }
  return request.fetchAction ? screenFetchFields(fields) : screenFormFields(fields);
}

function screenFetchFields(fields: [string, string][]): Promise<ActionBodyVerdict> | ActionBodyVerdict {
  const rows = fields.filter(([name]) => /^\d+$/.test(name)).map(([name, text]) => ({ prefix: "", id: Number(name), text }));
  if (!rows.some((row) => row.id === 0)) return { ok: false, reason: "no root row" };
  return screenRows(rows, { temporaryReferences: true });
}

function screenFormFields(fields: [string, string][]): ActionBodyVerdict {
  const rows: Row[] = [];
  for (const [name, text] of fields) {
    const match = /^(\$ACTION_\d+:)(\d+)$/.exec(name);
    if (match) rows.push({ prefix: match[1] ?? "", id: Number(match[2]), text });
  }
  for (const [name] of fields) {
    const bound = /^\$ACTION_REF_(\d+)$/.exec(name);
    if (bound && !rows.some((row) => row.prefix === `$ACTION_${bound[1]}:` && row.id === 0))
      return { ok: false, reason: "bound action without its row" };
  }
  // Forms posted without JavaScript are decoded without temporary references.
  return screenRows(rows, { temporaryReferences: false });
}

function screenRows(rows: Row[], options: { temporaryReferences: boolean }): ActionBodyVerdict {
  const present = new Set(rows.map((row) => `${row.prefix}${row.id}`));
  for (const row of rows) {
    if (nestingDepth(row.text) > MAX_DEPTH) return { ok: false, reason: `nested deeper than ${MAX_DEPTH} levels` };
    let value: unknown;
    try {
      value = JSON.parse(row.text);
    } catch {
      return { ok: false, reason: "a row is not JSON" };
    }
    const problem = firstProblem(value, (id) => present.has(`${row.prefix}${id}`), options);
    if (problem) return { ok: false, reason: problem };
  }
  return { ok: true };
}

/** The deepest nesting of arrays and objects in JSON text, counted without parsing (so a 30,000-deep array costs one pass, not the stack). */
export function nestingDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const char = text.charCodeAt(i);
    if (inString) {
      if (char === 0x5c) i++;
      else if (char === 0x22) inString = false;
    } else if (char === 0x22) {
      inString = true;
    } else if (char === 0x5b || char === 0x7b) {
      depth++;
      if (depth > deepest) deepest = depth;
    } else if (char === 0x5d || char === 0x7d) {
      depth--;
    }
  }
  return deepest;
}

// "$<id>", "$@<id>" (promise), "$Q" (Map), "$W" (Set), "$h" (bound server reference), "$i" (iterable),
// each an outlined row, optionally with a ":key:key" path into it; "$K<id>" collects FormData fields.
const ROW_REFERENCE = /^\$([@QWhi]?)([0-9a-f]+)(?::.*)?$/s;
// React refuses a BigInt of more than 300 digits.
const BIGINT = /^\$n-?\d{1,300}$/;
const PLAIN_TOKENS = new Set(["$undefined", "$NaN", "$Infinity", "$-Infinity", "$-0"]);

function firstProblem(value: unknown, hasRow: (id: number) => boolean, options: { temporaryReferences: boolean }): string | null {
  if (Array.isArray(value)) {
    for (const item of value) {
      const problem = firstProblem(item, hasRow, options);
      if (problem) return problem;
    }
    return null;
  }
  if (value !== null && typeof value === "object") {
    for (const item of Object.values(value)) {
      const problem = firstProblem(item, hasRow, options);
      if (problem) return problem;
    }
    return null;
  }
  if (typeof value !== "string" || !value.startsWith("$")) return null;
  if (value.startsWith("$$") || PLAIN_TOKENS.has(value) || value.startsWith("$D")) return null;
  if (value === "$T") return options.temporaryReferences ? null : "a temporary reference in a form post";
  if (value.startsWith("$n")) return BIGINT.test(value) ? null : "a malformed or oversized BigInt";
  if (/^\$K[0-9a-f]+$/.test(value)) return null;
  const reference = ROW_REFERENCE.exec(value);
  if (!reference) return "a kind of value no action here takes";
  return hasRow(Number.parseInt(reference[2] ?? "", 16)) ? null : "a reference to a row the request does not contain";
}

/** The text fields of a multipart body, in order, parsed by the same parser (busboy) Next.js uses. */
function multipartFields(contentType: string, body: Buffer): Promise<[string, string][]> {
  return new Promise((resolve, reject) => {
    const fields: [string, string][] = [];
    const parser = busboy({ headers: { "content-type": contentType }, defParamCharset: "utf8", limits: { fieldSize: body.length + 1 } });
    parser.on("field", (name, value, info) => {
      if (info.valueTruncated || info.nameTruncated) reject(new Error("truncated field"));
      fields.push([name, value]);
    });
    // Files are never rows; their bytes only need to be read past.
    parser.on("file", (_name, stream) => stream.resume());
    parser.on("error", reject);
    parser.on("close", () => resolve(fields));
    parser.end(body);
  });
}
