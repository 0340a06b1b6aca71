import "server-only";
import { headers } from "next/headers";

export type RequestMeta = { ip: string | null; userAgent: string | null };

const MAX_USER_AGENT = 512;

/**
 * The client address is the rightmost X-Forwarded-For entry: the one added by our own
 * load balancer (or by Next.js from the socket when there is none). Entries to its left
 * are client-supplied and cannot be trusted.
 */
export function requestMetaFrom(source: Headers): RequestMeta {
  const forwarded = source.get("x-forwarded-for");
  const ip = forwarded?.split(",").at(-1)?.trim() || null;
  const userAgent = source.get("user-agent")?.slice(0, MAX_USER_AGENT) || null;
  return { ip: ip?.slice(0, 64) ?? null, userAgent };
}

export async function getRequestMeta(): Promise<RequestMeta> {
  return requestMetaFrom(await headers());
}
