import "server-only";
import NextAuth, { CredentialsSignin } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { completeSecondFactorSignIn, type SecondFactorSignInResult } from "@/lib/auth/second-factor-sign-in";
import { signInWithPassword, type SignInResult } from "@/lib/auth/sign-in";
import { deviceIdOrNull } from "@/lib/devices/cookie";
import { getEnv } from "@/lib/env";
import { requestMetaFrom } from "@/lib/http/request-meta";
import { errorName, log } from "@/lib/log";
import { signInWithPasskey, type PasskeySignInResult } from "@/lib/passkeys/sign-in";
import type { SignInMeta } from "@/lib/sessions/sign-in-session";
import { signInSchema } from "@/shared/auth";
import { secondFactorProofSchema } from "@/shared/two-factor";

declare module "next-auth" {
  interface Session {
    sid?: string;
  }
  interface User {
    sessionId?: string;
  }
}

declare module "@auth/core/jwt" {
  interface JWT {
    sid?: string;
  }
}

/** Carries why a sign-in was refused from `authorize` back to the server action. */
export class SignInRefused extends CredentialsSignin {
  constructor(
    readonly reason: Extract<SignInResult | SecondFactorSignInResult | PasskeySignInResult, { ok: false }>["code"],
    readonly details: { retryAfterSeconds?: number; attemptsLeft?: number; secondFactorToken?: string } = {},
  ) {
    super(reason);
    this.code = "credentials";
  }
}

function refusal(result: Extract<SignInResult | SecondFactorSignInResult | PasskeySignInResult, { ok: false }>): SignInRefused {
  return new SignInRefused(result.code, {
    ...("retryAfterSeconds" in result && { retryAfterSeconds: result.retryAfterSeconds }),
    ...("attemptsLeft" in result && { attemptsLeft: result.attemptsLeft }),
    ...("token" in result && { secondFactorToken: result.token }),
  });
}

/** The request's address and browser, and the device id the server action read from this browser's cookie. */
function signInMeta(request: Request, credentials: Partial<Record<string, unknown>>): SignInMeta {
  return { ...requestMetaFrom(request.headers), deviceId: deviceIdOrNull(credentials.device) };
}

// The config is built per request so importing this module (e.g. in `next build`) reads no secrets.
export const { signIn, signOut } = NextAuth(() => {
  const env = getEnv();
  const maxAge = env.SESSION_MAX_AGE_HOURS * 3600;
  return {
    secret: env.AUTH_SECRET,
    trustHost: true,
    useSecureCookies: env.secureCookies,
    session: { strategy: "jwt", maxAge },
    pages: { signIn: "/login" },
    providers: [
      Credentials({
        credentials: { email: {}, password: {}, device: {} },
        async authorize(credentials, request) {
          const parsed = signInSchema.safeParse(credentials);
          if (!parsed.success) throw new SignInRefused("INVALID_CREDENTIALS");
          const result = await signInWithPassword(parsed.data, signInMeta(request, credentials));
          if (!result.ok) throw refusal(result);
          return { id: result.user.id, sessionId: result.sessionId };
        },
      }),
      // Step two when 2FA is on: the token from step one (a cookie) plus an authenticator or recovery code.
      Credentials({
        id: "second-factor",
        credentials: { token: {}, method: {}, code: {}, device: {} },
        async authorize(credentials, request) {
          const token = typeof credentials.token === "string" ? credentials.token : "";
          const proof = secondFactorProofSchema.safeParse(credentials);
          if (!proof.success) throw new SignInRefused("SECOND_FACTOR_INVALID");
          const result = await completeSecondFactorSignIn(token, proof.data, signInMeta(request, credentials));
          if (!result.ok) throw refusal(result);
          return { id: result.user.id, sessionId: result.sessionId };
        },
      }),
      // A user-verified passkey: a complete sign-in on its own.
      Credentials({
        id: "passkey",
        credentials: { response: {}, device: {} },
        async authorize(credentials, request) {
          const response = typeof credentials.response === "string" ? credentials.response : "";
          const result = await signInWithPasskey(response, signInMeta(request, credentials));
          if (!result.ok) throw refusal(result);
          return { id: result.user.id, sessionId: result.sessionId };
        },
      }),
    ],
    callbacks: {
      // The cookie carries only the session id; everything else is read from Postgres.
      jwt: ({ token, user }) => (user?.sessionId ? { sid: user.sessionId } : { sid: token.sid }),
      session: ({ session, token }) => ({ expires: session.expires, sid: token.sid }),
    },
    logger: {
      error: (error) => {
        if (error instanceof SignInRefused) return;
        log("error", "auth.error", { error: errorName(error) });
      },
      warn: () => {},
      debug: () => {},
    },
  };
});
