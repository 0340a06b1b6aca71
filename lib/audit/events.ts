/** Every audit event type the product records. Dot names: `<area>.<what happened>`. */
export const AUDIT_EVENT_TYPES = [
  "auth.sign_up",
  "auth.email_verified",
  "auth.sign_in",
  "auth.sign_in_failed",
  "auth.sign_out",
  "step_up.challenge_sent",
  "step_up.challenge_resent",
  "step_up.verify_failed",
  "step_up.expired",
  "step_up.locked",
  "step_up.rate_limited",
  "step_up.verified",
  "step_up.grant_used",
  "step_up.cancelled",
  "step_up.reported",
  "api_token.created",
  "api_token.revoked",
  "session.revoked",
] as const;

export type AuditEventType = (typeof AUDIT_EVENT_TYPES)[number];
