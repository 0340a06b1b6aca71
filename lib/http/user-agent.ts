import "server-only";
import { UAParser } from "ua-parser-js";

/** "Chrome 130 on Linux", for emails, session lists and the audit page. */
export function describeUserAgent(userAgent: string | null): string {
  if (!userAgent) return "Unknown device";
  const { browser, os } = UAParser(userAgent);
  const browserName = browser.name ? `${browser.name}${browser.major ? ` ${browser.major}` : ""}` : "Unknown browser";
  return os.name ? `${browserName} on ${os.name}${os.version ? ` ${os.version}` : ""}` : browserName;
}
