import "server-only";
import type { Role } from "@/generated/prisma/enums";
import { secondFactorAccountKey, SIGN_IN_LIMITS, signInAccountKey } from "@/lib/auth/sign-in-limits";
import { db, type Tx } from "@/lib/db";
import { describeUserAgent } from "@/lib/http/user-agent";
import { activeSession } from "@/lib/sessions/lifecycle";
import type { AdminUserLock, AdminUserLocks, AdminUserSummaryDto } from "@/shared/admin-users";

/** What the user list reads from the users row itself; the rest is looked up for the page's accounts at once. */
export const SUMMARY_SELECT = {
  id: true,
  email: true,
  role: true,
  createdAt: true,
  disabledAt: true,
  twoFactorEnabledAt: true,
} as const;

type UserRow = { id: string; email: string; role: Role; createdAt: Date; disabledAt: Date | null; twoFactorEnabledAt: Date | null };

type StatsRow = {
  id: string;
  recovery_codes_left: number;
  active_sessions: number;
  active_tokens: number;
  step_up_locked_until: Date | null;
  step_up_seconds_left: number | null;
  last_at: Date | null;
  last_ip: string | null;
  last_agent: string | null;
};

/** The list's row for each account, in the order given: a few statements for the whole page, whatever its size. */
export async function summarize(users: UserRow[]): Promise<AdminUserSummaryDto[]> {
  if (users.length === 0) return [];
  const ids = users.map((user) => user.id);
  // Sessions count as the session check counts them (activeSession); the last sign-in is the newest session row.
  const [stats, locks] = await Promise.all([
    db.$queryRaw<StatsRow[]>`
      SELECT u.id::text,
        (SELECT count(*) FROM recovery_codes r WHERE r.user_id = u.id AND r.used_at IS NULL)::int AS recovery_codes_left,
        (SELECT count(*) FROM sessions s WHERE s.user_id = u.id AND ${activeSession()})::int AS active_sessions,
        (SELECT count(*) FROM api_tokens t WHERE t.user_id = u.id AND t.revoked_at IS NULL AND t.expires_at > now())::int AS active_tokens,
        CASE WHEN u.step_up_locked_until > now() THEN u.step_up_locked_until END AS step_up_locked_until,
        CEIL(EXTRACT(EPOCH FROM (u.step_up_locked_until - now())))::int AS step_up_seconds_left,
        last.created_at AS last_at, host(last.ip) AS last_ip, last.user_agent AS last_agent
      FROM users u
      LEFT JOIN LATERAL (
        SELECT s.created_at, s.ip, s.user_agent FROM sessions s WHERE s.user_id = u.id ORDER BY s.created_at DESC LIMIT 1
      ) last ON TRUE
      WHERE u.id = ANY(${ids}::uuid[])`,
    readSignInLocks(db, users),
  ]);
  const byId = new Map(stats.map((row) => [row.id, row]));
  return users.map((user) => {
    const row = byId.get(user.id);
    const signIn = locks.get(user.id);
    return {
      id: user.id,
      email: user.email,
      role: user.role,
      createdAt: user.createdAt.toISOString(),
      status: user.disabledAt ? "disabled" : "active",
      twoFactor: { authenticator: Boolean(user.twoFactorEnabledAt), recoveryCodesLeft: row?.recovery_codes_left ?? 0 },
      locks: {
        signIn: signIn?.signIn ?? null,
        secondFactor: signIn?.secondFactor ?? null,
        stepUp: row?.step_up_locked_until ? lock(row.step_up_locked_until, row.step_up_seconds_left) : null,
      },
      activeSessions: row?.active_sessions ?? 0,
      activeTokens: row?.active_tokens ?? 0,
      lastSignIn: row?.last_at ? { at: row.last_at.toISOString(), ip: row.last_ip, device: describeUserAgent(row.last_agent) } : null,
    } satisfies AdminUserSummaryDto;
  });
}

/**
 * Sign-in locks as the limiter applies them (lib/rate-limit.ts): an account whose password or
 * second-factor counter reached SIGN_IN_LIMITS.perAccount in a window that has not ended, with
 * when that window ends, by database time.
 */
export async function readSignInLocks(
  client: Tx,
  users: { id: string; email: string }[],
): Promise<Map<string, Pick<AdminUserLocks, "signIn" | "secondFactor">>> {
  const { limit, windowSeconds } = SIGN_IN_LIMITS.perAccount;
  const owners = new Map<string, { id: string; kind: "signIn" | "secondFactor" }>();
  for (const user of users) {
    owners.set(signInAccountKey(user.email), { id: user.id, kind: "signIn" });
    owners.set(secondFactorAccountKey(user.id), { id: user.id, kind: "secondFactor" });
  }
  const rows = await client.$queryRaw<{ key: string; until: Date; seconds_left: number }[]>`
    SELECT key, window_start + make_interval(secs => ${windowSeconds}) AS until,
      CEIL(EXTRACT(EPOCH FROM (window_start + make_interval(secs => ${windowSeconds}) - now())))::int AS seconds_left
    FROM rate_limits
    WHERE key = ANY(${[...owners.keys()]}::text[]) AND count >= ${limit}
      AND window_start > now() - make_interval(secs => ${windowSeconds})`;
  const locks = new Map<string, Pick<AdminUserLocks, "signIn" | "secondFactor">>();
  for (const row of rows) {
    const owner = owners.get(row.key);
    if (!owner) continue;
    const entry = locks.get(owner.id) ?? { signIn: null, secondFactor: null };
    entry[owner.kind] = lock(row.until, row.seconds_left);
    locks.set(owner.id, entry);
  }
  return locks;
}

function lock(until: Date, secondsLeft: number | null): AdminUserLock {
  return { until: until.toISOString(), secondsLeft: Math.max(1, secondsLeft ?? 1) };
}
