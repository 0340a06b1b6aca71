import "server-only";
import { randomInt } from "node:crypto";
import { deriveKey, hmacHex } from "@/lib/crypto";
import { db, type Tx } from "@/lib/db";

export const RECOVERY_CODES = {
  count: 10,
  /** Warn the user when this few are left. */
  warnAt: 3,
} as const;

// No 0/o, 1/l/i: codes are read off paper.
const ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz";
const LENGTH = 10;

/** Recovery codes have ~50 random bits each, so a keyed hash is enough (no slow hash needed). */
function recoveryCodeHash(userId: string, code: string): string {
  return hmacHex(deriveKey("recovery-code"), userId, normalizeRecoveryCode(code));
}

function normalizeRecoveryCode(code: string): string {
  return code.toLowerCase().replace(/[\s-]/g, "");
}

function newRecoveryCode(): string {
  let code = "";
  for (let i = 0; i < LENGTH; i++) code += ALPHABET[randomInt(ALPHABET.length)];
  return `${code.slice(0, 5)}-${code.slice(5)}`;
}

/** Replaces the user's set; returns the new codes, the only time they exist in plaintext. */
export async function replaceRecoveryCodes(tx: Tx, userId: string): Promise<string[]> {
  const codes = Array.from({ length: RECOVERY_CODES.count }, newRecoveryCode);
  await tx.recoveryCode.deleteMany({ where: { userId } });
  await tx.recoveryCode.createMany({ data: codes.map((code) => ({ userId, codeHash: recoveryCodeHash(userId, code) })) });
  return codes;
}

/** The id of the user's unused recovery code with this value, if there is one. */
export async function findUnusedRecoveryCode(tx: Tx, userId: string, code: string): Promise<string | null> {
  const found = await tx.recoveryCode.findFirst({
    where: { userId, codeHash: recoveryCodeHash(userId, code), usedAt: null },
    select: { id: true },
  });
  return found?.id ?? null;
}

/** Marks a recovery code used; true for exactly one caller. */
export async function markRecoveryCodeUsed(tx: Tx, id: string): Promise<boolean> {
  const spent = await tx.recoveryCode.updateMany({ where: { id, usedAt: null }, data: { usedAt: new Date() } });
  return spent.count === 1;
}

/** Finds and spends a recovery code in one go (signing in); true for exactly one caller. */
export async function spendRecoveryCode(tx: Tx, userId: string, code: string): Promise<boolean> {
  const id = await findUnusedRecoveryCode(tx, userId, code);
  return id ? markRecoveryCodeUsed(tx, id) : false;
}

export function countRecoveryCodesLeft(userId: string, client: Tx = db): Promise<number> {
  return client.recoveryCode.count({ where: { userId, usedAt: null } });
}
