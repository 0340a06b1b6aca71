import "server-only";
import { redirect } from "next/navigation";
import { cache } from "react";
import { auth } from "@/lib/auth/next-auth";
import { resolveSession, type CurrentSession } from "@/lib/sessions/lifecycle";

/** The signed-in session for this request, checked against Postgres (once per request). */
export const getCurrentSession = cache(async (): Promise<CurrentSession | null> => {
  const session = await auth();
  return session?.sid ? resolveSession(session.sid) : null;
});

export async function requireSession(): Promise<CurrentSession> {
  const session = await getCurrentSession();
  if (!session) redirect("/login");
  return session;
}
