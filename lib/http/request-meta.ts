import "server-only";
import { getEnv } from "@/lib/env";
import { clientAddress } from "@/lib/http/client-address";

export type RequestMeta = { ip: string | null; userAgent: string | null };

const MAX_USER_AGENT = 512;

/** Who is asking: the client address by the configured count of trusted proxies (TRUSTED_PROXIES), and the browser. */
export function requestMetaFrom(source: Headers): RequestMeta {
  const ip = clientAddress(source.get("x-forwarded-for"), getEnv().TRUSTED_PROXIES);
  const userAgent = source.get("user-agent")?.slice(0, MAX_USER_AGENT) || null;
  return { ip, userAgent };
}
