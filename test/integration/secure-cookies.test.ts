import { ResponseCookies } from "next/dist/server/web/spec-extension/cookies";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { Env } from "@/lib/env";
import { randomEmail, STRONG_PASSWORD } from "@/test/helpers/fixtures";

const APP_URL = "https://account.example.com";

const state = vi.hoisted(() => ({
  env: undefined as Env | undefined,
  headers: new Headers(),
  responseHeaders: new Headers(),
  jar: undefined as ResponseCookies | undefined,
}));
vi.mock("@/lib/env", async (importOriginal) => {
  const actual = await importOriginal<typeof import("@/lib/env")>();
  return { ...actual, getEnv: () => state.env ?? actual.getEnv() };
});
vi.mock("next/headers", () => ({
  headers: async () => state.headers,
  cookies: async () => {
    if (!state.jar) throw new Error("no cookie jar");
    return state.jar;
  },
}));

const { parseEnv } = await import("@/lib/env");
const { hashPassword } = await import("@/lib/auth/password");
const { signIn } = await import("@/lib/auth/next-auth");
const { sessionIdFromCookie } = await import("@/lib/sessions/current");
const { encode } = await import("next-auth/jwt");
const { db } = await import("@/lib/db");
const { clearPendingSignUpCookie, readPendingSignUpCookie, setPendingSignUpCookie } = await import("@/lib/auth/pending-sign-up-cookie");
const { clearSecondFactorCookie, readSecondFactorCookie, setSecondFactorCookie } = await import("@/lib/auth/second-factor-cookie");

/** Each Set-Cookie the jar would send, split into its name and its attributes. */
function setCookies(): { name: string; attributes: string[] }[] {
  return state.responseHeaders.getSetCookie().map((header) => {
    const [pair = "", ...attributes] = header.split("; ");
    return { name: pair.slice(0, pair.indexOf("=")), attributes };
  });
}

/** Signs a new user in through Auth.js; returns the session cookie it set, as the browser sends it back. */
async function signedInCookie(name: string): Promise<{ cookie: string; sessionId: string }> {
  const email = randomEmail();
  const user = await db.user.create({ data: { email, passwordHash: await hashPassword(STRONG_PASSWORD), emailVerifiedAt: new Date() } });
  await signIn("credentials", { email, password: STRONG_PASSWORD, redirect: false });
  const value = state.jar?.get(name)?.value;
  if (!value) throw new Error(`no ${name} cookie`);
  const session = await db.session.findFirstOrThrow({ where: { userId: user.id }, select: { id: true } });
  return { cookie: `other=1; ${name}=${value}`, sessionId: session.id };
}

function useEnv(appUrl: string): void {
  state.env = parseEnv({ ...process.env, APP_URL: appUrl });
}

beforeEach(() => {
  state.responseHeaders = new Headers();
  state.jar = new ResponseCookies(state.responseHeaders);
  state.headers = new Headers({
    host: new URL(APP_URL).host,
    "x-forwarded-proto": "https",
    "x-forwarded-for": "203.0.113.7",
    "user-agent": "Mozilla/5.0 Chrome/130.0",
  });
});

describe("cookies over https", () => {
  beforeEach(() => useEnv(APP_URL));

  it("the sign-up and second-step cookies are __Host- cookies: Secure, HttpOnly, SameSite=Lax, Path=/, no Domain", async () => {
    await setPendingSignUpCookie({ id: crypto.randomUUID(), email: "a@example.test", resendAvailableAt: new Date().toISOString() });
    await setSecondFactorCookie("token");

    const cookies = setCookies();
    expect(cookies.map((cookie) => cookie.name)).toEqual(["__Host-pending_sign_up", "__Host-second_factor_sign_in"]);
    for (const { attributes } of cookies) {
      expect(attributes).toEqual(expect.arrayContaining(["Path=/", "Secure", "HttpOnly", "SameSite=lax"]));
      expect(attributes.some((attribute) => attribute.startsWith("Domain="))).toBe(false);
      expect(attributes.some((attribute) => attribute.startsWith("Max-Age="))).toBe(true);
    }
  });

  it("reads back what it wrote, and clears it with the attributes a __Host- cookie needs", async () => {
    await setSecondFactorCookie("token");
    expect(await readSecondFactorCookie()).toBe("token");
    await clearSecondFactorCookie();
    await setPendingSignUpCookie({ id: crypto.randomUUID(), email: "a@example.test", resendAvailableAt: new Date().toISOString() });
    await clearPendingSignUpCookie();

    expect(await readSecondFactorCookie()).toBeFalsy();
    expect(await readPendingSignUpCookie()).toBeNull();
    for (const { attributes } of setCookies()) {
      expect(attributes).toEqual(expect.arrayContaining(["Path=/", "Secure", "HttpOnly", "Expires=Thu, 01 Jan 1970 00:00:00 GMT"]));
    }
  });

  it("next-auth's session cookie is __Secure-, HttpOnly, SameSite=Lax", async () => {
    const email = randomEmail();
    await db.user.create({ data: { email, passwordHash: await hashPassword(STRONG_PASSWORD), emailVerifiedAt: new Date() } });

    await signIn("credentials", { email, password: STRONG_PASSWORD, redirect: false });

    const cookies = setCookies();
    const session = cookies.find((cookie) => cookie.name === "__Secure-authjs.session-token");
    expect(session?.attributes).toEqual(expect.arrayContaining(["Path=/", "Secure", "HttpOnly", "SameSite=lax"]));
    for (const cookie of cookies) {
      expect(cookie.name).toMatch(/^__(Secure|Host)-/);
      expect(cookie.attributes).toEqual(expect.arrayContaining(["Secure", "HttpOnly"]));
    }
  });
});

describe("the session cookie, read back on each request", () => {
  const secure = "__Secure-authjs.session-token";
  beforeEach(() => useEnv(APP_URL));

  it("names the session Auth.js signed in", async () => {
    const { cookie, sessionId } = await signedInCookie(secure);
    expect(await sessionIdFromCookie(cookie)).toBe(sessionId);
  });

  it("is nobody's when missing, tampered with, under another name, sealed with another secret or expired", async () => {
    const { cookie } = await signedInCookie(secure);
    const value = cookie.slice(cookie.indexOf(`${secure}=`) + secure.length + 1);
    const flipped = `${value.slice(0, 40)}${value[40] === "A" ? "B" : "A"}${value.slice(41)}`;
    const sealed = (secret: string, maxAge: number) => encode({ token: { sid: crypto.randomUUID() }, secret, salt: secure, maxAge });
    const env = state.env!;
    for (const candidate of [
      null,
      "",
      "other=1",
      `${secure}=${flipped}`,
      `authjs.session-token=${value}`,
      `${secure}=${await sealed("another-secret-of-at-least-32-characters", 3600)}`,
      `${secure}=${await sealed(env.AUTH_SECRET, -60)}`,
    ]) {
      expect(await sessionIdFromCookie(candidate)).toBeNull();
    }
    expect(await sessionIdFromCookie(`${secure}=${await sealed(env.AUTH_SECRET, 3600)}`)).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("over plain http it is the bare name", async () => {
    useEnv("http://localhost:3000");
    const { cookie, sessionId } = await signedInCookie("authjs.session-token");
    expect(await sessionIdFromCookie(cookie)).toBe(sessionId);
    expect(await sessionIdFromCookie(cookie.replace("authjs.session-token", secure))).toBeNull();
  });
});

describe("cookies over plain http (development)", () => {
  beforeEach(() => useEnv("http://localhost:3000"));

  it("keep their bare names, without Secure, so the browser accepts them", async () => {
    await setSecondFactorCookie("token");
    expect(await readSecondFactorCookie()).toBe("token");
    const [cookie] = setCookies();
    expect(cookie?.name).toBe("second_factor_sign_in");
    expect(cookie?.attributes).not.toContain("Secure");
    expect(cookie?.attributes).toEqual(expect.arrayContaining(["Path=/", "HttpOnly", "SameSite=lax"]));
  });
});
