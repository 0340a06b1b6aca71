import "server-only";
import type { Role } from "@/generated/prisma/enums";
import { hashPassword } from "@/lib/auth/password";
import { db } from "@/lib/db";
import { getEnv } from "@/lib/env";

const DEMO_PASSWORD = "correct-horse-battery";
const DEMO_ACCOUNTS: { email: string; role: Role }[] = [
  { email: "user@example.com", role: "USER" },
  { email: "admin@example.com", role: "ADMIN" },
];

/** Creates the documented demo accounts if missing. Refuses to run in production. */
export async function seedDemoAccounts(): Promise<string[]> {
  if (getEnv().isProduction) throw new Error("Demo accounts are never seeded in production");
  const created: string[] = [];
  for (const account of DEMO_ACCOUNTS) {
    const exists = await db.user.findUnique({ where: { email: account.email }, select: { id: true } });
    if (exists) continue;
    await db.user.create({ data: { ...account, passwordHash: await hashPassword(DEMO_PASSWORD), emailVerifiedAt: new Date() } });
    created.push(account.email);
  }
  return created;
}
