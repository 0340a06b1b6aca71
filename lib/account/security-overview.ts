import "server-only";
import { pendingEmailChangeFromJson, pendingEmailChangeJson } from "@/lib/account/change-email";
import { recoveryHoldFromJson, recoveryHoldJson, type RecoveryHoldJson } from "@/lib/account/recovery-hold";
import { apiTokensFromJson, apiTokensJson, type ApiTokenJson } from "@/lib/api-tokens/list";
import { db, preparedStatement } from "@/lib/db";
import { passkeysFromJson, passkeysJson, type PasskeyJson } from "@/lib/passkeys/manage";
import { activeSessionsFromJson, activeSessionsJson, type ActiveSessionJson } from "@/lib/sessions/other-sessions";
import { twoFactorFromJson, twoFactorJson, type TwoFactorJson } from "@/lib/two-factor/manage";
import type { PendingEmailChange, RecoveryHold } from "@/shared/account";
import type { ApiTokenDto } from "@/shared/api-tokens";
import { AppError } from "@/shared/errors";
import type { PasskeyDto } from "@/shared/passkeys";
import type { SessionDto } from "@/shared/sessions";
import type { TwoFactorStatus } from "@/shared/two-factor";

export type SecurityOverview = {
  tokens: ApiTokenDto[];
  twoFactor: TwoFactorStatus;
  passkeys: PasskeyDto[];
  pendingEmailChange: PendingEmailChange | null;
  sessions: SessionDto[];
  hold: RecoveryHold | null;
};

type OverviewRow = {
  tokens: ApiTokenJson[];
  two_factor: TwoFactorJson | null;
  passkeys: PasskeyJson[];
  email_change: PendingEmailChange | null;
  sessions: ActiveSessionJson[];
  hold: RecoveryHoldJson | null;
};

/**
 * Everything the security page shows, in one statement: each section is its own module's
 * subquery (the same one its list function runs alone). The page is re-rendered into the answer
 * of every change made on it, so each statement saved here is saved on every change; and the six
 * subqueries cost more to plan than to run, so each connection plans them once.
 */
export async function loadSecurityOverview(userId: string, currentSessionId: string): Promise<SecurityOverview> {
  const [row] = await db.$queryRaw<[OverviewRow]>`${preparedStatement("security-overview")}
    SELECT ${apiTokensJson(userId)} AS tokens, ${twoFactorJson(userId)} AS two_factor, ${passkeysJson(userId)} AS passkeys,
      ${pendingEmailChangeJson(userId)} AS email_change, ${activeSessionsJson(userId)} AS sessions, ${recoveryHoldJson(userId)} AS hold`;
  if (!row.two_factor) throw new AppError("NOT_FOUND");
  return {
    tokens: apiTokensFromJson(row.tokens),
    twoFactor: twoFactorFromJson(row.two_factor),
    passkeys: passkeysFromJson(row.passkeys),
    pendingEmailChange: pendingEmailChangeFromJson(row.email_change),
    sessions: activeSessionsFromJson(row.sessions, currentSessionId),
    hold: recoveryHoldFromJson(row.hold),
  };
}
