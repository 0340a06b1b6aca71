import "server-only";
import type { Tx } from "@/lib/db";

/** Every password reset the account has waiting stops working (its code and link are spent). */
export async function voidPasswordResetsFor(tx: Tx, userId: string): Promise<void> {
  await tx.$executeRaw`
    UPDATE one_time_codes SET consumed_at = now()
    WHERE id IN (SELECT id FROM password_resets WHERE user_id = ${userId}::uuid) AND consumed_at IS NULL`;
}
