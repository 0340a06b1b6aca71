import { ServerResponse, type OutgoingHttpHeader, type OutgoingHttpHeaders } from "node:http";
import { NON_HTML_CONTENT_SECURITY_POLICY, securityHeaders, type SecurityHeaderOptions } from "@/lib/security/headers";
import type { HeldBodyRequest } from "@/server/held-body-request";

const HTML = /^\s*text\/html\b/i;

/**
 * Responses with the security headers, whoever wrote them (Next.js pages, its static files,
 * route handlers, the front door itself). Pages keep the nonce policy proxy.ts gave them.
 */
export function secureResponseClass(options: SecurityHeaderOptions): typeof ServerResponse<HeldBodyRequest> {
  const common = Object.entries(securityHeaders(options));
  return class SecureResponse extends ServerResponse<HeldBodyRequest> {
    override writeHead(
      statusCode: number,
      reasonOrHeaders?: string | OutgoingHttpHeaders | OutgoingHttpHeader[],
      maybeHeaders?: OutgoingHttpHeaders | OutgoingHttpHeader[],
    ): this {
      const headers = typeof reasonOrHeaders === "string" ? maybeHeaders : reasonOrHeaders;
      for (const [name, value] of common) if (!this.hasHeader(name) && !hasHeader(headers, name)) this.setHeader(name, value);
      const contentType = headerValue(headers, "content-type") ?? this.getHeader("content-type");
      if (!HTML.test(String(contentType ?? ""))) {
        this.setHeader("Content-Security-Policy", NON_HTML_CONTENT_SECURITY_POLICY);
        if (headers) deleteHeader(headers, "content-security-policy");
      }
      return typeof reasonOrHeaders === "string"
        ? super.writeHead(statusCode, reasonOrHeaders, headers)
        : super.writeHead(statusCode, headers);
    }
  };
}

function headerValue(headers: OutgoingHttpHeaders | OutgoingHttpHeader[] | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  if (Array.isArray(headers)) {
    for (let i = 0; i + 1 < headers.length; i += 2) if (String(headers[i]).toLowerCase() === name) return String(headers[i + 1]);
    return undefined;
  }
  const key = Object.keys(headers).find((candidate) => candidate.toLowerCase() === name);
  return key === undefined ? undefined : String(headers[key]);
}

function hasHeader(headers: OutgoingHttpHeaders | OutgoingHttpHeader[] | undefined, name: string): boolean {
  return headerValue(headers, name.toLowerCase()) !== undefined;
}

function deleteHeader(headers: OutgoingHttpHeaders | OutgoingHttpHeader[], name: string): void {
  if (Array.isArray(headers)) {
    for (let i = headers.length - 2; i >= 0; i -= 2) if (String(headers[i]).toLowerCase() === name) headers.splice(i, 2);
    return;
  }
  for (const key of Object.keys(headers)) if (key.toLowerCase() === name) delete headers[key];
}
