import "server-only";

export type SecurityHeaderOptions = {
  /** `next dev` needs `eval` (React's error stacks) and a WebSocket (hot reload); production needs neither. */
  isProduction: boolean;
  /** HSTS and `upgrade-insecure-requests` only make sense when the app is served over https. */
  https: boolean;
};

/** A fresh, unguessable value per request: 128 bits, base64. */
export function createNonce(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
}

/**
 * The policy for HTML pages. Scripts run only with this request's nonce, which Next.js reads back
 * from the request's CSP header and puts on its own script tags; 'strict-dynamic' lets those
 * scripts load the route's chunks.
 */
export function contentSecurityPolicy(nonce: string, { isProduction, https }: SecurityHeaderOptions): string {
  const directives: string[][] = [
    ["default-src", "'self'"],
    ["script-src", "'self'", `'nonce-${nonce}'`, "'strict-dynamic'", ...(isProduction ? [] : ["'unsafe-eval'"])],
    // Not a nonce: Radix's scroll lock (react-style-singleton) and Next's dev overlay insert <style>
    // elements without one, and a nonce would switch 'unsafe-inline' off. Styles cannot run script.
    ["style-src", "'self'", "'unsafe-inline'"],
    ["img-src", "'self'", "data:", "blob:"],
    ["font-src", "'self'"],
    ["connect-src", "'self'", ...(isProduction ? [] : ["ws:", "wss:"])],
    ["object-src", "'none'"],
    ["base-uri", "'none'"],
    ["form-action", "'self'"],
    ["frame-ancestors", "'none'"],
    ...(https ? [["upgrade-insecure-requests"]] : []),
  ];
  return directives.map((directive) => directive.join(" ")).join("; ");
}

/** JSON and file responses render nothing, so they may load nothing and be framed by no one. */
export const NON_HTML_CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'";

/** Headers for every response, HTML or not. */
export function securityHeaders({ https }: Pick<SecurityHeaderOptions, "https">): Record<string, string> {
  return {
    // Only the origin, never a path or query: the email report links carry tokens in their URL.
    // Not 'no-referrer': with it Chromium sends `Origin: null` on plain form posts (forms work without
    // JavaScript), which the CSRF guard refuses.
    "Referrer-Policy": "strict-origin",
    "Permissions-Policy": [
      "accelerometer=()",
      "autoplay=()",
      "browsing-topics=()",
      "camera=()",
      "display-capture=()",
      "geolocation=()",
      "gyroscope=()",
      "interest-cohort=()",
      "magnetometer=()",
      "microphone=()",
      "midi=()",
      "payment=()",
      // Passkeys: this origin may create and use them, no frame of another origin may.
      "publickey-credentials-create=(self)",
      "publickey-credentials-get=(self)",
      "serial=()",
      "usb=()",
      "xr-spatial-tracking=()",
    ].join(", "),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    ...(https ? { "Strict-Transport-Security": "max-age=63072000; includeSubDomains" } : {}),
  };
}
