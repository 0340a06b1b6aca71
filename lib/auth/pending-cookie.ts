import "server-only";
import { cookies } from "next/headers";
import { getEnv } from "@/lib/env";

/** Short-lived, HttpOnly cookies that tie the next step of signing up or in to this browser. */
export async function setPendingCookie(name: string, value: string, maxAgeSeconds: number): Promise<void> {
  (await cookies()).set(name, value, { httpOnly: true, sameSite: "lax", secure: getEnv().secureCookies, path: "/", maxAge: maxAgeSeconds });
}

export async function readPendingCookie(name: string): Promise<string | null> {
  return (await cookies()).get(name)?.value ?? null;
}

export async function clearPendingCookie(name: string): Promise<void> {
  (await cookies()).delete(name);
}
