/**
 * The API token limits the security page shows at first paint, apart from the schemas in
 * shared/api-tokens.ts, so that showing them does not download zod.
 */
export const MAX_ACTIVE_TOKENS = 50;

/**
 * A token nobody has used (or, never used, created) for this long is stale: marked in both token
 * lists, filterable on /admin/tokens, and what an automatic revocation goes by.
 */
export const STALE_AFTER_DAYS = 90;
