import type { Messages } from "./catalogs";

/** Only server code renders these, so no page ever sends them. */
type ServerOnlyNamespace = "actions" | "emails" | "stepUpActions" | "auditEvents";
type ClientNamespace = Exclude<keyof Messages, ServerOnlyNamespace>;

// Each list is what one part of the app's client components read, dialogs loaded on demand
// included, together with what the layouts above it read: a nested provider replaces the
// messages of the one above it, and a layout's code step can be shown inside a page's dialog.
const ROOT = ["auth", "common", "layout"] as const satisfies ClientNamespace[];
const FORMS = [...ROOT, "validation"] as const satisfies ClientNamespace[];
const CODE_STEP = [...FORMS, "errors", "stepUp"] as const satisfies ClientNamespace[];

/**
 * The catalogs each part of the app sends to the browser: the root layout's for every page (its
 * header, the error page), and a page or layout that renders client components reading more wraps
 * them in <ClientMessages area="…"> (components/layout/client-messages.tsx). Each list is exactly
 * what the client code under it names with useTranslations (test/unit/client-messages.test.ts).
 */
export const CLIENT_NAMESPACES = {
  root: ROOT,
  login: [...FORMS, "errors"],
  authForm: FORMS,
  authCodeForm: [...FORMS, "stepUp"],
  stepUpCancel: [...ROOT, "stepUp"],
  settings: [...CODE_STEP, "settings"],
  profile: [...CODE_STEP, "settings", "preferences"],
  security: [...CODE_STEP, "settings", "security"],
  activity: [...CODE_STEP, "settings", "activity"],
  admin: CODE_STEP,
  adminUser: [...CODE_STEP, "admin"],
  adminTokens: [...CODE_STEP, "admin", "security"],
} as const satisfies Record<string, readonly ClientNamespace[]>;

export type ClientArea = keyof typeof CLIENT_NAMESPACES;

/** The catalogs `area`'s client components read, out of the request's. */
export function clientMessages(messages: Messages, area: ClientArea): Partial<Messages> {
  return Object.fromEntries(CLIENT_NAMESPACES[area].map((namespace) => [namespace, messages[namespace]]));
}
