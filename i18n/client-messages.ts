import type { Messages } from "./catalogs";

// Only server code renders these, so they stay out of every page's payload.
const SERVER_ONLY_NAMESPACES = ["actions", "emails", "stepUpActions", "auditEvents"] as const;

/** The catalogs client components read: everything but what only the server renders. */
export function clientMessages(messages: Messages): Omit<Messages, (typeof SERVER_ONLY_NAMESPACES)[number]> {
  const copy: Partial<Messages> = { ...messages };
  for (const namespace of SERVER_ONLY_NAMESPACES) delete copy[namespace];
  return copy as Omit<Messages, (typeof SERVER_ONLY_NAMESPACES)[number]>;
}
