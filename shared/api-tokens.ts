import { z } from "zod";
import { issue } from "@/i18n/issues";
import { MAX_ACTIVE_TOKENS, STALE_AFTER_DAYS } from "@/shared/api-token-limits";

// Kept importable from here too: the server and the tests read every token rule from this module.
export { MAX_ACTIVE_TOKENS, STALE_AFTER_DAYS };

/** The fixed, documented set of API token scopes: each opens one read-only endpoint of /api/v1. */
export const API_TOKEN_SCOPES = {
  "profile:read": "Read your profile (GET /api/v1/me)",
  "tokens:read": "List your API tokens (GET /api/v1/tokens)",
  "sessions:read": "List your active sessions (GET /api/v1/sessions)",
  "activity:read": "Read your security activity (GET /api/v1/security-events)",
  "audit:read": "Read every account's audit events (GET /api/v1/audit-events), admins only",
} as const;

export type ApiTokenScope = keyof typeof API_TOKEN_SCOPES;
const scopeNames = Object.keys(API_TOKEN_SCOPES) as [ApiTokenScope, ...ApiTokenScope[]];

/** Granted only by an admin to their own token, and honoured only while its owner is still an admin. */
export const ADMIN_ONLY_SCOPES: readonly ApiTokenScope[] = ["audit:read"];

/** The scopes an account with this role may put on a token. */
export function grantableScopes(role: "USER" | "ADMIN"): ApiTokenScope[] {
  return scopeNames.filter((scope) => role === "ADMIN" || !ADMIN_ONLY_SCOPES.includes(scope));
}

export const EXPIRY_PRESETS = ["7", "30", "90", "365"] as const;
export const MAX_TOKEN_DAYS = 365;

const DAY_MS = 24 * 60 * 60 * 1000;

export const tokenNameSchema = z
  .string({ error: issue("tokenName") })
  .trim()
  .min(1, issue("tokenName"))
  .max(64, issue("tooLong", { max: 64 }))
  .refine((name) => !/[\u0000-\u001f\u007f]/.test(name), issue("plainCharacters"));

export const createApiTokenSchema = z
  .object({
    name: tokenNameSchema,
    scopes: z
      .array(z.enum(scopeNames, { error: issue("unknownScope") }), { error: issue("chooseScope") })
      .min(1, issue("chooseScope"))
      .max(scopeNames.length),
    expiry: z.enum([...EXPIRY_PRESETS, "custom"], { error: issue("chooseExpiry") }),
    expiresOn: z.iso
      .date({ error: issue("pickDate") })
      .optional()
      .or(z.literal("")),
  })
  .superRefine((input, context) => {
    if (input.expiry !== "custom") return;
    if (!input.expiresOn) {
      context.addIssue({ code: "custom", path: ["expiresOn"], message: issue("pickDate") });
      return;
    }
    const days = (Date.parse(`${input.expiresOn}T23:59:59Z`) - Date.now()) / DAY_MS;
    if (days < 0) context.addIssue({ code: "custom", path: ["expiresOn"], message: issue("pickFutureDate") });
    else if (days > MAX_TOKEN_DAYS)
      context.addIssue({ code: "custom", path: ["expiresOn"], message: issue("tokenMaxDays", { max: MAX_TOKEN_DAYS }) });
  })
  .transform(({ name, scopes, expiry, expiresOn }) => ({
    name,
    // Sorted and de-duplicated so the same choice always hashes the same for step-up.
    scopes: [...new Set(scopes)].sort(),
    expiry,
    expiresOn: expiry === "custom" ? (expiresOn ?? "") : "",
  }));

export type CreateApiTokenInput = z.input<typeof createApiTokenSchema>;
export type CreateApiTokenRequest = z.output<typeof createApiTokenSchema>;

export const revokeApiTokenSchema = z.object({ tokenId: z.uuid({ error: issue("unknownToken") }) });

/** How many tokens an admin may revoke in one request (one step-up, one transaction). */
export const MAX_TOKENS_PER_REVOKE = 100;

export const adminRevokeTokensSchema = z.object({
  tokenIds: z
    .array(z.uuid({ error: issue("unknownToken") }), { error: issue("selectToken") })
    .min(1, issue("selectToken"))
    .max(MAX_TOKENS_PER_REVOKE, issue("selectAtMostTokens", { max: MAX_TOKENS_PER_REVOKE }))
    // Sorted and de-duplicated: the step-up payload is this list, so the same selection always hashes the same.
    .transform((ids) => [...new Set(ids.map((id) => id.toLowerCase()))].sort()),
});
export type AdminRevokeTokensRequest = z.output<typeof adminRevokeTokensSchema>;

/** An active token expiring this soon is "expiring" on /admin/tokens. */
export const EXPIRING_WITHIN_DAYS = 7;

/** Tokens last used (or, never used, created) at or before this moment are stale at `now`. */
export function staleCutoff(now = new Date()): Date {
  return new Date(now.getTime() - STALE_AFTER_DAYS * DAY_MS);
}

/** Whether an active token counts as stale at `now`; the SQL filter applies the same `staleCutoff`. */
export function isStale(token: { createdAt: Date; lastUsedAt: Date | null }, now = new Date()): boolean {
  return (token.lastUsedAt ?? token.createdAt) <= staleCutoff(now);
}

/** Tokens expiring after `now` and at or before this moment are "expiring" at `now`. */
export function expiringCutoff(now = new Date()): Date {
  return new Date(now.getTime() + EXPIRING_WITHIN_DAYS * DAY_MS);
}

/** When a token created now with this choice expires. */
export function tokenExpiry(request: Pick<CreateApiTokenRequest, "expiry" | "expiresOn">, now = new Date()): Date {
  if (request.expiry === "custom") return new Date(`${request.expiresOn}T23:59:59.999Z`);
  return new Date(now.getTime() + Number(request.expiry) * DAY_MS);
}
/** What the security page shows about a token: never the token or its hash. */
export type ApiTokenDto = {
  id: string;
  name: string;
  displayPrefix: string;
  scopes: string[];
  createdAt: string;
  expiresAt: string;
  lastUsedAt: string | null;
  lastUsedIp: string | null;
  status: "active" | "expired" | "revoked";
  /** Active and unused for STALE_AFTER_DAYS (`isStale`). */
  stale: boolean;
};

export type AdminApiTokenDto = ApiTokenDto & { ownerEmail: string };
