import "server-only";
import { UAParser } from "ua-parser-js";

// Parsing costs ~0.4 ms a call (its regular expressions): the security page, the audit page and an
// export would pay it for every row. The same few agents repeat, so each is parsed once (bounded:
// user agents are at most 512 characters).
const described = new Map<string, string>();
const MAX_REMEMBERED = 1_000;

/** "Chrome 130 on Linux", for emails, session lists and the audit page. */
export function describeUserAgent(userAgent: string | null): string {
  if (!userAgent) return "Unknown device";
  let description = described.get(userAgent);
  if (description === undefined) {
    description = parse(userAgent);
    if (described.size >= MAX_REMEMBERED) described.clear();
    described.set(userAgent, description);
  }
  return description;
}

function parse(userAgent: string): string {
  const { browser, os } = UAParser(userAgent);
  const browserName = browser.name ? `${browser.name}${browser.major ? ` ${browser.major}` : ""}` : "Unknown browser";
  return os.name ? `${browserName} on ${os.name}${os.version ? ` ${os.version}` : ""}` : browserName;
}
