import "server-only";
import { cookies } from "next/headers";
import { z } from "zod";
import { getEnv } from "@/lib/env";

// Binds verification to the browser that signed up: the request id never appears in a URL or email.
const COOKIE = "pending_sign_up";
const pendingSchema = z.object({ id: z.uuid(), email: z.string().max(254), resendAvailableAt: z.iso.datetime() });
export type PendingSignUpCookie = z.infer<typeof pendingSchema>;

export async function setPendingSignUpCookie(pending: PendingSignUpCookie): Promise<void> {
  (await cookies()).set(COOKIE, Buffer.from(JSON.stringify(pending)).toString("base64url"), {
    httpOnly: true,
    sameSite: "lax",
    secure: getEnv().secureCookies,
    path: "/",
    maxAge: 24 * 60 * 60,
  });
}

export async function readPendingSignUpCookie(): Promise<PendingSignUpCookie | null> {
  const raw = (await cookies()).get(COOKIE)?.value;
  if (!raw) return null;
  try {
    const parsed = pendingSchema.safeParse(JSON.parse(Buffer.from(raw, "base64url").toString("utf8")));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export async function clearPendingSignUpCookie(): Promise<void> {
  (await cookies()).delete(COOKIE);
}
