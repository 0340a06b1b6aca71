import "server-only";
import { db } from "@/lib/db";
import { describeUserAgent } from "@/lib/http/user-agent";
import { DELETED_ACCOUNT_NAME } from "@/shared/audit-events";
import { isUuid } from "@/shared/format";

/** An audit row's target; `actorId` tells apart two owners' tokens that share a display prefix. */
export type AuditTarget = { targetType: string | null; targetId: string | null; metadata?: unknown; actorId?: string | null };

/**
 * The human name of each row's target, in the same order (null when there is none): one query per
 * target type, whatever the number of rows. A name the row recorded wins, being the name at the time.
 */
export async function targetNamesOf(targets: AuditTarget[]): Promise<(string | null)[]> {
  const recorded = targets.map(recordedName);
  const idsOf = (type: string, valid: (id: string) => boolean = isUuid) => [
    ...new Set(
      targets.flatMap((target, index) =>
        target.targetType === type && target.targetId && recorded[index] === null && valid(target.targetId) ? [target.targetId] : [],
      ),
    ),
  ];
  const [tokens, passkeys, users, sessions, challenges] = await Promise.all([
    lookUp(
      idsOf("api_token", () => true),
      (prefixes) =>
        db.apiToken.findMany({ where: { displayPrefix: { in: prefixes } }, select: { displayPrefix: true, name: true, userId: true } }),
    ),
    lookUp(idsOf("passkey"), (ids) => db.passkey.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } })),
    lookUp(idsOf("user"), (ids) => db.user.findMany({ where: { id: { in: ids } }, select: { id: true, email: true, deletedAt: true } })),
    lookUp(idsOf("session"), (ids) => db.session.findMany({ where: { id: { in: ids } }, select: { id: true, userAgent: true } })),
    lookUp(idsOf("step_up_challenge"), (ids) =>
      db.stepUpChallenge.findMany({ where: { id: { in: ids } }, select: { id: true, description: true } }),
    ),
  ]);
  const passkeyNames = new Map(passkeys.map((row) => [row.id, row.name]));
  const userNames = new Map(users.map((row) => [row.id, row.deletedAt ? DELETED_ACCOUNT_NAME : row.email]));
  const sessionDevices = new Map(sessions.map((row) => [row.id, describeUserAgent(row.userAgent)]));
  const descriptions = new Map(challenges.map((row) => [row.id, row.description]));

  return targets.map((target, index) => {
    const id = target.targetId;
    if (recorded[index] !== null || !id) return recorded[index] ?? null;
    switch (target.targetType) {
      case "api_token":
        return tokenName(tokens, id, ownerOf(target));
      case "passkey":
        return passkeyNames.get(id) ?? null;
      case "user":
        return userNames.get(id) ?? null;
      case "session":
        return sessionDevices.get(id) ?? null;
      case "step_up_challenge":
        return descriptions.get(id) ?? null;
      default:
        return null;
    }
  });
}

async function lookUp<T>(ids: string[], query: (ids: string[]) => Promise<T[]>): Promise<T[]> {
  return ids.length ? query(ids) : [];
}

function metadataText(metadata: unknown, key: string): string | null {
  if (typeof metadata !== "object" || metadata === null || Array.isArray(metadata)) return null;
  const value: unknown = (metadata as Record<string, unknown>)[key];
  return typeof value === "string" && value ? value : null;
}

/** Only where the row's field names the target itself (an `admin.token_revoked` row's `name` is a token's, its target a user). */
function recordedName(target: AuditTarget): string | null {
  if (target.targetType === "api_token" || target.targetType === "passkey") return metadataText(target.metadata, "name");
  if (target.targetType === "device") return metadataText(target.metadata, "device");
  return null;
}

function ownerOf(target: AuditTarget): string | null {
  return metadataText(target.metadata, "ownerId") ?? target.actorId ?? null;
}

// A display prefix has 6 random characters: two accounts' tokens may share one, so the owner decides.
function tokenName(tokens: { displayPrefix: string; name: string; userId: string }[], prefix: string, owner: string | null): string | null {
  const candidates = tokens.filter((token) => token.displayPrefix === prefix);
  if (owner) return candidates.find((token) => token.userId === owner)?.name ?? null;
  return candidates.length === 1 ? (candidates[0]?.name ?? null) : null;
}
