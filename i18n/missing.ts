/** What a missing message renders as: visible, and searched for by the visual tour. */
export function missingMessage(namespace: string | undefined, key: string): string {
  return `⟦${[namespace, key].filter(Boolean).join(".")}⟧`;
}
