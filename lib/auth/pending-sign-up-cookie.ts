import "server-only";
import { z } from "zod";
import { clearHostCookie, readHostCookie, setHostCookie } from "@/lib/http/host-cookie";

// Binds verification to the browser that signed up: the request id never appears in a URL or email.
const COOKIE = "pending_sign_up";
const pendingSchema = z.object({ id: z.uuid(), email: z.string().max(254), resendAvailableAt: z.iso.datetime() });
export type PendingSignUpCookie = z.infer<typeof pendingSchema>;

export function setPendingSignUpCookie(pending: PendingSignUpCookie): Promise<void> {
  return setHostCookie(COOKIE, Buffer.from(JSON.stringify(pending)).toString("base64url"), 24 * 60 * 60);
}

export async function readPendingSignUpCookie(): Promise<PendingSignUpCookie | null> {
  const raw = await readHostCookie(COOKIE);
  if (!raw) return null;
  try {
    const parsed = pendingSchema.safeParse(JSON.parse(Buffer.from(raw, "base64url").toString("utf8")));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export function clearPendingSignUpCookie(): Promise<void> {
  return clearHostCookie(COOKIE);
}
