import { NextResponse, type NextRequest } from "next/server";
import { getEnv } from "@/lib/env";
import { checkSameOrigin } from "@/lib/security/same-origin";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);
// /admin is left to its pages: anyone but an admin, signed out included, gets a recorded 404.
const SIGNED_IN_AREAS = ["/settings"];
// Bearer-token clients are not browsers and carry no cookies, so CSRF does not apply to them.
const BEARER_API = "/api/v1/";

/**
 * Two gates before any route runs: the CSRF guard for every state-changing request
 * (server actions included), and an optimistic redirect for signed-out visitors.
 * The real session check happens in lib/auth on every page and action.
 */
export function proxy(request: NextRequest) {
  const { pathname } = request.nextUrl;
  if (!SAFE_METHODS.has(request.method) && !pathname.startsWith(BEARER_API)) {
    const origin = checkSameOrigin(request.headers, getEnv().allowedOrigins);
    if (!origin.ok) return NextResponse.json({ error: "Forbidden: cross-site request blocked" }, { status: 403 });
  }
  const inSignedInArea = SIGNED_IN_AREAS.some((area) => pathname === area || pathname.startsWith(`${area}/`));
  if (inSignedInArea && !request.cookies.getAll().some((cookie) => cookie.name.includes("authjs.session-token"))) {
    const login = new URL("/login", getEnv().APP_URL);
    login.searchParams.set("next", pathname);
    return NextResponse.redirect(login);
  }
  return NextResponse.next();
}

export const config = {
  matcher: ["/((?!_next/static|_next/image|favicon.ico).*)"],
};
