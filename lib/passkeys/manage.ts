import "server-only";
import { recordAuditEvent } from "@/lib/audit/record";
import { db, jsonTime, Prisma } from "@/lib/db";
import { notifyAccountChange } from "@/lib/email/account-notice";
import type { RequestContext } from "@/lib/http/context";
import { withStepUp } from "@/lib/step-up/with-step-up";
import { AppError } from "@/shared/errors";
import type { PasskeyDto } from "@/shared/passkeys";

type PasskeyRow = { id: string; name: string; createdAt: Date; lastUsedAt: Date | null; backedUp: boolean };

export function toPasskeyDto(passkey: PasskeyRow): PasskeyDto {
  return {
    id: passkey.id,
    name: passkey.name,
    createdAt: passkey.createdAt.toISOString(),
    lastUsedAt: passkey.lastUsedAt?.toISOString() ?? null,
    synced: passkey.backedUp,
  };
}

export type PasskeyJson = Omit<PasskeyRow, "createdAt" | "lastUsedAt"> & { createdAt: string; lastUsedAt: string | null };

/** The user's passkeys, oldest first, as one JSON array (a scalar subquery). */
export function passkeysJson(userId: string): Prisma.Sql {
  return Prisma.sql`(SELECT COALESCE(json_agg(json_build_object(
      'id', p.id, 'name', p.name, 'createdAt', p.created_at, 'lastUsedAt', p.last_used_at, 'backedUp', p.backed_up
    ) ORDER BY p.created_at), '[]') FROM passkeys p WHERE p.user_id = ${userId}::uuid)`;
}

export async function listPasskeys(userId: string): Promise<PasskeyDto[]> {
  const [row] = await db.$queryRaw<[{ passkeys: PasskeyJson[] }]>`SELECT ${passkeysJson(userId)} AS passkeys`;
  return passkeysFromJson(row.passkeys);
}

export function passkeysFromJson(passkeys: PasskeyJson[]): PasskeyDto[] {
  return passkeys.map((passkey) =>
    toPasskeyDto({ ...passkey, createdAt: jsonTime(passkey.createdAt), lastUsedAt: jsonTime(passkey.lastUsedAt) }),
  );
}

/** A name only: no step-up (it grants nothing), but recorded and announced like every change. */
export async function renamePasskey(context: RequestContext, passkeyId: string, name: string): Promise<void> {
  const { session, meta } = context;
  await db.$transaction(async (tx) => {
    const renamed = await tx.passkey.updateManyAndReturn({
      where: { id: passkeyId, userId: session.user.id },
      data: { name },
      select: { id: true },
    });
    if (renamed.length !== 1) throw new AppError("NOT_FOUND");
    await recordAuditEvent(tx, {
      type: "passkey.renamed",
      actor: session.user,
      target: { type: "passkey", id: passkeyId },
      meta,
      metadata: { name },
    });
    await notifyAccountChange(tx, context, { notice: "passkeyRenamed", values: { name } });
  });
}

/** Behind step-up (sudo window). The password and the email remain, so removing the last one locks nobody out. */
export async function removePasskey(context: RequestContext, passkeyId: string): Promise<void> {
  const { session, meta } = context;
  const passkey = await db.passkey.findFirst({ where: { id: passkeyId, userId: session.user.id }, select: { id: true, name: true } });
  if (!passkey) throw new AppError("NOT_FOUND");
  await withStepUp(context, "passkey.remove", { passkeyId: passkey.id, name: passkey.name }, async (tx) => {
    const removed = await tx.passkey.deleteMany({ where: { id: passkey.id, userId: session.user.id } });
    if (removed.count !== 1) throw new AppError("NOT_FOUND");
    await recordAuditEvent(tx, {
      type: "passkey.removed",
      actor: session.user,
      target: { type: "passkey", id: passkey.id },
      meta,
      metadata: { name: passkey.name },
    });
    await notifyAccountChange(tx, context, { notice: "passkeyRemoved", values: { name: passkey.name }, facts: { passkey: passkey.name } });
  });
}
