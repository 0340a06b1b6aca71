import "server-only";
import { getToken } from "next-auth/jwt";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { cache } from "react";
import { getEnv } from "@/lib/env";
import { resolveSession, type CurrentSession } from "@/lib/sessions/lifecycle";

/** The signed-in session for this request, checked against Postgres (once per render). */
export const getCurrentSession = cache(async (): Promise<CurrentSession | null> => {
  const sessionId = await sessionIdFromCookie((await headers()).get("cookie"));
  return sessionId ? resolveSession(sessionId) : null;
});

/**
 * The session id inside Auth.js's encrypted session cookie: decrypted (and its expiry checked) by
 * Auth.js itself, but not through `auth()`, whose whole session round also re-encrypts a cookie
 * that a page can never set, twice per change. Only the cookie counts: an Authorization header,
 * which getToken would also read, is the API's bearer token and never a browser session.
 */
export async function sessionIdFromCookie(cookie: string | null): Promise<string | null> {
  const env = getEnv();
  const token = await getToken({ req: { headers: { cookie: cookie ?? "" } }, secret: env.AUTH_SECRET, secureCookie: env.secureCookies });
  return typeof token?.sid === "string" ? token.sid : null;
}

export async function requireSession(): Promise<CurrentSession> {
  const session = await getCurrentSession();
  if (!session) redirect("/login");
  return session;
}
