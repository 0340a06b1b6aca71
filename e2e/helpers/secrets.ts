/** Searching text for secrets (codes, tokens) that must not be there, with enough context to debug a hit. */

export type Secret = { label: string; pattern: RegExp };

/** A 6-digit code as a number of its own: inside a longer run of digits it is a different number. */
export function codeSecret(label: string, code: string): Secret {
  if (!/^\d{6}$/.test(code)) throw new Error(`not a 6-digit code: ${code}`);
  return { label, pattern: new RegExp(`(?<!\\d)${code}(?!\\d)`, "g") };
}

/**
 * An API token, and separately the part of it the UI never shows (everything after the display
 * prefix), so a token with its prefix stripped or cut differently is found too.
 */
export function tokenSecrets(label: string, token: string, displayPrefixLength = "asec_".length + 6): Secret[] {
  return [
    { label, pattern: new RegExp(escapeRegExp(token), "g") },
    { label: `${label} (the part after its display prefix)`, pattern: new RegExp(escapeRegExp(token.slice(displayPrefixLength)), "g") },
  ];
}

export type Hit = { secret: string; where: string; context: string };

export function findSecrets(text: string, secrets: Secret[], where: string): Hit[] {
  const hits: Hit[] = [];
  for (const secret of secrets) {
    for (const match of text.matchAll(secret.pattern)) {
      const start = Math.max(0, match.index - 60);
      hits.push({ secret: secret.label, where, context: text.slice(start, match.index + match[0].length + 60).replace(/\s+/g, " ") });
    }
  }
  return hits;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
