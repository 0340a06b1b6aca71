import "server-only";
import { db } from "@/lib/db";

export type Profile = { email: string; role: "USER" | "ADMIN"; createdAt: Date };

export async function getProfile(userId: string): Promise<Profile> {
  return db.user.findUniqueOrThrow({ where: { id: userId }, select: { email: true, role: true, createdAt: true } });
}
