import "server-only";
import { cookies } from "next/headers";
import type { z } from "zod";
import { getEnv } from "@/lib/env";

type HostCookieOptions = { httpOnly: true; sameSite: "lax"; secure: boolean; path: "/" };

/**
 * Over https the name gets the `__Host-` prefix: the browser then accepts the cookie only with
 * Secure, Path=/ and no Domain, so a sibling subdomain cannot plant or overwrite it. Reading,
 * writing and deleting all go through this, so plain-http development keeps the bare name.
 */
function hostCookie(name: string, secure: boolean): { name: string; options: HostCookieOptions } {
  return { name: secure ? `__Host-${name}` : name, options: { httpOnly: true, sameSite: "lax", secure, path: "/" } };
}

/** Short-lived, HttpOnly cookies that tie the next step of signing up or in to this browser. */
export async function setHostCookie(name: string, value: string, maxAgeSeconds: number): Promise<void> {
  const cookie = hostCookie(name, getEnv().secureCookies);
  (await cookies()).set(cookie.name, value, { ...cookie.options, maxAge: maxAgeSeconds });
}

export async function readHostCookie(name: string): Promise<string | null> {
  return (await cookies()).get(hostCookie(name, getEnv().secureCookies).name)?.value ?? null;
}

// A __Host- cookie can only be expired by a Set-Cookie that carries the same attributes.
export async function clearHostCookie(name: string): Promise<void> {
  const cookie = hostCookie(name, getEnv().secureCookies);
  (await cookies()).delete({ name: cookie.name, ...cookie.options });
}

/**
 * A small JSON value in a host cookie (base64url), e.g. which pending sign-up or reset this browser
 * started. Not a secret and not trusted: whatever it names is looked up and checked again.
 */
export function jsonHostCookie<Schema extends z.ZodType>(name: string, schema: Schema, maxAgeSeconds: number) {
  return {
    set: (value: z.input<Schema>) => setHostCookie(name, Buffer.from(JSON.stringify(value)).toString("base64url"), maxAgeSeconds),
    async read(): Promise<z.output<Schema> | null> {
      const raw = await readHostCookie(name);
      if (!raw) return null;
      try {
        const parsed = schema.safeParse(JSON.parse(Buffer.from(raw, "base64url").toString("utf8")));
        return parsed.success ? parsed.data : null;
      } catch {
        return null;
      }
    },
    clear: () => clearHostCookie(name),
  };
}
