/** Pure display helpers, safe on client and server. */

/** Ids from cookies and forms are checked before they reach a `::uuid` cast. */
export function isUuid(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}

export function maskEmail(email: string): string {
  const [local = "", domain = ""] = email.split("@");
  const visible = local.slice(0, Math.min(2, Math.max(1, local.length - 2)));
  return `${visible}${"•".repeat(Math.max(3, local.length - visible.length))}@${domain}`;
}

export function formatDateTime(date: Date): string {
  return new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" }).format(date) + " UTC";
}

/** Only same-site paths: `next` comes from the URL and must not become an open redirect. */
export function safeNextPath(next: string | undefined): string {
  return next && /^\/(?![/\\])[\w\-/]*$/.test(next) ? next : "/settings";
}
