/** Every audit event type the product records. Dot names: `<area>.<what happened>`. */
export const AUDIT_EVENT_TYPES = [
  "auth.sign_up",
  "auth.email_verified",
  "auth.sign_in",
  "auth.sign_in_failed",
  "auth.sign_out",
] as const;

export type AuditEventType = (typeof AUDIT_EVENT_TYPES)[number];
