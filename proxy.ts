import { NextResponse, type NextRequest } from "next/server";
import { getEnv } from "@/lib/env";
import { contentSecurityPolicy, createNonce, NON_HTML_CONTENT_SECURITY_POLICY, securityHeaders, type SecurityHeaderOptions } from "@/lib/security/headers";
import { checkSameOrigin } from "@/lib/security/same-origin";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);
// /admin is left to its pages: anyone but an admin, signed out included, gets a recorded 404.
const SIGNED_IN_AREAS = ["/settings"];
// Bearer-token clients are not browsers and carry no cookies, so CSRF does not apply to them.
const BEARER_API = "/api/v1/";
// Everything under /api answers JSON, never HTML: no script nonce to make.
const JSON_API = "/api/";

/**
 * Two gates before any route runs: the CSRF guard for every state-changing request
 * (server actions included), and an optimistic redirect for signed-out visitors.
 * The real session check happens in lib/auth on every page and action.
 * Every response, the gates' own included, leaves with the security headers.
 */
export function proxy(request: NextRequest) {
  const env = getEnv();
  const options: SecurityHeaderOptions = { isProduction: env.isProduction, https: env.secureCookies };
  const { pathname } = request.nextUrl;
  if (!SAFE_METHODS.has(request.method) && !pathname.startsWith(BEARER_API)) {
    const origin = checkSameOrigin(request.headers, env.allowedOrigins);
    if (!origin.ok) {
      return withHeaders(NextResponse.json({ error: "Forbidden: cross-site request blocked" }, { status: 403 }), NON_HTML_CONTENT_SECURITY_POLICY, options);
    }
  }
  const inSignedInArea = SIGNED_IN_AREAS.some((area) => pathname === area || pathname.startsWith(`${area}/`));
  if (inSignedInArea && !request.cookies.getAll().some((cookie) => cookie.name.includes("authjs.session-token"))) {
    const login = new URL("/login", env.APP_URL);
    login.searchParams.set("next", pathname);
    return withHeaders(NextResponse.redirect(login), NON_HTML_CONTENT_SECURITY_POLICY, options);
  }
  if (pathname.startsWith(JSON_API)) return withHeaders(NextResponse.next(), NON_HTML_CONTENT_SECURITY_POLICY, options);

  // Next.js reads the nonce from the request's CSP header and puts it on its own scripts;
  // x-nonce is for any <Script> of ours that needs it.
  const nonce = createNonce();
  const policy = contentSecurityPolicy(nonce, options);
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("x-nonce", nonce);
  requestHeaders.set("Content-Security-Policy", policy);
  return withHeaders(NextResponse.next({ request: { headers: requestHeaders } }), policy, options);
}

function withHeaders(response: NextResponse, policy: string, options: SecurityHeaderOptions): NextResponse {
  response.headers.set("Content-Security-Policy", policy);
  for (const [name, value] of Object.entries(securityHeaders(options))) response.headers.set(name, value);
  return response;
}

export const config = {
  matcher: ["/((?!_next/static|_next/image|favicon.ico).*)"],
};
