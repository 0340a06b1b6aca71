import { isIP } from "node:net";

/** True for an address only this machine can reach. */
export function isLoopback(host: string): boolean {
  const address = host.replace(/^\[|\]$/g, "");
  if (address === "localhost") return true;
  if (isIP(address) === 4) return address.startsWith("127.");
  return address === "::1";
}

/** Printed when the development server is told to listen beyond this machine: its mailbox holds every code. */
export function exposureWarning(host: string, mailboxUrl: string): string | null {
  if (isLoopback(host)) return null;
  return [
    `⚠ The development server listens on ${host}: anyone who can reach this machine can read the dev mailbox`,
    `  (${mailboxUrl}), which holds every code and "This wasn't me" link sent, without signing in.`,
    "  Unset HOST (the default, 127.0.0.1) to keep it on this machine.",
  ].join("\n");
}
