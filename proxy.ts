import { NextResponse, type NextRequest } from "next/server";
import { getEnv } from "@/lib/env";
import { jsonErrorResponse } from "@/lib/http/json-error";
import { contentSecurityPolicy, createNonce } from "@/lib/security/headers";
import { checkSameOrigin, originMatchesHost } from "@/lib/security/same-origin";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);
// /admin is left to its pages: anyone but an admin, signed out included, gets a recorded 404.
const SIGNED_IN_AREAS = ["/settings"];
// Bearer-token clients are not browsers and carry no cookies, so CSRF does not apply to them.
const BEARER_API = "/api/v1/";
// Everything under /api answers JSON, never HTML: no script nonce to make.
const JSON_API = "/api/";

/**
 * Two gates before any route runs: the CSRF guard for every state-changing request and every
 * server-action request wherever it is sent, and an optimistic redirect for signed-out visitors.
 * The real session check happens in lib/auth on every page and action. Pages get their nonce
 * policy here; every other security header is added on the way out (server/front-door.ts).
 */
export function proxy(request: NextRequest) {
  const env = getEnv();
  const { pathname } = request.nextUrl;
  const serverAction = request.headers.has("next-action");
  if (serverAction || (!SAFE_METHODS.has(request.method) && !pathname.startsWith(BEARER_API))) {
    if (!checkSameOrigin(request.headers, env.allowedOrigins).ok || !originMatchesHost(request.headers)) {
      return jsonErrorResponse(403, "cross_site_request", "Cross-site request blocked.");
    }
  }
  const inSignedInArea = SIGNED_IN_AREAS.some((area) => pathname === area || pathname.startsWith(`${area}/`));
  if (inSignedInArea && !request.cookies.getAll().some((cookie) => cookie.name.includes("authjs.session-token"))) {
    const login = new URL("/login", env.APP_URL);
    login.searchParams.set("next", pathname);
    return NextResponse.redirect(login);
  }
  if (pathname.startsWith(JSON_API)) return NextResponse.next();

  // Next.js reads the nonce from the request's CSP header and puts it on its own scripts;
  // x-nonce is for any <Script> of ours that needs it.
  const nonce = createNonce();
  const policy = contentSecurityPolicy(nonce, { isProduction: env.isProduction, https: env.secureCookies });
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("x-nonce", nonce);
  requestHeaders.set("Content-Security-Policy", policy);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set("Content-Security-Policy", policy);
  return response;
}

export const config = {
  matcher: ["/((?!_next/static|_next/image|favicon.ico).*)"],
};
