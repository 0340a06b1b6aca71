import { z } from "zod";
import { issue } from "@/i18n/issues";
import type { RecoveryHold } from "@/shared/account";
import { optionalParam } from "@/shared/audit";
import { emailSchema } from "@/shared/auth";
import type { SessionDto } from "@/shared/sessions";

/** The admin console's user list: filters and the keyset cursor live in the URL. */
export const adminUserFilterSchema = z.object({
  email: optionalParam(z.string().trim().toLowerCase().min(1).max(254)),
  status: optionalParam(z.enum(["active", "disabled"])),
  cursor: optionalParam(z.string().max(400)),
});
export type AdminUserFilter = z.infer<typeof adminUserFilterSchema>;

/** The URL query for a user-list filter (empty values left out), for paging links. */
export function adminUserFilterQuery(filter: Partial<AdminUserFilter>): string {
  const params = new URLSearchParams();
  for (const key of ["email", "status", "cursor"] as const) {
    const value = filter[key];
    if (value) params.set(key, value);
  }
  const query = params.toString();
  return query ? `?${query}` : "";
}

const userId = z.uuid({ error: issue("unknownAccount") });
const reason = z
  .string({ error: issue("reasonRequired") })
  .trim()
  .min(1, issue("reasonRequired"))
  .max(500, issue("reasonTooLong", { max: 500 }));

/** Sign out everywhere, revoke all tokens, clear locks, re-enable. */
export const adminUserSchema = z.object({ userId });
/** Reset two-step verification, disable: the reason is recorded with the change. */
export const adminUserWithReasonSchema = z.object({ userId, reason });
/** Change the account's address after the identity checks the reason describes. */
export const adminChangeUserEmailSchema = z.object({ userId, newEmail: emailSchema, reason });
export type AdminChangeUserEmailInput = z.infer<typeof adminChangeUserEmailSchema>;

/** A lock in force: when it ends, and how long that is from when it was read (database time). */
export type AdminUserLock = { until: string; secondsLeft: number };
/** Wrong passwords, wrong second-factor codes at sign-in, wrong step-up proofs: null when not locked. */
export type AdminUserLocks = { signIn: AdminUserLock | null; secondFactor: AdminUserLock | null; stepUp: AdminUserLock | null };

/** One row of /admin/users. */
export type AdminUserSummaryDto = {
  id: string;
  email: string;
  role: "USER" | "ADMIN";
  createdAt: string;
  status: "active" | "disabled";
  twoFactor: { authenticator: boolean; recoveryCodesLeft: number };
  locks: AdminUserLocks;
  activeSessions: number;
  activeTokens: number;
  lastSignIn: { at: string; ip: string | null; device: string } | null;
};

/** /admin/users/[id]: the row's facts and what the actions need to know. */
export type AdminUserDetailsDto = AdminUserSummaryDto & {
  emailVerifiedAt: string;
  disabled: { at: string; by: string | null; reason: string | null } | null;
  twoFactorEnabledAt: string | null;
  pendingEnrolment: boolean;
  stepUpFailures: number;
  recoveryHold: RecoveryHold | null;
  sessions: SessionDto[];
  /** The admin looking is this account: the console refuses to act on it. */
  isViewer: boolean;
};
